#pragma once

// What the install and package tests do with an installed moodring: run it from `/` in front
// of the mock Ollama and check that it serves its page and streams a turn.

#include "child_process.hpp"
#include "mock_ollama_process.hpp"
#include "test_paths.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace moodring::test {

// The build directory the install step and cpack take the built files from.
std::filesystem::path build_dir();

// Reads a whole file; "" when it cannot be read.
std::string file_text(const std::filesystem::path& file);

// A shell command run from `/`, its stdout and stderr together.
finished_process shell(const std::string& command);

// `command` (the binary and its flags, or a launcher such as setpriv before them) started
// from `/` on a free port with a database in `data`, in front of `mock`; stopped (SIGTERM)
// when the object goes.
class installed_server {
public:
    installed_server(
        std::vector<std::string> command, const temp_dir& data, const mock_ollama_process& mock
    );
    ~installed_server();

    unsigned short port() const { return port_; }
    // SIGTERM and the exit code.
    int stop();

private:
    std::unique_ptr<child_process> process_;
    unsigned short port_ = 0;
};

// GET / answers the page, whose text is `index_html`.
void expect_page(unsigned short port, const std::string& index_html);

// One turn streams to its end over the WebSocket, with `system_prompt` sent to the model.
void expect_turn(unsigned short port, mock_ollama_process& mock, const std::string& system_prompt);

// `systemd-analyze verify` passes the unit without a word. It loads the unit as systemd
// would, with no systemd running (as in a container), and fails on a binary that ExecStart
// names and that is not there; unknown keys and bad values it only warns about, with exit
// code 0, hence the check that it prints nothing.
void expect_unit_verifies(const std::filesystem::path& unit);

}  // namespace moodring::test
