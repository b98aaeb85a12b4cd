#include <moodring/core/coroutine_failure.hpp>

#include <spdlog/spdlog.h>

namespace moodring {

void log_coroutine_failure(std::string_view what, std::exception_ptr error) noexcept {
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        spdlog::error("{} failed: {}", what, e.what());
    } catch (...) {
        spdlog::error("{} failed with an unknown exception", what);
    }
}

}  // namespace moodring
