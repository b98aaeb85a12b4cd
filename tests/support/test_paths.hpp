#pragma once

#include <filesystem>
#include <string>

namespace moodring::test {

// Paths of the binaries under test, fixed at build time.
std::filesystem::path server_binary();
// Whether the server under test runs under a sanitizer (this build's ASan, or the TSan server
// of TEST_SERVER_BINARY), whose shadow memory makes its RSS no measure of moodring's.
bool server_is_instrumented();
std::filesystem::path mock_ollama_binary();
std::filesystem::path source_dir();

// A fresh directory under the system temp dir, removed when the object goes.
class temp_dir {
public:
    temp_dir();
    ~temp_dir();
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

}  // namespace moodring::test
