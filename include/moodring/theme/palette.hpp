#pragma once

#include <moodring/theme/color.hpp>
#include <moodring/theme/theme.hpp>

#include <optional>

namespace moodring::theme {

// The model's colours that passed the format check; nullopt where its value was unusable.
struct offered_colors {
    std::optional<rgb> primary;
    std::optional<rgb> secondary;
    std::optional<rgb> background;
    std::optional<rgb> text;
    std::optional<rgb> accent;
    std::optional<rgb> gradient_start;
    std::optional<rgb> gradient_end;
    std::optional<rgb> user_bg;
    std::optional<rgb> assistant_bg;
    std::optional<rgb> border;
};

// Sets every colour of `t`: the offered ones as they are, the others derived from them (a
// secondary a hue step from the primary, gradients from primary and secondary, surfaces from
// the background) so a partial answer still looks like one design; with nothing usable, the
// default theme's. The shadow always comes from the primary. Legibility is not its concern.
void derive_colors(const offered_colors& offered, theme& t);

}  // namespace moodring::theme
