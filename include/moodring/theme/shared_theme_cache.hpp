#pragma once

#include <moodring/theme/theme_cache.hpp>

#include <mutex>
#include <optional>

namespace moodring::theme {

// The theme cache for jobs that may run on several I/O threads at once. Each call holds the
// lock only for the lookup or the insert, never across a co_await.
class shared_theme_cache {
public:
    explicit shared_theme_cache(std::size_t capacity = theme_cache::default_capacity);

    std::optional<theme> get(const theme_cache_key& key);
    void put(const theme_cache_key& key, theme value);
    std::size_t size();

private:
    std::mutex mutex_;
    theme_cache cache_;
};

}  // namespace moodring::theme
