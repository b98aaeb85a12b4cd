#include "test_paths.hpp"
#include <moodring/core/config.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

using namespace moodring;

namespace {

config_load_result load(
    std::vector<std::string> args, std::map<std::string, std::string> env = {}
) {
    return load_config({std::move(args), std::move(env)});
}

std::string write_file(const test::temp_dir& dir, const std::string& text) {
    const auto path = (dir / "moodring.json").string();
    std::ofstream(path) << text;
    return path;
}

std::string error_of(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    try {
        load(std::move(args), std::move(env));
    } catch (const config_error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(config, defaults_serve_out_of_the_box) {
    test::temp_dir dir;
    auto r = load({"--config", write_file(dir, "{}")});
    EXPECT_EQ(r.settings.server.host, "127.0.0.1");
    EXPECT_EQ(r.settings.server.port, 8000);
    EXPECT_EQ(r.settings.database.path, "data/moodring.db");
    EXPECT_EQ(r.settings.llm.url, "http://127.0.0.1:11434");
    EXPECT_EQ(
        r.settings.server.allowed_origins,
        (std::vector<std::string>{"http://localhost:5173", "http://127.0.0.1:5173"})
    );
}

TEST(config, shipped_config_file_holds_every_setting_with_its_default) {
    const auto shipped = test::source_dir() / "config" / "moodring.json";
    std::ifstream in(shipped);
    ASSERT_TRUE(in) << shipped;
    auto file = nlohmann::json::parse(in);
    EXPECT_EQ(file, nlohmann::json::parse(config_to_json(config{})));
}

TEST(config, file_then_environment_then_flags) {
    test::temp_dir dir;
    const auto file = write_file(dir, R"({"server": {"port": 9001, "host": "0.0.0.0"},
                                          "llm": {"chat_model": "from-file"}})");
    auto from_file = load({"--config", file});
    EXPECT_EQ(from_file.settings.server.port, 9001);
    EXPECT_EQ(from_file.settings.server.host, "0.0.0.0");
    EXPECT_EQ(from_file.config_file, file);

    auto from_env = load({"--config", file}, {{"MOODRING_SERVER_PORT", "9002"}});
    EXPECT_EQ(from_env.settings.server.port, 9002);
    EXPECT_EQ(from_env.settings.llm.chat_model, "from-file");

    auto from_flag = load(
        {"--config", file, "--port", "9003", "--chat-model", "flag"},
        {{"MOODRING_SERVER_PORT", "9002"}, {"MOODRING_LLM_CHAT_MODEL", "env"}}
    );
    EXPECT_EQ(from_flag.settings.server.port, 9003);
    EXPECT_EQ(from_flag.settings.llm.chat_model, "flag");
    EXPECT_EQ(from_flag.settings.server.host, "0.0.0.0");
}

TEST(config, every_setting_has_a_long_flag) {
    test::temp_dir dir;
    auto r = load(
        {"--config",
         write_file(dir, "{}"),
         "--http.max_body_bytes",
         "4096",
         "--server.allowed_origins",
         "http://a.test,http://b.test:8080"}
    );
    EXPECT_EQ(r.settings.http.max_body_bytes, 4096u);
    EXPECT_EQ(
        r.settings.server.allowed_origins,
        (std::vector<std::string>{"http://a.test", "http://b.test:8080"})
    );
}

TEST(config, ollama_host_is_read_as_ollama_clients_read_it) {
    test::temp_dir dir;
    const auto file = write_file(dir, "{}");
    EXPECT_EQ(
        load({"--config", file}, {{"OLLAMA_HOST", "0.0.0.0"}}).settings.llm.url,
        "http://127.0.0.1:11434"
    );
    EXPECT_EQ(
        load({"--config", file}, {{"OLLAMA_HOST", "gpu-box:9999"}}).settings.llm.url,
        "http://gpu-box:9999"
    );
    EXPECT_EQ(
        load({"--config", file}, {{"OLLAMA_HOST", "http://10.1.2.3:11434/"}}).settings.llm.url,
        "http://10.1.2.3:11434"
    );
    // The project's own variable wins over Ollama's.
    EXPECT_EQ(
        load(
            {"--config", file}, {{"OLLAMA_HOST", "a:1"}, {"MOODRING_LLM_URL", "http://b:2"}}
        ).settings.llm.url,
        "http://b:2"
    );
}

TEST(config, rejections_name_the_key) {
    test::temp_dir dir;
    auto with_file = [&](const std::string& text) {
        return error_of({"--config", write_file(dir, text)});
    };
    EXPECT_NE(
        with_file(R"({"server": {"prot": 1}})").find("unknown setting server.prot"),
        std::string::npos
    );
    EXPECT_NE(with_file(R"({"nope": {"x": 1}})").find("unknown setting nope.x"), std::string::npos);
    EXPECT_NE(with_file(R"({"server": 5})").find("server must be an object"), std::string::npos);
    EXPECT_NE(
        with_file(R"({"server": {"port": "80"}})").find("server.port must be a whole number"),
        std::string::npos
    );
    EXPECT_NE(
        with_file(R"({"server": {"port": 70000}})").find("server.port is too large"),
        std::string::npos
    );
    EXPECT_NE(
        with_file(R"({"server": {"port": -1}})").find("server.port must not be negative"),
        std::string::npos
    );
    EXPECT_NE(
        with_file(R"({"server": {"io_threads": 0}})").find("server.io_threads must be at least 1"),
        std::string::npos
    );
    EXPECT_NE(
        with_file(R"({"http": {"request_timeout_ms": 0}})")
            .find("http.request_timeout_ms must be a positive"),
        std::string::npos
    );
    EXPECT_NE(
        with_file(R"({"llm": {"url": "ftp://x"}})").find("llm.url must be an http:// URL"),
        std::string::npos
    );
    EXPECT_NE(
        with_file(R"({"llm": {"chat_model": ""}})").find("llm.chat_model must not be empty"),
        std::string::npos
    );
    EXPECT_NE(
        with_file(R"({"log": {"level": "loud"}})").find("log.level must be one of"),
        std::string::npos
    );
    EXPECT_NE(
        with_file(R"({"server": {"allowed_origins": ["http://x/path"]}})")
            .find("server.allowed_origins"),
        std::string::npos
    );
    EXPECT_NE(
        with_file(R"({"server": {"allowed_origins": "http://x"}})")
            .find("must be a list of strings"),
        std::string::npos
    );
    EXPECT_NE(with_file("{ not json").find("not valid JSON"), std::string::npos);
    EXPECT_NE(with_file("[1]").find("must hold a JSON object"), std::string::npos);

    EXPECT_NE(
        error_of({"--config", (dir / "missing.json").string()}).find("cannot read config file"),
        std::string::npos
    );
    EXPECT_NE(error_of({"--bogus"}).find("command line"), std::string::npos);
    EXPECT_NE(
        error_of({"--port", "http"}).find("--port: server.port must be a whole number"),
        std::string::npos
    );
    EXPECT_NE(
        error_of(
            {"--config", write_file(dir, "{}")}, {{"MOODRING_SERVER_PROT", "1"}}
        ).find("unknown environment variable MOODRING_SERVER_PROT"),
        std::string::npos
    );
    EXPECT_NE(
        error_of(
            {"--config", write_file(dir, "{}")}, {{"MOODRING_SERVER_PORT", "x"}}
        ).find("MOODRING_SERVER_PORT: server.port"),
        std::string::npos
    );
}

TEST(config, help_and_print_are_recognised) {
    EXPECT_TRUE(load({"--help"}).help_requested);
    EXPECT_NE(load({"--help"}).help_text.find("--chat-model"), std::string::npos);
    test::temp_dir dir;
    EXPECT_TRUE(load({"--config", write_file(dir, "{}"), "--print-config"}).print_requested);
}

TEST(config, llm_slots_and_cooldowns_have_their_defaults) {
    test::temp_dir dir;
    const auto llm = load({"--config", write_file(dir, "{}")}).settings.llm;
    EXPECT_EQ(llm.slots, 0u);  // learned
    EXPECT_EQ(llm.max_in_flight, 4u);
    EXPECT_EQ(llm.cooldown, std::chrono::milliseconds(1'000));
    EXPECT_EQ(llm.cooldown_max, std::chrono::milliseconds(30'000));
    EXPECT_EQ(llm.models_refresh, std::chrono::milliseconds(60'000));
    EXPECT_EQ(llm.theme_yield, std::chrono::milliseconds(0));
}

TEST(config, llm_slots_and_cooldowns_come_from_environment_and_flags) {
    test::temp_dir dir;
    const auto file = write_file(dir, R"({"llm": {"slots": 2}})");
    const auto loaded = load(
        {"--config",
         file,
         "--llm.cooldown_max_ms",
         "4000",
         "--llm.models_refresh_ms",
         "5000",
         "--llm.slots",
         "6"},
        {{"MOODRING_LLM_COOLDOWN_MS", "500"},
         {"MOODRING_LLM_THEME_YIELD_MS", "250"},
         {"MOODRING_LLM_SLOTS", "3"}}
    );
    const auto& llm = loaded.settings.llm;
    EXPECT_EQ(llm.slots, 6u);
    EXPECT_EQ(llm.cooldown, std::chrono::milliseconds(500));
    EXPECT_EQ(llm.cooldown_max, std::chrono::milliseconds(4'000));
    EXPECT_EQ(llm.models_refresh, std::chrono::milliseconds(5'000));
    EXPECT_EQ(llm.theme_yield, std::chrono::milliseconds(250));
    EXPECT_EQ(load({"--config", file}).settings.llm.slots, 2u);
}

TEST(config, llm_slots_zero_means_learned_and_may_exceed_max_in_flight) {
    test::temp_dir dir;
    const auto file = write_file(dir, R"({"llm": {"slots": 5}})");
    // A later source's 0 gives the slots back to learning.
    EXPECT_EQ(load({"--config", file}, {{"MOODRING_LLM_SLOTS", "0"}}).settings.llm.slots, 0u);
    // Configured slots are taken as given, above the ceiling of learned ones included.
    EXPECT_EQ(load({"--config", file, "--llm.max_in_flight", "2"}).settings.llm.slots, 5u);
}

TEST(config, llm_cooldown_max_below_cooldown_is_refused_naming_both) {
    test::temp_dir dir;
    const auto file = write_file(dir, R"({"llm": {"cooldown_ms": 2000}})");
    const auto error = error_of({"--config", file, "--llm.cooldown_max_ms", "1500"});
    EXPECT_NE(error.find("llm.cooldown_max_ms (1500)"), std::string::npos) << error;
    EXPECT_NE(error.find("llm.cooldown_ms (2000)"), std::string::npos) << error;
    // Equal is a fixed cooldown, not doubled.
    EXPECT_EQ(error_of({"--config", file, "--llm.cooldown_max_ms", "2000"}), "");
    // Only the final values are compared: a cooldown raised alone past the default longest one
    // is refused, and is fine when the longest is raised as well, from another source.
    EXPECT_EQ(
        error_of(
            {"--config", write_file(dir, "{}")}, {{"MOODRING_LLM_COOLDOWN_MS", "45000"}}
        ).find("llm.cooldown_max_ms (30000)"),
        0u
    );
    EXPECT_EQ(
        error_of(
            {"--config", write_file(dir, "{}"), "--llm.cooldown_max_ms", "90000"},
            {{"MOODRING_LLM_COOLDOWN_MS", "45000"}}
        ),
        ""
    );
}

TEST(config, llm_cooldowns_and_refresh_must_be_positive) {
    test::temp_dir dir;
    const auto file = write_file(dir, "{}");
    for (const std::string key :
         {"llm.cooldown_ms", "llm.cooldown_max_ms", "llm.models_refresh_ms"}) {
        EXPECT_NE(
            error_of({"--config", file, "--" + key, "0"}).find(key + " must be a positive"),
            std::string::npos
        ) << key;
    }
    EXPECT_EQ(error_of({"--config", file, "--llm.theme_yield_ms", "0"}), "");
    EXPECT_NE(
        error_of(
            {"--config", file}, {{"MOODRING_LLM_SLOTS", "-1"}}
        ).find("llm.slots must be a whole number"),
        std::string::npos
    );
}
