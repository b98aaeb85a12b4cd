#include <moodring/theme/theme_cache.hpp>

namespace moodring::theme {
namespace {

bool is_ascii_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

void append_part(std::string& out, std::string_view part) {
    // Length-prefixed, so no choice of model name or version can make two keys collide.
    out += std::to_string(part.size());
    out += ':';
    out += part;
}

}  // namespace

std::string normalise_context(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    bool pending_space = false;
    for (const char raw : text) {
        if (is_ascii_space(raw)) {
            pending_space = !out.empty();
            continue;
        }
        if (pending_space) {
            out += ' ';
            pending_space = false;
        }
        out += (raw >= 'A' && raw <= 'Z') ? static_cast<char>(raw - 'A' + 'a') : raw;
    }
    return out;
}

theme_cache::theme_cache(std::size_t capacity) : capacity_(capacity) {}

std::string theme_cache::flatten(const theme_cache_key& key) {
    std::string out;
    append_part(out, key.model);
    append_part(out, key.prompt_version);
    append_part(out, normalise_context(key.context));
    return out;
}

std::optional<theme> theme_cache::get(const theme_cache_key& key) {
    const auto it = index_.find(flatten(key));
    if (it == index_.end()) return std::nullopt;
    entries_.splice(entries_.begin(), entries_, it->second);
    return it->second->value;
}

void theme_cache::put(const theme_cache_key& key, theme value) {
    if (capacity_ == 0) return;
    std::string flat = flatten(key);
    if (const auto it = index_.find(flat); it != index_.end()) {
        it->second->value = std::move(value);
        entries_.splice(entries_.begin(), entries_, it->second);
        return;
    }
    if (entries_.size() >= capacity_) {
        index_.erase(entries_.back().key);
        entries_.pop_back();
    }
    entries_.push_front({std::move(flat), std::move(value)});
    // The view points into the list node, which never moves while the entry lives.
    index_.emplace(entries_.front().key, entries_.begin());
}

}  // namespace moodring::theme
