#include "installed_server.hpp"

#include "conversations.hpp"
#include "http_client.hpp"
#include "server_process.hpp"
#include "ws_client.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace moodring::test {

std::filesystem::path build_dir() { return MOODRING_BUILD_DIR; }

std::string file_text(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

finished_process shell(const std::string& command) {
    return run_captured("/bin/sh", {"-c", command}, "/", std::chrono::seconds(120));
}

installed_server::installed_server(
    std::vector<std::string> command, const temp_dir& data, const mock_ollama_process& mock
) {
    std::vector<std::string> launch{"-c", "cd / && exec \"$0\" \"$@\""};
    launch.insert(launch.end(), command.begin(), command.end());
    const std::vector<std::string> args{
        "--port",
        "0",
        "--db",
        (data / "moodring.db").string(),
        "--ollama-url",
        mock.base_url(),
        "--llm.warm_up",
        "false",
        "--log-level",
        "warn"};
    launch.insert(launch.end(), args.begin(), args.end());
    process_ = std::make_unique<child_process>("/bin/sh", launch);
    const auto banner = process_->read_line(std::chrono::seconds(20));
    port_ = port_from_banner(banner);
    if (port_ == 0) throw std::runtime_error("unexpected first line from moodring: " + banner);
}

installed_server::~installed_server() {
    if (process_->running()) stop();
}

int installed_server::stop() {
    process_->signal(SIGTERM);
    return process_->wait(std::chrono::seconds(20));
}

void expect_page(unsigned short port, const std::string& index_html) {
    ASSERT_FALSE(index_html.empty());
    const auto page = http_get(port, "/");
    EXPECT_EQ(page.status, 200u);
    EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
    EXPECT_EQ(page.body, index_html);
}

void expect_turn(unsigned short port, mock_ollama_process& mock, const std::string& system_prompt) {
    ASSERT_FALSE(system_prompt.empty());
    const auto conversation = create_conversation(port, "installed");
    ws_client ws(port, "/ws/" + conversation);
    ws.send_json({{"message", "hello [[mock reply=counter tokens=3]]"}});
    std::string reply;
    const auto frames = ws.read_until("end");
    for (const auto& frame : frames) {
        if (frame["type"] == "chunk") reply += frame["content"].get<std::string>();
    }
    EXPECT_EQ(reply, "token0 token1 token2 ");
    EXPECT_EQ(frames.back()["status"], "complete");
    // The reply's request starts with the installed system prompt (a theme's may come too).
    bool prompted = false;
    for (const auto& generation : mock.settled_generations()) {
        const auto& messages = generation["body"].value("messages", nlohmann::json::array());
        prompted = prompted || (!messages.empty() && messages[0].value("role", "") == "system" &&
                                messages[0].value("content", "") == system_prompt);
    }
    EXPECT_TRUE(prompted) << mock.settled_generations().dump(2);
}

void expect_unit_verifies(const std::filesystem::path& unit) {
    const auto verified = shell("systemd-analyze verify '" + unit.string() + "'");
    EXPECT_EQ(verified.exit_code, 0) << verified.output;
    EXPECT_EQ(verified.output, "");
}

}  // namespace moodring::test
