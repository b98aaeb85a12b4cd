#pragma once

#include <moodring/theme/theme.hpp>

#include <cstddef>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace moodring::theme {

// Trimmed, whitespace runs collapsed to one space, ASCII lower-cased: conversations that differ
// only in such ways get the same theme.
std::string normalise_context(std::string_view text);

struct theme_cache_key {
    std::string_view model;           // the theme model's name
    std::string_view prompt_version;  // theme_prompt_version() of the template in use
    std::string_view context;         // the mood text; normalised by the cache
};

// Least-recently-used cache of validated themes. Not thread-safe: the server owns one on a
// single strand and touches it only there.
class theme_cache {
public:
    static constexpr std::size_t default_capacity = 64;

    explicit theme_cache(std::size_t capacity = default_capacity);

    // A hit makes the entry the most recently used.
    std::optional<theme> get(const theme_cache_key& key);
    // Inserts or replaces, evicting the least recently used entry beyond capacity.
    void put(const theme_cache_key& key, theme value);

    std::size_t size() const noexcept { return entries_.size(); }
    std::size_t capacity() const noexcept { return capacity_; }

private:
    struct entry {
        std::string key;
        theme value;
    };

    static std::string flatten(const theme_cache_key& key);

    std::size_t capacity_;
    std::list<entry> entries_;  // most recently used first
    std::unordered_map<std::string_view, std::list<entry>::iterator> index_;
};

}  // namespace moodring::theme
