// `moodring backup --to FILE` (docs/deploy.md "Backup and restore"): a sound copy taken while
// turns stream, a server started on the copy, and every refusal leaving the live database as
// it was.
#include "child_process.hpp"
#include "conversations.hpp"
#include "database_inspector.hpp"
#include "http_client.hpp"
#include "mock_ollama_process.hpp"
#include "server_process.hpp"
#include "ws_client.hpp"
#include <moodring/store/sqlite/schema.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

using namespace moodring::test;
using nlohmann::json;

namespace {

// `moodring backup ARGS`, under `launcher` when one is given (e.g. prlimit).
finished_process backup(
    const std::vector<std::string>& args, std::vector<std::string> launcher = {}
) {
    if (launcher.empty()) return run_captured(server_binary(), args);
    const std::string program = launcher.front();
    launcher.erase(launcher.begin());
    launcher.push_back(server_binary().string());
    launcher.insert(launcher.end(), args.begin(), args.end());
    return run_captured(program, launcher);
}

std::vector<std::string> backup_args(
    const std::filesystem::path& live, const std::filesystem::path& target
) {
    return {"backup", "--to", target.string(), "--database.path", live.string()};
}

// Turns back to back on one conversation until `stop`; the user messages the server
// acknowledged (`start`), with the time of each.
struct streaming_client {
    std::mutex lock;
    std::map<std::int64_t, std::string> acknowledged;
    std::thread thread;

    void run(unsigned short port, const std::string& conversation, std::atomic<bool>& stop) {
        thread = std::thread([this, port, conversation, &stop] {
            ws_client ws(port, "/ws/" + conversation);
            for (int turn = 0; !stop; ++turn) {
                const std::string text = conversation + " turn " + std::to_string(turn) +
                                         " [[mock for=chat reply=counter tokens=30 interval_ms=2]]";
                ws.send_json({{"message", text}});
                for (;;) {
                    const auto frame = ws.read_json();
                    const auto type = frame["type"].get<std::string>();
                    if (type == "start") {
                        std::lock_guard guard(lock);
                        acknowledged[frame["message_id"].get<std::int64_t>()] = text;
                    }
                    if (type == "end") break;
                }
            }
        });
    }
};

std::map<std::int64_t, std::string> user_messages_in(const std::filesystem::path& database) {
    std::map<std::int64_t, std::string> found;
    for (const auto& m : stored_messages(database)) {
        if (m.role == "user") found[m.id] = m.content;
    }
    return found;
}

TEST(backup, a_copy_taken_while_turns_stream_is_sound_and_serves) {
    mock_ollama_process mock({"--interval-ms", "1"});
    server_process server(back_to_back_turns(mock.base_url()));
    std::atomic<bool> stop{false};
    std::vector<std::unique_ptr<streaming_client>> clients;
    for (int i = 0; i < 3; ++i) {
        clients.push_back(std::make_unique<streaming_client>());
        clients.back()->run(
            server.port(), create_conversation(server.port(), "chat " + std::to_string(i)), stop
        );
    }
    temp_dir dir;
    for (int round = 0; round < 3; ++round) {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        std::map<std::int64_t, std::string> before;
        for (auto& c : clients) {
            std::lock_guard guard(c->lock);
            before.insert(c->acknowledged.begin(), c->acknowledged.end());
        }
        const auto copy = dir / ("copy" + std::to_string(round) + ".db");
        const auto made = backup(backup_args(server.database(), copy));
        ASSERT_EQ(made.exit_code, 0) << made.output;
        EXPECT_NE(made.output.find("integrity_check ok"), std::string::npos) << made.output;
        EXPECT_EQ(integrity_check(copy), "ok");
        EXPECT_FALSE(std::filesystem::exists(copy.string() + "-wal"));
        const auto stored = user_messages_in(copy);
        ASSERT_FALSE(before.empty());
        for (const auto& [id, text] : before) {
            ASSERT_TRUE(stored.count(id)) << "acknowledged message " << id << " missing";
            EXPECT_EQ(stored.at(id), text);
        }
    }
    stop = true;
    for (auto& c : clients) c->thread.join();

    // Restored: a server started on the last copy lists the three conversations.
    server_process::options restored;
    restored.extra_args = {"--database.path", (dir / "copy2.db").string()};
    server_process from_copy(restored);
    http_connection http(from_copy.port());
    const auto list = json::parse(http.request("GET", "/api/conversations").body);
    EXPECT_EQ(list["conversations"].size(), 3u);
}

class backup_refusal : public ::testing::Test {
protected:
    temp_dir dir;
    std::filesystem::path live = dir / "live.db";

    void SetUp() override {
        server_process::options options;
        options.extra_args = {"--database.path", live.string()};
        server_process server(options);
        for (int i = 0; i < 200; ++i) {
            create_conversation(server.port(), "conversation " + std::to_string(i));
        }
        server.stop();
        live_before_ = stored_size();
    }

    std::uintmax_t stored_size() const { return std::filesystem::file_size(live); }
    void expect_live_untouched() {
        EXPECT_EQ(integrity_check(live), "ok");
        EXPECT_EQ(stored_size(), live_before_);
    }

private:
    std::uintmax_t live_before_ = 0;
};

TEST_F(backup_refusal, an_existing_target_is_never_overwritten) {
    const auto target = dir / "taken.db";
    std::ofstream(target) << "precious";
    const auto refused = backup(backup_args(live, target));
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_NE(refused.output.find(target.string() + " exists"), std::string::npos)
        << refused.output;
    std::ifstream kept(target);
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(kept), {}), "precious");
    expect_live_untouched();
}

TEST_F(backup_refusal, a_target_that_cannot_be_created_is_named) {
    for (const auto& target :
         {dir / "no such dir" / "copy.db", std::filesystem::path("/proc/copy.db")}) {
        const auto refused = backup(backup_args(live, target));
        EXPECT_EQ(refused.exit_code, 1);
        EXPECT_NE(refused.output.find("cannot create " + target.string()), std::string::npos)
            << refused.output;
    }
    expect_live_untouched();
}

TEST_F(backup_refusal, a_full_disk_leaves_no_partial_copy) {
    // The file-size limit stands in for a full disk: the write fails past 64 KiB.
    const auto target = dir / "full.db";
    ASSERT_GT(stored_size(), 64u * 1024);
    const auto refused = backup(backup_args(live, target), {"prlimit", "--fsize=65536"});
    EXPECT_EQ(refused.exit_code, 1) << refused.output;
    EXPECT_NE(refused.output.find("cannot write " + target.string()), std::string::npos)
        << refused.output;
    EXPECT_FALSE(std::filesystem::exists(target));
    expect_live_untouched();
}

TEST_F(backup_refusal, a_database_of_a_newer_schema_is_refused_naming_both_versions) {
    {
        std::string command = "sqlite3 '" + live.string() + "' 'PRAGMA user_version = 42'";
        ASSERT_EQ(std::system(command.c_str()), 0);
    }
    const auto refused = backup(backup_args(live, dir / "copy.db"));
    EXPECT_EQ(refused.exit_code, 1);
    const auto versions = "schema version 42, newer than this build's " +
                          std::to_string(moodring::store::sqlite::schema_version);
    EXPECT_NE(refused.output.find(versions), std::string::npos) << refused.output;
    EXPECT_FALSE(std::filesystem::exists(dir / "copy.db"));
}

TEST_F(backup_refusal, a_missing_database_is_not_created) {
    const auto missing = dir / "missing.db";
    const auto refused = backup(backup_args(missing, dir / "copy.db"));
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_NE(refused.output.find("no database at " + missing.string()), std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(missing));
    EXPECT_FALSE(std::filesystem::exists(dir / "copy.db"));
}

TEST(backup_usage, without_a_target_is_a_usage_error) {
    const auto refused = backup({"backup"});
    EXPECT_EQ(refused.exit_code, 2);
    EXPECT_NE(refused.output.find("--to FILE"), std::string::npos) << refused.output;
}

// Postgres is backed up with its own tools: a copy of SQLite's file would hold nothing of it.
TEST(backup_usage, with_a_postgres_url_is_refused_naming_pg_dump) {
    const auto refused = backup(
        {"backup", "--to", "/tmp/never.db", "--database.url", "postgresql://127.0.0.1:9/none"}
    );
    EXPECT_EQ(refused.exit_code, 2);
    EXPECT_NE(refused.output.find("pg_dump"), std::string::npos) << refused.output;
}

}  // namespace
