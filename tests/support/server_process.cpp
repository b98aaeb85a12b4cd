#include "server_process.hpp"

#include "postgres_server.hpp"

#include <signal.h>

#include <regex>
#include <stdexcept>

namespace moodring::test {

unsigned short port_from_banner(const std::string& line) {
    static const std::regex pattern(R"(listening on https?://[^:/\s]+:(\d+))");
    std::smatch m;
    if (!std::regex_search(line, m, pattern)) return 0;
    return static_cast<unsigned short>(std::stoi(m[1]));
}

std::vector<std::string> prompt_args() {
    return {
        "--chat.system_prompt_file",
        (source_dir() / "prompts/system.txt").string(),
        "--theme.prompt_file",
        (source_dir() / "prompts/theme.txt").string(),
    };
}

server_process::server_process(options opts)
    : options_(std::move(opts)), database_(data_dir_ / "data/moodring.db") {
    if (testing_on_postgres()) database_url_ = postgres_server::shared().create_database();
    launch();
}

server_process::~server_process() {
    if (process_ && process_->running()) stop();
}

void server_process::launch() {
    std::vector<std::string> args{
        "--port",
        "0",
        "--db",
        database_.string(),
        "--ollama-url",
        options_.llm_url,
        "--web-root",
        options_.web_root.string(),
        "--log-level",
        "warn",
    };
    if (!database_url_.empty()) {
        args.insert(args.end(), {"--database.url", database_url_});
    }
    const auto prompts = prompt_args();
    args.insert(args.end(), prompts.begin(), prompts.end());
    args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());
    if (options_.launcher.empty()) {
        process_ = std::make_unique<child_process>(server_binary(), args, options_.env);
    } else {
        std::vector<std::string> launched(options_.launcher.begin() + 1, options_.launcher.end());
        launched.push_back(server_binary().string());
        launched.insert(launched.end(), args.begin(), args.end());
        process_ =
            std::make_unique<child_process>(options_.launcher.front(), launched, options_.env);
    }
    const auto banner = process_->read_line(std::chrono::seconds(20));
    port_ = port_from_banner(banner);
    if (port_ == 0) throw std::runtime_error("unexpected first line from moodring: " + banner);
}

server_process::options back_to_back_turns(const std::string& llm_url) {
    server_process::options options;
    options.llm_url = llm_url;
    options.extra_args = {
        "--llm.warm_up",
        "false",
        "--theme.enabled",
        "false",
        "--websocket.message_burst",
        "1000",
        "--websocket.messages_per_second",
        "1000",
    };
    return options;
}

int server_process::stop() {
    process_->signal(SIGTERM);
    return process_->wait(std::chrono::seconds(20));
}

void server_process::restart() {
    if (process_->running()) stop();
    launch();
}

}  // namespace moodring::test
