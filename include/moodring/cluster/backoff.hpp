#pragma once

#include <chrono>

namespace moodring::cluster {

// The waits between reconnection attempts: `min`, doubled after each failure up to `max`,
// back to `min` once a connection succeeded.
class backoff {
public:
    backoff(std::chrono::milliseconds min, std::chrono::milliseconds max);

    std::chrono::milliseconds next();
    void reset() { current_ = min_; }

private:
    std::chrono::milliseconds min_;
    std::chrono::milliseconds max_;
    std::chrono::milliseconds current_;
};

}  // namespace moodring::cluster
