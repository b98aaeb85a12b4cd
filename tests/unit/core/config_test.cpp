#include "test_paths.hpp"
#include <moodring/core/config.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
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

// The repository's config file holds every setting with its default; its paths, taken from
// config/ where it lives, name what the defaults name from the repository's root.
TEST(config, shipped_config_file_holds_every_setting_with_its_default) {
    const auto shipped = test::source_dir() / "config" / "moodring.json";
    std::ifstream in(shipped);
    ASSERT_TRUE(in) << shipped;
    auto file = nlohmann::json::parse(in);
    auto defaults = nlohmann::json::parse(config_to_json(config{}));
    for (const auto& [section, key] : {
             std::pair{"server", "web_root"},
             {"chat", "system_prompt_file"},
             {"theme", "prompt_file"},
             {"database", "path"},
         }) {
        const auto from_config_dir =
            std::filesystem::path("config") / file[section][key].get<std::string>();
        EXPECT_EQ(from_config_dir.lexically_normal(), defaults[section][key].get<std::string>())
            << section << "." << key;
        file[section][key] = defaults[section][key];
    }
    EXPECT_EQ(file, defaults);
}

TEST(config, file_then_environment_then_flags) {
    test::temp_dir dir;
    const auto file = write_file(dir, R"({"server": {"port": 9001, "host": "127.0.0.2"},
                                          "llm": {"chat_model": "from-file"}})");
    auto from_file = load({"--config", file});
    EXPECT_EQ(from_file.settings.server.port, 9001);
    EXPECT_EQ(from_file.settings.server.host, "127.0.0.2");
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
    EXPECT_EQ(from_flag.settings.server.host, "127.0.0.2");
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

namespace {

const std::string three_endpoints = R"([
    {"url": "http://gpu-a:11434"},
    {"url": "http://gpu-b:8080/v1/", "kind": "openai", "slots": 8, "models": ["qwen2.5:7b"]},
    {"url": "http://10.0.0.7:11434", "kind": "ollama", "slots": 1,
     "models": ["llama3.2", "mistral"]}
])";

void expect_three_endpoints(const std::vector<config::llm_endpoint>& endpoints) {
    ASSERT_EQ(endpoints.size(), 3u);
    EXPECT_EQ(endpoints[0], (config::llm_endpoint{"http://gpu-a:11434", "ollama", 0, {}}));
    EXPECT_EQ(
        endpoints[1], (config::llm_endpoint{"http://gpu-b:8080/v1/", "openai", 8, {"qwen2.5:7b"}})
    );
    EXPECT_EQ(
        endpoints[2],
        (config::llm_endpoint{"http://10.0.0.7:11434", "ollama", 1, {"llama3.2", "mistral"}})
    );
}

}  // namespace

TEST(config, llm_endpoints_are_not_set_by_default) {
    test::temp_dir dir;
    const auto loaded = load({"--config", write_file(dir, "{}")});
    EXPECT_TRUE(loaded.settings.llm.endpoints.empty());
    EXPECT_TRUE(nlohmann::json::parse(config_to_json(loaded.settings))["llm"]["endpoints"].is_null()
    );
}

TEST(config, shipped_config_file_loads_to_the_defaults) {
    // The file comparison above does not read the file the way the server does: this does,
    // so a default shown as null must also be accepted as "not set", and the paths must name
    // the repository's files, as the defaults do from its root (`tools/dev.sh serve`).
    const auto root = test::source_dir();
    const auto shipped = (root / "config" / "moodring.json").string();
    auto loaded = load({"--config", shipped}).settings;
    config expected;
    for (auto* path :
         {&expected.server.web_root,
          &expected.chat.system_prompt_file,
          &expected.theme.prompt_file,
          &expected.database.path}) {
        *path = (root / *path).string();
    }
    EXPECT_EQ(config_to_json(loaded), config_to_json(expected));
}

TEST(config, llm_endpoints_one_entry_takes_the_defaults_of_the_others) {
    test::temp_dir dir;
    const auto file = write_file(dir, R"({"llm": {"endpoints": [{"url": "http://gpu:11434"}]}})");
    const auto endpoints = load({"--config", file}).settings.llm.endpoints;
    ASSERT_EQ(endpoints.size(), 1u);
    EXPECT_EQ(endpoints[0].url, "http://gpu:11434");
    EXPECT_EQ(endpoints[0].kind, "ollama");
    EXPECT_EQ(endpoints[0].slots, 0u);  // learned
    EXPECT_TRUE(endpoints[0].models.empty());
}

TEST(config, llm_endpoints_come_from_file_environment_and_flag) {
    test::temp_dir dir;
    const auto empty = write_file(dir, "{}");
    const auto one = R"([{"url": "http://one:1"}])";

    const auto in_file = (dir / "three.json").string();
    std::ofstream(in_file) << R"({"llm": {"endpoints": )" << three_endpoints << "}}";
    expect_three_endpoints(load({"--config", in_file}).settings.llm.endpoints);

    expect_three_endpoints(load(
                               {"--config", empty}, {{"MOODRING_LLM_ENDPOINTS", three_endpoints}}
    ).settings.llm.endpoints);
    expect_three_endpoints(
        load({"--config", empty, "--llm.endpoints", three_endpoints}).settings.llm.endpoints
    );

    // Later sources win, as for every setting.
    const auto flag_over_env =
        load({"--config", in_file, "--llm.endpoints", one}, {{"MOODRING_LLM_ENDPOINTS", one}});
    ASSERT_EQ(flag_over_env.settings.llm.endpoints.size(), 1u);
    EXPECT_EQ(flag_over_env.settings.llm.endpoints[0].url, "http://one:1");
}

TEST(config, llm_endpoints_null_means_not_set) {
    test::temp_dir dir;
    EXPECT_TRUE(load({"--config", write_file(dir, R"({"llm": {"endpoints": null}})")})
                    .settings.llm.endpoints.empty());
    const auto in_file = (dir / "three.json").string();
    std::ofstream(in_file) << R"({"llm": {"endpoints": )" << three_endpoints << "}}";
    // A later null gives the file's list up for llm.url.
    EXPECT_TRUE(load(
                    {"--config", in_file}, {{"MOODRING_LLM_ENDPOINTS", "null"}}
    ).settings.llm.endpoints.empty());
    EXPECT_TRUE(
        load({"--config", in_file, "--llm.endpoints", "null"}).settings.llm.endpoints.empty()
    );
}

TEST(config, llm_endpoints_print_as_they_load) {
    test::temp_dir dir;
    const auto loaded =
        load({"--config", write_file(dir, "{}"), "--llm.endpoints", three_endpoints});
    const auto printed = config_to_json(loaded.settings);
    const auto listed = nlohmann::json::parse(printed)["llm"]["endpoints"];
    ASSERT_EQ(listed.size(), 3u);
    EXPECT_EQ(
        listed[0],
        nlohmann::json::parse(
            R"({"url": "http://gpu-a:11434", "kind": "ollama", "slots": null, "models": []})"
        )
    );
    EXPECT_EQ(listed[1]["slots"], 8);
    // --print-config's output is a config file that gives the same settings back.
    expect_three_endpoints(load({"--config", write_file(dir, printed)}).settings.llm.endpoints);
}

TEST(config, ollama_host_sets_llm_url_and_leaves_endpoints_alone) {
    test::temp_dir dir;
    const auto loaded = load(
        {"--config", write_file(dir, "{}"), "--llm.endpoints", three_endpoints},
        {{"OLLAMA_HOST", "gpu-z:9999"}}
    );
    EXPECT_EQ(loaded.settings.llm.url, "http://gpu-z:9999");
    expect_three_endpoints(loaded.settings.llm.endpoints);
}

TEST(config, llm_endpoints_refusals_name_the_key_and_the_entry) {
    test::temp_dir dir;
    const auto file = write_file(dir, "{}");
    const auto flag = [&](const std::string& text) {
        return error_of({"--config", file, "--llm.endpoints", text});
    };
    const auto in_file = [&](const std::string& list) {
        const auto path = (dir / "endpoints.json").string();
        std::ofstream(path) << R"({"llm": {"endpoints": )" << list << "}}";
        return error_of({"--config", path});
    };
    const std::vector<std::pair<std::string, std::string>> refused = {
        {"[]", "--llm.endpoints: llm.endpoints must not be empty"},
        {"not json", "--llm.endpoints: llm.endpoints must be a JSON list of endpoints"},
        {R"({"url": "http://x:1"})", "--llm.endpoints: llm.endpoints must be a list of endpoints"},
        {"5", "llm.endpoints must be a list of endpoints"},
        {R"([{"url": "http://x:1"}, "http://y:2"])", "llm.endpoints[1]: must be an object"},
        {R"([{"url": "http://x:1", "slot": 2}])",
         R"(llm.endpoints[0] (http://x:1): unknown key "slot")"},
        {R"([{"kind": "openai"}])", "llm.endpoints[0]: url is required"},
        {R"([{"url": "ftp://x:1"}])", "llm.endpoints[0] (ftp://x:1): url must be an http:// URL"},
        {R"([{"url": ""}])", "llm.endpoints[0]: url must be an http:// URL"},
        {R"([{"url": 80}])", "llm.endpoints[0]: url must be a string"},
        {R"([{"url": "http://x:1"}, {"url": "http://X:1/"}])",
         "llm.endpoints[1] (http://X:1/): url names the same endpoint as llm.endpoints[0] "
         "(http://x:1)"},
        {R"([{"url": "http://x/v1"}, {"url": "http://y"}, {"url": "http://x:80/v1//"}])",
         "llm.endpoints[2] (http://x:80/v1//): url names the same endpoint as llm.endpoints[0]"},
        {R"([{"url": "http://a:1"}, {"url": "http://b:2"}, {"url": "http://x:1", "slots": 0}])",
         "llm.endpoints[2] (http://x:1): slots must be at least 1"},
        {R"([{"url": "http://x:1", "slots": 2.5}])",
         "llm.endpoints[0] (http://x:1): slots must be a whole number"},
        {R"([{"url": "http://x:1", "slots": "2"}])",
         "llm.endpoints[0] (http://x:1): slots must be a whole number"},
        {R"([{"url": "http://x:1", "slots": -1}])",
         "llm.endpoints[0] (http://x:1): slots must not be negative"},
        {R"([{"url": "http://x:1", "kind": "vllm"}])",
         R"(llm.endpoints[0] (http://x:1): kind must be "ollama" or "openai")"},
        {R"([{"url": "http://x:1", "models": "llama3.2"}])",
         "llm.endpoints[0] (http://x:1): models must be a list of model names"},
        {R"([{"url": "http://x:1", "models": ["llama3.2", 3]}])",
         "llm.endpoints[0] (http://x:1): models must be a list of non-empty model names"},
        {R"([{"url": "http://x:1", "models": [""]}])",
         "llm.endpoints[0] (http://x:1): models must be a list of non-empty model names"},
    };
    for (const auto& [text, expected] : refused) {
        const auto error = flag(text);
        EXPECT_NE(error.find(expected), std::string::npos) << text << "\n  gave: " << error;
    }

    // The same checks in the other sources, with the source named.
    EXPECT_NE(
        in_file("[]").find("endpoints.json: llm.endpoints must not be empty"), std::string::npos
    );
    EXPECT_NE(
        in_file(R"([{"url": "http://x:1", "slots": 0}])")
            .find("endpoints.json: llm.endpoints[0] (http://x:1): slots must be at least 1"),
        std::string::npos
    );
    EXPECT_NE(
        in_file(R"({"url": "http://x:1"})").find("llm.endpoints must be a list of endpoints"),
        std::string::npos
    );
    EXPECT_NE(
        error_of(
            {"--config", file}, {{"MOODRING_LLM_ENDPOINTS", "[{\"url\": \"http://x:1\""}}
        ).find("MOODRING_LLM_ENDPOINTS: llm.endpoints must be a JSON list of endpoints"),
        std::string::npos
    );
    EXPECT_NE(
        error_of(
            {"--config", file}, {{"MOODRING_LLM_ENDPOINTS", "[]"}}
        ).find("MOODRING_LLM_ENDPOINTS: llm.endpoints must not be empty"),
        std::string::npos
    );
}

TEST(config, llm_endpoints_differ_by_port_path_or_host) {
    test::temp_dir dir;
    const auto loaded = load(
        {"--config",
         write_file(dir, "{}"),
         "--llm.endpoints",
         R"([{"url": "http://x"}, {"url": "http://x:8080"}, {"url": "http://x/v2"},
             {"url": "http://y"}])"}
    );
    EXPECT_EQ(loaded.settings.llm.endpoints.size(), 4u);
}

TEST(config, mode_none_refuses_to_listen_beyond_this_machine_unless_told_to) {
    for (const char* host : {"0.0.0.0", "::", "192.168.1.20", "example.com"}) {
        try {
            load({"--host", host});
            FAIL() << host << " was accepted in mode none";
        } catch (const config_error& e) {
            EXPECT_NE(std::string(e.what()).find("auth.mode"), std::string::npos) << e.what();
        }
        EXPECT_EQ(
            load({"--host", host, "--auth.allow_network_without_accounts", "true"})
                .settings.server.host,
            host
        );
        EXPECT_EQ(load({"--host", host, "--auth.mode", "accounts"}).settings.server.host, host);
    }
    for (const char* host : {"127.0.0.1", "127.1.2.3", "::1", "localhost"}) {
        EXPECT_EQ(load({"--host", host}).settings.server.host, host);
    }
}

TEST(config, mode_none_refuses_a_proxy_in_front_unless_told_to) {
    try {
        load({"--server.trusted_proxies", "127.0.0.1"});
        FAIL() << "mode none behind a proxy was accepted";
    } catch (const config_error& e) {
        EXPECT_NE(std::string(e.what()).find("server.trusted_proxies"), std::string::npos)
            << e.what();
    }
    const auto told = load(
        {"--server.trusted_proxies", "127.0.0.1", "--auth.allow_network_without_accounts", "true"}
    );
    EXPECT_EQ(told.settings.server.trusted_proxies, std::vector<std::string>{"127.0.0.1"});
    const auto accounts =
        load({"--server.trusted_proxies", "127.0.0.1", "--auth.mode", "accounts"});
    EXPECT_EQ(accounts.settings.auth.mode, "accounts");
}

TEST(config, auth_mode_is_none_or_accounts) {
    EXPECT_EQ(load({}).settings.auth.mode, "none");
    EXPECT_THROW(load({"--auth.mode", "open"}), config_error);
}

// The URL itself is judged by the bus's parser at start (tests/unit/cluster/redis_url_test.cpp;
// the refusal's exit code in tests/integration/cluster): here only what the table holds.
TEST(config, cluster_settings_have_their_defaults_and_their_checks) {
    EXPECT_EQ(load({}).settings.cluster.redis_url, "") << "one process by default";
    for (const std::string url :
         {"redis://127.0.0.1:6379", "redis://redis.internal/2", "redis://10.0.0.5:6380/0"}) {
        EXPECT_EQ(load({"--cluster.redis_url", url}).settings.cluster.redis_url, url);
    }
    EXPECT_EQ(load({"--cluster.lease_ms", "1500"}).settings.cluster.lease.count(), 1500);
    EXPECT_THROW(load({"--cluster.lease_ms", "0"}), config_error);
}

// --print-config's output is pasted into bug reports: a password in a URL never shows.
TEST(config, print_config_hides_the_passwords_in_the_database_and_redis_urls) {
    config settings;
    settings.database.url = "postgresql://moodring:s3cret@db.internal:5432/moodring";
    settings.cluster.redis_url = "redis://:hunter2@cache.internal:6379/0";
    const auto printed = config_to_json(settings, url_passwords::hidden);
    EXPECT_EQ(printed.find("s3cret"), std::string::npos);
    EXPECT_EQ(printed.find("hunter2"), std::string::npos);
    const auto doc = nlohmann::json::parse(printed);
    EXPECT_EQ(doc["database"]["url"], "postgresql://moodring:****@db.internal:5432/moodring");
    EXPECT_EQ(doc["cluster"]["redis_url"], "redis://:****@cache.internal:6379/0");
    EXPECT_NE(config_to_json(settings).find("s3cret"), std::string::npos) << "shown when asked";
}

TEST(config, a_password_given_as_a_query_parameter_or_in_no_url_is_hidden_too) {
    EXPECT_EQ(
        without_password("postgresql://db/moodring?sslmode=require&password=s3cret"),
        "postgresql://db/moodring?sslmode=require&password=****"
    );
    EXPECT_EQ(without_password("redis://cache:6379/0"), "redis://cache:6379/0");
    EXPECT_EQ(without_password(""), "");
    EXPECT_EQ(without_password("not a url:s3cret@x").find("s3cret"), std::string::npos);
}
