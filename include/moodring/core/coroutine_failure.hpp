#pragma once

#include <exception>
#include <string_view>

namespace moodring {

// Logs the exception a spawned coroutine ended with, naming `what` failed. The one place where
// a detached coroutine's escape is turned into a log line: `co_spawn(ex, job, log_failure("x"))`.
void log_coroutine_failure(std::string_view what, std::exception_ptr error) noexcept;

struct log_failure {
    std::string_view what;  // a literal: it must outlive the coroutine
    template <class... Results>
    void operator()(std::exception_ptr error, Results&&...) const noexcept {
        if (error) log_coroutine_failure(what, error);
    }
};

}  // namespace moodring
