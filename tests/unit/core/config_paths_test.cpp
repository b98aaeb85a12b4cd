// Where the files that settings name are looked for: from a config file's directory for paths
// in that file, from the working directory for flags and the environment, and under the share
// directory of an installed moodring for its built-in page and prompts.
#include "test_paths.hpp"
#include <moodring/core/config.hpp>
#include <moodring/core/install_layout.hpp>
#include <moodring/core/version.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>

using namespace moodring;
namespace fs = std::filesystem;

namespace {

config_load_result load(std::vector<std::string> args, const std::string& share_dir = "") {
    return load_config({std::move(args), {}}, share_dir);
}

std::string error_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const config_error& e) {
        return e.what();
    }
    return "";
}

void write(const fs::path& file, const std::string& text) {
    fs::create_directories(file.parent_path());
    std::ofstream(file) << text;
}

}  // namespace

TEST(config_paths, relative_paths_in_a_config_file_start_at_its_directory) {
    test::temp_dir dir;
    const auto file = dir / "etc/moodring.json";
    write(file, R"({"server": {"web_root": "page", "tls_cert_file": "tls/cert.pem",
                               "tls_key_file": "/abs/key.pem"},
                    "chat": {"system_prompt_file": "../prompts/system.txt"},
                    "theme": {"prompt_file": "prompts/theme.txt"},
                    "database": {"path": "state/m.db"}})");
    const auto settings = load({"--config", file.string()}).settings;
    EXPECT_EQ(settings.server.web_root, (dir / "etc/page").string());
    EXPECT_EQ(settings.server.tls_cert_file, (dir / "etc/tls/cert.pem").string());
    EXPECT_EQ(settings.server.tls_key_file, "/abs/key.pem");
    EXPECT_EQ(settings.chat.system_prompt_file, (dir / "prompts/system.txt").string());
    EXPECT_EQ(settings.theme.prompt_file, (dir / "etc/prompts/theme.txt").string());
    EXPECT_EQ(settings.database.path, (dir / "etc/state/m.db").string());
}

TEST(config_paths, a_config_file_named_relatively_is_found_from_the_working_directory) {
    // The file itself is where a person typing its name means; its contents then start at it.
    const auto file = fs::relative(test::source_dir() / "config/moodring.json");
    const auto loaded = load({"--config", file.string()});
    EXPECT_EQ(loaded.config_file, (test::source_dir() / "config/moodring.json").string());
    EXPECT_EQ(loaded.settings.server.web_root, (test::source_dir() / "web/dist").string());
}

TEST(config_paths, no_file_or_memory_database_stay_as_given) {
    test::temp_dir dir;
    const auto file = dir / "moodring.json";
    write(file, R"({"chat": {"system_prompt_file": ""}, "database": {"path": ":memory:"}})");
    const auto settings = load({"--config", file.string()}).settings;
    EXPECT_EQ(settings.chat.system_prompt_file, "");
    EXPECT_EQ(settings.database.path, ":memory:");
    EXPECT_EQ(settings.server.tls_cert_file, "");
}

TEST(config_paths, flags_and_environment_start_at_the_working_directory) {
    test::temp_dir dir;
    const auto file = dir / "moodring.json";
    write(file, R"({"server": {"web_root": "page"}})");
    const auto settings =
        load_config({{"--config", file.string(), "--web-root", "mine", "--db", "here.db"},
                     {{"MOODRING_THEME_PROMPT_FILE", "t.txt"}}}
        ).settings;
    EXPECT_EQ(settings.server.web_root, "mine");
    EXPECT_EQ(settings.database.path, "here.db");
    EXPECT_EQ(settings.theme.prompt_file, "t.txt");
}

TEST(config_paths, a_missing_config_file_is_named_by_its_absolute_path) {
    const auto message = error_of([] { load({"--config", "no/such/moodring.json"}); });
    const auto expected = (fs::current_path() / "no/such/moodring.json").string();
    EXPECT_EQ(message, "cannot read config file " + expected + ": No such file or directory");
}

TEST(config_paths, a_directory_as_config_file_is_refused) {
    test::temp_dir dir;
    EXPECT_EQ(
        error_of([&] {
            load({"--config", dir.path().string()});
        }),
        "config file " + dir.path().string() + " is a directory"
    );
}

TEST(config_paths, an_installed_moodring_finds_its_page_prompts_and_config_under_share) {
    test::temp_dir prefix;
    const auto share = prefix / "share/moodring";
    fs::create_directories(share);
    auto settings = load({}, share.string()).settings;
    EXPECT_EQ(settings.server.web_root, (share / "web").string());
    EXPECT_EQ(settings.chat.system_prompt_file, (share / "prompts/system.txt").string());
    EXPECT_EQ(settings.theme.prompt_file, (share / "prompts/theme.txt").string());
    // The default config file is the installed one, not config/ of the working directory.
    write(share / "moodring.json", R"({"server": {"port": 8123, "web_root": "page"}})");
    const auto loaded = load({}, share.string());
    EXPECT_EQ(loaded.config_file, (share / "moodring.json").string());
    EXPECT_EQ(loaded.settings.server.port, 8123);
    EXPECT_EQ(loaded.settings.server.web_root, (share / "page").string());
    EXPECT_EQ(loaded.settings.theme.prompt_file, (share / "prompts/theme.txt").string());
}

TEST(config_paths, version_is_answered_before_any_config_file_is_read) {
    const auto loaded = load({"--version", "--config", "/no/such/file.json"});
    EXPECT_TRUE(loaded.version_requested);
    EXPECT_NE(load({"--help"}).help_text.find("--version"), std::string::npos);
}

TEST(install_layout, the_share_directory_beside_the_binary_directory) {
    test::temp_dir prefix;
    fs::create_directories(prefix / "bin");
    EXPECT_EQ(installed_share_dir(prefix / "bin/moodring"), fs::path());
    fs::create_directories(prefix / "share/moodring");
    EXPECT_EQ(installed_share_dir(prefix / "bin/moodring"), prefix / "share/moodring");
    // This test binary lives in a build tree: not installed.
    EXPECT_EQ(installed_share_dir(), fs::path());
}

TEST(version, the_line_names_the_commit_when_there_is_one) {
    EXPECT_EQ(version_line("0.1.0", "9adc6b6"), "moodring 0.1.0 (git 9adc6b6)");
    EXPECT_EQ(version_line("0.1.0", ""), "moodring 0.1.0");
}

class configured_files : public ::testing::Test {
protected:
    void SetUp() override {
        write(dir / "prompts/system.txt", "system");
        write(dir / "prompts/theme.txt", "theme {{mood}}");
        fs::create_directories(dir / "page");
        settings.chat.system_prompt_file = (dir / "prompts/system.txt").string();
        settings.theme.prompt_file = (dir / "prompts/theme.txt").string();
        settings.server.web_root = (dir / "page").string();
    }

    std::string error() {
        return error_of([this] { check_configured_files(settings); });
    }

    test::temp_dir dir;
    config settings;
};

TEST_F(configured_files, all_present_is_no_error) { EXPECT_EQ(error(), ""); }

TEST_F(configured_files, a_missing_prompt_is_named_with_its_setting_and_path) {
    settings.theme.prompt_file = (dir / "prompts/none.txt").string();
    EXPECT_EQ(
        error(),
        "theme.prompt_file: cannot read " + (dir / "prompts/none.txt").string() +
            ": No such file or directory"
    );
    settings.theme.enabled = false;  // then no theme prompt is needed
    EXPECT_EQ(error(), "");
    settings.chat.system_prompt_file = dir.path().string();
    EXPECT_EQ(error(), "chat.system_prompt_file: " + dir.path().string() + " is a directory");
    settings.chat.system_prompt_file = "";  // no system prompt
    EXPECT_EQ(error(), "");
}

TEST_F(configured_files, a_missing_page_is_an_error_unless_it_is_the_build_trees_default) {
    settings.server.web_root = (dir / "none").string();
    EXPECT_EQ(error(), "server.web_root: " + (dir / "none").string() + " does not exist");
    settings.server.web_root = settings.chat.system_prompt_file;
    EXPECT_EQ(
        error(), "server.web_root: " + settings.chat.system_prompt_file + " is not a directory"
    );
    settings.server.web_root = config{}.server.web_root;  // web/dist, maybe not built yet
    EXPECT_EQ(error(), "");
}

TEST_F(configured_files, a_relative_path_is_named_resolved_from_the_working_directory) {
    settings.chat.system_prompt_file = "no/such/system.txt";
    EXPECT_EQ(
        error(),
        "chat.system_prompt_file: cannot read " +
            (fs::current_path() / "no/such/system.txt").string() + ": No such file or directory"
    );
}
