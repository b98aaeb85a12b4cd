// mock_ollama: a scripted stand-in for Ollama's HTTP API, for tests and benchmarks.
#include "mock_state.hpp"
#include "script.hpp"
#include "server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/program_options.hpp>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace po = boost::program_options;

namespace {

std::vector<std::string> split_models(const std::string& list) {
    std::vector<std::string> out;
    std::stringstream in{list};
    for (std::string name; std::getline(in, name, ',');) {
        if (!name.empty()) out.push_back(name);
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) try {
    std::string host = "127.0.0.1";
    unsigned short port = 0;
    std::string models = "llama3.2,qwen2.5:0.5b";
    long long header_delay = 0, ttft = 0, interval = 10;
    std::string log_level = "info";
    mock_ollama::script defaults;
    mock_ollama::scheduler_limits limits;
    long long load_ms = 0;

    po::options_description desc{"mock_ollama options"};
    desc.add_options()("help", "show this help")(
        "host", po::value(&host)->default_value(host), "address to listen on"
    )("port", po::value(&port)->default_value(port), "port; 0 picks a free one")(
        "models", po::value(&models)->default_value(models), "comma-separated model names"
    )("tokens", po::value(&defaults.tokens)->default_value(defaults.tokens), "tokens per reply")(
        "interval-ms", po::value(&interval)->default_value(interval), "delay between tokens"
    )("ttft-ms", po::value(&ttft)->default_value(ttft), "delay before the first token")(
        "header-delay-ms",
        po::value(&header_delay)->default_value(header_delay),
        "delay before the response headers"
    )("seed", po::value(&defaults.seed)->default_value(defaults.seed), "seed of the text replies"
    )("log-level",
      po::value(&log_level)->default_value(log_level),
      "stderr log level: info logs every request; warn only scripting problems");
    // Off by default: then every request runs at once and every model is loaded in no time.
    po::options_description sched{"scheduler, as Ollama's (0 = unlimited)"};
    sched.add_options()(
        "parallel",
        po::value(&limits.parallel)->default_value(limits.parallel),
        "generations at once per loaded model (OLLAMA_NUM_PARALLEL)"
    )("max-queue",
      po::value(&limits.max_queue)->default_value(limits.max_queue),
      "waiting requests beyond which a request gets 503 at once (OLLAMA_MAX_QUEUE)")(
        "max-loaded-models",
        po::value(&limits.max_loaded_models)->default_value(limits.max_loaded_models),
        "models loaded at once; the least recently used is evicted (OLLAMA_MAX_LOADED_MODELS)"
    )("load-ms", po::value(&load_ms)->default_value(load_ms), "time a model takes to load");
    desc.add(sched);
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, desc), vm);
    po::notify(vm);
    if (vm.count("help")) {
        std::cout << desc << "\n"
                  << "Per request, [[mock key=value ...]] in the last user message, the system\n"
                  << "message or the prompt overrides these; see tools/mock_ollama/README.md.\n";
        return 0;
    }
    if (limits.parallel < 0 || limits.max_queue < 0 || limits.max_loaded_models < 0 ||
        load_ms < 0) {
        throw std::invalid_argument{"scheduler flags must not be negative"};
    }
    limits.load_time = std::chrono::milliseconds{load_ms};
    defaults.header_delay = std::chrono::milliseconds{header_delay};
    defaults.ttft = std::chrono::milliseconds{ttft};
    defaults.interval = std::chrono::milliseconds{interval};

    // stdout carries only the listening line, which the tests read; logs go to stderr.
    spdlog::set_default_logger(spdlog::stderr_color_mt("mock_ollama"));
    spdlog::set_level(spdlog::level::from_str(log_level));

    mock_ollama::mock_state state{defaults, split_models(models), limits};
    boost::asio::io_context ioc{1};
    mock_ollama::server srv{ioc, host, port, state};
    srv.start();

    boost::asio::signal_set signals{ioc, SIGINT, SIGTERM};
    signals.async_wait([&](const boost::system::error_code&, int) { ioc.stop(); });

    std::printf("mock_ollama listening on http://%s:%u\n", host.c_str(), srv.port());
    std::fflush(stdout);
    ioc.run();
    state.scheduler.shut_down();
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "mock_ollama: %s\n", e.what());
    return 1;
}
