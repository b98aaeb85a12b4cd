#include <moodring/theme/theme_extractor.hpp>

namespace moodring::theme {

theme_extractor::theme_extractor(extractor_limits limits) : limits_(limits) {}

bool theme_extractor::closes_object(char c) noexcept {
    if (in_string_) {
        // Inside a string only the escape state matters: `\"` and `\\` are two-byte units, and
        // the hex digits of `\u` need no special care because they are neither quote nor brace.
        if (escaped_) {
            escaped_ = false;
        } else if (c == '\\') {
            escaped_ = true;
        } else if (c == '"') {
            in_string_ = false;
        }
        return false;
    }
    if (c == '"') {
        in_string_ = true;
    } else if (c == '{') {
        ++depth_;
    } else if (c == '}') {
        return --depth_ == 0;
    }
    return false;
}

std::optional<nlohmann::json> theme_extractor::feed(std::string_view delta) {
    if (done_ || finished_) return std::nullopt;
    for (const char c : delta) {
        if (mode_ == mode::seeking) {
            if (c == '{') {
                mode_ = mode::capturing;
                object_.assign(1, c);
                depth_ = 1;
                in_string_ = escaped_ = false;
            }
            continue;
        }
        if (mode_ == mode::capturing) {
            if (object_.size() >= limits_.max_object_bytes) {
                // Keep counting to the end of this object so its inner objects are not
                // mistaken for candidates, but stop buffering it.
                mode_ = mode::skipping;
                object_.clear();
                object_.shrink_to_fit();
                ++rejected_;
            } else {
                object_ += c;
            }
        }
        if (!closes_object(c)) continue;
        if (mode_ == mode::skipping) {
            mode_ = mode::seeking;
            continue;
        }
        mode_ = mode::seeking;
        auto parsed = nlohmann::json::parse(object_, nullptr, false);
        object_.clear();
        if (!parsed.is_discarded() && parsed.is_object()) {
            done_ = true;
            return parsed;
        }
        ++rejected_;
    }
    return std::nullopt;
}

std::optional<nlohmann::json> theme_extractor::finish() {
    if (done_ || finished_) return std::nullopt;
    finished_ = true;
    if (mode_ != mode::capturing) return std::nullopt;
    const std::size_t next = object_.find('{', 1);
    if (next == std::string::npos) return std::nullopt;
    theme_extractor retry(limits_);
    auto found = retry.feed(std::string_view(object_).substr(next));
    rejected_ += retry.rejected();
    done_ = found.has_value();
    return found;
}

}  // namespace moodring::theme
