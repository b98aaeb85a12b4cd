#pragma once

#include <moodring/theme/theme.hpp>

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace moodring::theme {

// What validation changed, for one log line. Holds field names and fixed reasons only, never
// the model's values, so logging it cannot leak or inject text.
struct validation_report {
    struct repair {
        std::string_view field;   // a protocol key
        std::string_view reason;  // "missing", "invalid", "cleaned", "contrast", ...
    };
    bool not_an_object = false;
    std::size_t unknown_keys = 0;
    std::vector<repair> repairs;

    bool clean() const noexcept { return !not_an_object && unknown_keys == 0 && repairs.empty(); }
    // `primaryColor:invalid textColor:contrast unknown_keys=2`
    std::string summary() const;
};

// Turns whatever a model produced into a theme that keeps every promise of the protocol: only
// known keys, `#rrggbb` colours (missing or unsafe ones derived from the valid ones or the
// default theme), a server-made shadow, a plain-text name, one emoji, a slug id, and WCAG AA
// contrast for the three text pairs. Never fails.
theme validate_theme(const nlohmann::json& raw, validation_report& report);
theme validate_theme(const nlohmann::json& raw);

}  // namespace moodring::theme
