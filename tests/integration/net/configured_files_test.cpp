// A configuration file that is missing or unreadable, or that names files that are not there,
// stops the start with exit code 2 and a message naming the path as resolved; `--version`.
#include "child_process.hpp"
#include "server_process.hpp"
#include "test_paths.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <regex>

using namespace moodring::test;

namespace {

class configured_files : public ::testing::Test {
protected:
    // The server run from `/` with `args` and a database of its own, until it exits.
    finished_process start(std::vector<std::string> args) const {
        std::vector<std::string> all{"--port", "0", "--db", (dir / "m.db").string()};
        all.insert(all.end(), args.begin(), args.end());
        return run_captured(server_binary(), all, "/");
    }

    void expect_refused(const std::vector<std::string>& args, const std::string& message) const {
        const auto result = start(args);
        EXPECT_EQ(result.exit_code, 2) << result.output;
        EXPECT_NE(result.output.find(message), std::string::npos) << result.output;
        EXPECT_EQ(result.output.find("listening on"), std::string::npos) << result.output;
    }

    // A config file in dir/etc holding `text`; its path.
    std::string config_file(const std::string& text) const {
        std::filesystem::create_directories(dir / "etc");
        std::ofstream(dir / "etc/moodring.json") << text;
        return (dir / "etc/moodring.json").string();
    }

    temp_dir dir;
};

}  // namespace

TEST_F(configured_files, a_missing_config_file) {
    expect_refused(
        {"--config", (dir / "none.json").string()},
        "cannot read config file " + (dir / "none.json").string() + ": No such file or directory"
    );
    // MOODRING_CONFIG names it as well as --config does; a relative name starts at `/` here.
    const auto relative = std::filesystem::relative(dir / "none.json", "/").string();
    expect_refused(
        {"--config", relative}, "cannot read config file " + (dir / "none.json").string()
    );
}

TEST_F(configured_files, an_unreadable_config_file) {
    const auto file = config_file("{}");
    ::chmod(file.c_str(), 0);
    std::vector<std::string> args{server_binary().string(), "--config", file};
    std::filesystem::path program = server_binary();
    if (::geteuid() == 0) {
        // Root reads every file: the server runs as nobody instead.
        program = "/usr/bin/setpriv";
        args.insert(args.begin(), {"--reuid=65534", "--regid=65534", "--clear-groups"});
    } else {
        args.erase(args.begin());
    }
    const auto result = run_captured(program, args, "/");
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_NE(
        result.output.find("cannot read config file " + file + ": Permission denied"),
        std::string::npos
    ) << result.output;
}

TEST_F(configured_files, a_config_file_naming_a_missing_prompt_names_it_resolved) {
    std::filesystem::create_directories(dir / "page");
    const auto file = config_file(R"({"server": {"web_root": "../page"},
                                      "chat": {"system_prompt_file": "prompts/none.txt"}})");
    expect_refused(
        {"--config", file},
        "chat.system_prompt_file: cannot read " + (dir / "etc/prompts/none.txt").string() +
            ": No such file or directory"
    );
}

TEST_F(configured_files, a_config_file_naming_a_missing_page) {
    const auto prompts = prompt_args();
    std::vector<std::string> args{"--config", config_file(R"({"server": {"web_root": "web"}})")};
    args.insert(args.end(), prompts.begin(), prompts.end());
    expect_refused(args, "server.web_root: " + (dir / "etc/web").string() + " does not exist");
}

TEST_F(configured_files, a_config_file_naming_missing_tls_files) {
    const auto prompts = prompt_args();
    std::vector<std::string> args{
        "--config",
        config_file(R"({"server": {"tls_cert_file": "cert.pem", "tls_key_file": "key.pem"}})"),
        "--web-root",
        (source_dir() / "web").string()};
    args.insert(args.end(), prompts.begin(), prompts.end());
    expect_refused(args, "server.tls_cert_file " + (dir / "etc/cert.pem").string());
}

TEST_F(configured_files, the_repository_config_works_from_any_directory) {
    // tools/dev.sh serve reads it from the repository's root; named, it works from `/` too.
    std::filesystem::create_directories(dir / "page");
    const auto result = start(
        {"--config",
         (source_dir() / "config/moodring.json").string(),
         "--web-root",
         (dir / "page").string(),
         "--print-config"}
    );
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_NE(
        result.output.find("\"prompt_file\": \"" + (source_dir() / "prompts/theme.txt").string()),
        std::string::npos
    ) << result.output;
}

TEST(version, prints_the_version_and_the_commit_it_was_built_from) {
    const auto result = run_captured(server_binary(), {"--version"}, "/");
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_EQ(result.output.rfind("moodring " MOODRING_VERSION, 0), 0u) << result.output;
    // The commit is left out when the build did not come from a git checkout.
    EXPECT_TRUE(std::regex_match(
        result.output, std::regex(R"(moodring \d+\.\d+\.\d+( \(git [0-9a-f]{7,}\))?\n)")
    )) << result.output;
    const auto help = run_captured(server_binary(), {"--help"});
    EXPECT_NE(help.output.find("--version"), std::string::npos) << help.output;
}
