// `cmake --install` into a temporary prefix: the files it installs, the installed server run
// from `/` (its page, prompts and configuration found under the prefix), and its systemd unit.
#include "installed_server.hpp"

#include <gtest/gtest.h>

using namespace moodring::test;
namespace fs = std::filesystem;

namespace {

class installed_prefix : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        prefix_ = new temp_dir;
        install_ = new finished_process(shell(
            "cmake --install '" + build_dir().string() + "' --prefix '" + prefix().string() + "'"
        ));
    }
    static void TearDownTestSuite() {
        delete install_;
        delete prefix_;
    }
    void SetUp() override { ASSERT_EQ(install_->exit_code, 0) << install_->output; }

    static const fs::path& prefix() { return prefix_->path(); }

private:
    static temp_dir* prefix_;
    static finished_process* install_;
};

temp_dir* installed_prefix::prefix_ = nullptr;
finished_process* installed_prefix::install_ = nullptr;

}  // namespace

TEST_F(installed_prefix, holds_the_server_its_files_and_nothing_of_the_tests) {
    const auto share = prefix() / "share/moodring";
    for (const auto& file :
         {prefix() / "bin/moodring",
          share / "web/index.html",
          share / "prompts/system.txt",
          share / "prompts/theme.txt",
          share / "moodring.json",
          prefix() / "etc/moodring/moodring.json",
          prefix() / "lib/systemd/system/moodring.service"}) {
        EXPECT_TRUE(fs::is_regular_file(file)) << file;
    }
    std::vector<std::string> programs;
    for (const auto& entry : fs::directory_iterator(prefix() / "bin")) {
        programs.push_back(entry.path().filename().string());
    }
    EXPECT_EQ(programs, std::vector<std::string>{"moodring"});
    const auto installed = file_text(share / "moodring.json");
    EXPECT_NE(
        installed.find("\"web_root\": \"" + (share / "web").string() + "\""), std::string::npos
    ) << installed;
    EXPECT_EQ(file_text(prefix() / "etc/moodring/moodring.json"), installed);
}

TEST_F(installed_prefix, run_from_root_serves_its_page_and_streams_a_turn) {
    mock_ollama_process mock({"--interval-ms", "0"});
    temp_dir data;
    // No --config, --web-root or prompt flags: all found under the prefix.
    installed_server server({(prefix() / "bin/moodring").string()}, data, mock);
    const auto share = prefix() / "share/moodring";
    expect_page(server.port(), file_text(share / "web/index.html"));
    expect_turn(server.port(), mock, file_text(share / "prompts/system.txt"));
    EXPECT_EQ(server.stop(), 0);
}

TEST_F(installed_prefix, prints_the_version_of_the_build) {
    const auto installed = shell("'" + (prefix() / "bin/moodring").string() + "' --version");
    EXPECT_EQ(installed.exit_code, 0) << installed.output;
    EXPECT_EQ(installed.output.rfind("moodring " MOODRING_VERSION, 0), 0u) << installed.output;
    EXPECT_EQ(installed.output, shell("'" + server_binary().string() + "' --version").output);
}

// Checked as installed beside its binary, which ExecStart names (see expect_unit_verifies).
TEST_F(installed_prefix, the_systemd_unit_verifies) {
    const auto unit = prefix() / "lib/systemd/system/moodring.service";
    const auto text = file_text(unit);
    EXPECT_NE(
        text.find(
            "ExecStart=" + (prefix() / "bin/moodring").string() + " --config " +
            (prefix() / "etc/moodring/moodring.json").string() + "\n"
        ),
        std::string::npos
    ) << text;
    expect_unit_verifies(unit);
}
