// `moodring user …`: accounts from the command line, on the database of the configuration
// given, while the server runs.
#include "accounts.hpp"
#include "server_process.hpp"
#include "test_paths.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include <cstdio>

using namespace moodring::test;
using nlohmann::json;

namespace {

struct command_result {
    int exit_code = -1;
    std::string out;
};

// `moodring user ARGS` on `database` (a SQLite file or a Postgres URL, as
// `server_process::database_location` gives it), `password_input` on its standard input.
command_result user_command(
    const std::string& database, const std::string& args, const std::string& password_input
) {
    const char* flag =
        database.starts_with("postgresql://") ? " --database.url '" : " --database.path '";
    const std::string command = "printf '%s' '" + password_input + "' | '" +
                                server_binary().string() + "' user " + args + flag + database +
                                "' 2>&1";
    command_result result;
    FILE* pipe = popen(command.c_str(), "r");
    char buffer[512];
    while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) result.out.append(buffer, n);
    const int status = pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

TEST(user_command, adds_the_first_admin_before_the_server_ever_ran) {
    temp_dir dir;
    const auto database = dir.path() / "moodring.db";
    auto added = user_command(database, "add Ada --admin", std::string(test_password) + "\n");
    ASSERT_EQ(added.exit_code, 0) << added.out;
    EXPECT_NE(added.out.find("added Ada (admin)"), std::string::npos) << added.out;

    accounts_server server(with_args({"--database.path", database.string()}));
    EXPECT_EQ(server.setup_token(), "");  // no setup link once a user exists
    EXPECT_NE(server.sign_in("ada"), "");
}

TEST(user_command, manages_users_while_the_server_runs) {
    accounts_server server;
    const auto admin = server.set_up_admin("root");
    const auto database = server.server().database_location();
    ASSERT_EQ(user_command(database, "add bob", std::string(test_password) + "\n").exit_code, 0);
    const auto bob = server.sign_in("bob");
    ASSERT_NE(bob, "");

    auto listed = user_command(database, "list", "");
    EXPECT_EQ(listed.exit_code, 0);
    EXPECT_NE(listed.out.find("root\tadmin"), std::string::npos) << listed.out;
    EXPECT_NE(listed.out.find("bob\tuser"), std::string::npos) << listed.out;

    ASSERT_EQ(user_command(database, "passwd bob", "a brand new password\n").exit_code, 0);
    EXPECT_EQ(server.call(bob, "GET", "/api/conversations").status, 401);
    EXPECT_NE(server.sign_in("bob", "a brand new password"), "");

    EXPECT_EQ(user_command(database, "delete bob", "").exit_code, 0);
    EXPECT_EQ(server.sign_in("bob", "a brand new password"), "");
    EXPECT_EQ(server.call(admin, "GET", "/api/conversations").status, 200);
}

TEST(user_command, refuses_what_breaks_the_rules_with_a_message) {
    temp_dir dir;
    const auto database = dir.path() / "moodring.db";
    const auto password = std::string(test_password) + "\n";
    auto not_admin = user_command(database, "add ada", password);
    EXPECT_EQ(not_admin.exit_code, 1);
    EXPECT_NE(not_admin.out.find("first user must be an admin"), std::string::npos)
        << not_admin.out;
    EXPECT_EQ(user_command(database, "add 'a b' --admin", password).exit_code, 1);
    auto short_password = user_command(database, "add ada --admin", "short\n");
    EXPECT_EQ(short_password.exit_code, 1);
    EXPECT_NE(short_password.out.find("at least 10"), std::string::npos) << short_password.out;
    ASSERT_EQ(user_command(database, "add ada --admin", password).exit_code, 0);
    EXPECT_EQ(user_command(database, "add ADA", password).exit_code, 1);
    auto last_admin = user_command(database, "delete ada", "");
    EXPECT_EQ(last_admin.exit_code, 1);
    EXPECT_NE(last_admin.out.find("last admin"), std::string::npos) << last_admin.out;
    EXPECT_EQ(user_command(database, "delete nobody", "").exit_code, 1);
    EXPECT_EQ(user_command(database, "frobnicate", "").exit_code, 2);
    EXPECT_EQ(user_command(database, "add", "").exit_code, 2);
}

}  // namespace
