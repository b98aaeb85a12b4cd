// The Debian package (cpack -G DEB): its control fields and dependencies, installed with
// dpkg -i on this machine, the moodring user and the conffile, the installed server run from
// `/` as that user, then purged. Needs root; the machine is left as it was, failing or not.
#include "installed_server.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

using namespace moodring::test;
namespace fs = std::filesystem;

namespace {

bool succeeds(const std::string& command) { return shell(command).exit_code == 0; }

// What the test may have added to the machine, taken away again whatever happens: the
// package, the user its postinst made and the data directory the test made, each only if it
// was not there before.
class machine_state {
public:
    machine_state()
        : had_user_(succeeds("getent passwd moodring")),
          had_state_dir_(fs::exists("/var/lib/moodring")) {}
    ~machine_state() {
        shell("dpkg --purge moodring");
        if (!had_user_)
            shell("deluser --quiet --system moodring; delgroup --quiet --system moodring");
        if (!had_state_dir_) fs::remove_all("/var/lib/moodring");
    }
    bool had_state_dir() const { return had_state_dir_; }

private:
    bool had_user_;
    bool had_state_dir_;
};

std::string field(const fs::path& deb, const std::string& name) {
    auto value = shell("dpkg-deb --field '" + deb.string() + "' " + name).output;
    while (!value.empty() && value.back() == '\n') value.pop_back();
    return value;
}

}  // namespace

TEST(debian_package, builds_installs_serves_a_turn_and_purges) {
    if (::geteuid() != 0) GTEST_SKIP() << "dpkg -i needs root: run as root (CI does)";
    if (succeeds("dpkg-query -W -f='${Status}' moodring | grep -q 'ok installed'")) {
        GTEST_SKIP() << "a moodring package is installed on this machine: not touching it";
    }
    temp_dir out;
    const auto built = shell(
        "cpack -G DEB --config '" + (build_dir() / "CPackConfig.cmake").string() + "' -B '" +
        out.path().string() + "'"
    );
    ASSERT_EQ(built.exit_code, 0) << built.output;
    fs::path deb;
    for (const auto& entry : fs::directory_iterator(out.path())) {
        if (entry.path().extension() == ".deb") deb = entry.path();
    }
    ASSERT_FALSE(deb.empty()) << built.output;
    EXPECT_EQ(deb.filename().string().rfind("moodring_" MOODRING_VERSION "_", 0), 0u) << deb;

    EXPECT_EQ(field(deb, "Package"), "moodring");
    EXPECT_EQ(field(deb, "Version"), MOODRING_VERSION);
    const auto depends = field(deb, "Depends");
    for (const char* package : {"adduser", "libsodium23", "libssl3", "libsqlite3-0", "libc6"}) {
        EXPECT_NE(depends.find(package), std::string::npos) << package << " in " << depends;
    }
    EXPECT_EQ(
        shell("dpkg-deb --info '" + deb.string() + "' conffiles").output,
        "/etc/moodring/moodring.json\n"
    );
    const auto contents = shell("dpkg-deb --contents '" + deb.string() + "'").output;
    for (const char* path :
         {"./usr/bin/moodring",
          "./usr/share/moodring/web/index.html",
          "./usr/lib/systemd/system/moodring.service",
          "./etc/moodring/moodring.json"}) {
        EXPECT_NE(contents.find(path), std::string::npos) << path;
    }
    EXPECT_EQ(contents.find("mock_ollama"), std::string::npos);

    machine_state machine;
    const auto installed = shell("dpkg -i '" + deb.string() + "'");
    ASSERT_EQ(installed.exit_code, 0) << installed.output;
    EXPECT_TRUE(succeeds("getent passwd moodring | grep -q ':/var/lib/moodring:/usr/sbin/nologin$'")
    );
    EXPECT_NE(
        shell("dpkg-query -W -f='${Conffiles}' moodring")
            .output.find("/etc/moodring/moodring.json"),
        std::string::npos
    );
    EXPECT_FALSE(fs::exists("/etc/systemd/system/multi-user.target.wants/moodring.service"));
    expect_unit_verifies("/usr/lib/systemd/system/moodring.service");
    EXPECT_EQ(
        shell("/usr/bin/moodring --version").output.rfind("moodring " MOODRING_VERSION, 0), 0u
    );

    {
        // The service's user, from `/`, with the service's configuration: the page and prompts
        // under /usr/share/moodring; only the database is elsewhere (a temporary one).
        mock_ollama_process mock({"--interval-ms", "0"});
        temp_dir data;
        ASSERT_TRUE(succeeds("chown moodring:moodring '" + data.path().string() + "'"));
        installed_server server(
            {"/usr/bin/setpriv",
             "--reuid=moodring",
             "--regid=moodring",
             "--init-groups",
             "/usr/bin/moodring",
             "--config",
             "/etc/moodring/moodring.json"},
            data,
            mock
        );
        expect_page(server.port(), file_text("/usr/share/moodring/web/index.html"));
        expect_turn(server.port(), mock, file_text("/usr/share/moodring/prompts/system.txt"));
        EXPECT_EQ(server.stop(), 0);
    }

    // Data in the state directory outlives the package, purged or not.
    if (!machine.had_state_dir()) {
        fs::create_directories("/var/lib/moodring");
        std::ofstream("/var/lib/moodring/moodring.db") << "kept";
    }
    const auto purged = shell("dpkg --purge moodring");
    EXPECT_EQ(purged.exit_code, 0) << purged.output;
    EXPECT_FALSE(fs::exists("/usr/bin/moodring"));
    EXPECT_FALSE(fs::exists("/etc/moodring/moodring.json"));
    EXPECT_TRUE(fs::exists("/var/lib/moodring/moodring.db"));
}
