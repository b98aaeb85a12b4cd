#include <moodring/cluster/backoff.hpp>

#include <algorithm>

namespace moodring::cluster {

backoff::backoff(std::chrono::milliseconds min, std::chrono::milliseconds max)
    : min_(std::max(min, std::chrono::milliseconds(1))),
      max_(std::max(max, min_)),
      current_(min_) {}

std::chrono::milliseconds backoff::next() {
    const auto wait = current_;
    current_ = std::min(current_ * 2, max_);
    return wait;
}

}  // namespace moodring::cluster
