#include <moodring/theme/shared_theme_cache.hpp>

namespace moodring::theme {

shared_theme_cache::shared_theme_cache(std::size_t capacity) : cache_(capacity) {}

std::optional<theme> shared_theme_cache::get(const theme_cache_key& key) {
    const std::lock_guard lock{mutex_};
    return cache_.get(key);
}

void shared_theme_cache::put(const theme_cache_key& key, theme value) {
    const std::lock_guard lock{mutex_};
    cache_.put(key, std::move(value));
}

std::size_t shared_theme_cache::size() {
    const std::lock_guard lock{mutex_};
    return cache_.size();
}

}  // namespace moodring::theme
