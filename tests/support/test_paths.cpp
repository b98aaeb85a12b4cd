#include "test_paths.hpp"

#include "sanitizers.hpp"

#include <atomic>
#include <cstdlib>
#include <random>
#include <system_error>

namespace moodring::test {

// The ThreadSanitizer pass runs this suite against a server built with -fsanitize=thread.
std::filesystem::path server_binary() {
    if (const char* other = std::getenv("TEST_SERVER_BINARY"); other && *other) {
        return other;
    }
    return MOODRING_SERVER_BINARY;
}
bool server_is_instrumented() {
#if defined(MOODRING_TEST_ASAN) || defined(MOODRING_TEST_TSAN)
    return true;
#else
    return server_binary() != MOODRING_SERVER_BINARY;
#endif
}

std::filesystem::path mock_ollama_binary() { return MOODRING_MOCK_OLLAMA_BINARY; }
std::filesystem::path source_dir() {
    return std::filesystem::path{MOODRING_TEST_SOURCE_DIR}.parent_path();
}

temp_dir::temp_dir() {
    static std::atomic<unsigned> counter{0};
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("moodring-test-" + std::to_string(rd()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
}

temp_dir::~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

}  // namespace moodring::test
