#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace moodring::theme {

struct extractor_limits {
    // Largest object text we buffer; a bigger one is skipped whole (a theme is ~600 bytes).
    std::size_t max_object_bytes = 16 * 1024;
};

// Finds the first JSON object in a model's streamed answer, as soon as it closes, so the theme
// can be pushed before the model has finished its trailing prose. Sans-I/O: feed each delta.
//
// Braces are counted only outside JSON strings, with escape state carried across deltas; every
// byte is looked at once and each closed object is parsed once, so the cost is linear in the
// bytes received. A candidate that does not parse, is not an object or exceeds the size limit
// is passed over and scanning goes on after it.
class theme_extractor {
public:
    explicit theme_extractor(extractor_limits limits = {});

    // The object, on the call whose delta closes it; nullopt otherwise and after that call.
    std::optional<nlohmann::json> feed(std::string_view delta);

    // The stream has ended. If a candidate is still open, an unmatched `{` in the prose may have
    // swallowed the real object ("I'll use {soft colours: {...}"), so its text is scanned once
    // more from its next `{`. One retry, of at most the size limit, keeps the cost linear.
    // Later feeds are ignored.
    std::optional<nlohmann::json> finish();

    // Whether an object has been found (further deltas are then ignored).
    bool done() const noexcept { return done_; }

    // For logging: candidates passed over (malformed, not an object, or too large).
    std::size_t rejected() const noexcept { return rejected_; }

private:
    enum class mode { seeking, capturing, skipping };

    // Advances the string/brace state; true when this byte closes the outermost object.
    bool closes_object(char c) noexcept;

    extractor_limits limits_;
    mode mode_ = mode::seeking;
    std::string object_;
    std::size_t depth_ = 0;
    bool in_string_ = false;
    bool escaped_ = false;
    bool done_ = false;
    bool finished_ = false;
    std::size_t rejected_ = 0;
};

}  // namespace moodring::theme
