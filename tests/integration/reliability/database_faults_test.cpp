// Issue 8, item 5b and 5c: the database below the server fails. A lock held past
// database.busy_timeout_ms and a full disk (database.max_pages) cost the client an error and
// no acknowledgement, never the server or the file; a database that cannot be used at
// start-up stops the start with a message that names it.
#include "child_process.hpp"
#include "database_inspector.hpp"
#include "http_client.hpp"
#include "mock_ollama_process.hpp"
#include "server_process.hpp"
#include "ws_client.hpp"

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <random>

using namespace moodring::test;
using nlohmann::json;

namespace {

class database_faults : public ::testing::Test {
protected:
    void start(std::vector<std::string> args) {
        mock =
            std::make_unique<mock_ollama_process>(std::vector<std::string>{"--interval-ms", "2"});
        auto options = back_to_back_turns(mock->base_url());
        options.extra_args.insert(options.extra_args.end(), args.begin(), args.end());
        server = std::make_unique<server_process>(options);
    }

    http_reply create(const std::string& title, const std::string& context = "") {
        return http_post(
            server->port(),
            "/api/conversations",
            json{{"title", title}, {"custom_context", context}}.dump()
        );
    }

    std::string create_id(const std::string& title) {
        auto reply = create(title);
        EXPECT_EQ(reply.status, 201) << reply.body;
        return json::parse(reply.body)["conversation_id"];
    }

    json conversation(const std::string& id) {
        return json::parse(http_get(server->port(), "/api/conversations/" + id).body
        )["conversation"];
    }

    http_reply upload(const std::string& id, const std::string& content) {
        const std::string boundary = "faultsBoundary";
        const std::string body = "--" + boundary +
                                 "\r\nContent-Disposition: form-data; name=\"file\"; "
                                 "filename=\"notes.txt\"\r\nContent-Type: text/plain\r\n\r\n" +
                                 content + "\r\n--" + boundary + "--\r\n";
        return http_request(
            server->port(),
            "POST",
            "/api/conversations/" + id + "/files",
            body,
            "multipart/form-data; boundary=" + boundary
        );
    }

    // A refused message: its error is the only frame, with no `start` before it.
    static void expect_refused_unacknowledged(ws_client& ws, const std::string& request_id) {
        auto frames = ws.read_until("error");
        ASSERT_EQ(frames.size(), 1u) << frames.front().dump();
        EXPECT_EQ(frames[0]["code"], "internal");
        EXPECT_EQ(frames[0]["request_id"], request_id);
        EXPECT_FALSE(frames[0]["message"].get<std::string>().empty());
    }

    // A reply whose save failed: chunks, then the error in place of `end`.
    static void expect_reply_unacknowledged(ws_client& ws) {
        auto frames = ws.read_until("error", std::chrono::seconds(60));
        for (const auto& f : frames) EXPECT_NE(f["type"], "end");
        EXPECT_EQ(frames.back()["code"], "internal");
    }

    static void expect_turn_works(ws_client& ws, const std::string& text) {
        ws.send_json({{"message", text + " [[mock reply=counter tokens=2]]"}});
        auto frames = ws.read_until("end");
        EXPECT_EQ(frames.front()["type"], "start");
        EXPECT_EQ(frames.back()["status"], "complete");
    }

    std::unique_ptr<mock_ollama_process> mock;
    std::unique_ptr<server_process> server;
};

}  // namespace

TEST_F(database_faults, a_lock_held_past_the_busy_timeout_costs_an_error_and_no_acknowledgement) {
    start({"--database.busy_timeout_ms", "200"});
    const auto id = create_id("locked");
    ws_client ws(server->port(), "/ws/" + id);
    SQLite::Database other(server->database().string(), SQLite::OPEN_READWRITE);

    other.exec("BEGIN EXCLUSIVE");
    ws.send_json({{"message", "held [[mock reply=counter tokens=3]]"}, {"request_id", "held"}});
    expect_refused_unacknowledged(ws, "held");
    // Writes over HTTP are refused alike; reads go on (WAL readers do not wait for writers).
    auto created = create("during the lock");
    EXPECT_EQ(created.status, 503);
    EXPECT_TRUE(json::parse(created.body)["error"].is_string());
    EXPECT_EQ(
        http_request(server->port(), "PUT", "/api/conversations/" + id, R"({"title": "x"})").status,
        503
    );
    EXPECT_EQ(upload(id, "some notes").status, 503);
    EXPECT_EQ(http_get(server->port(), "/api/conversations/" + id).status, 200);
    other.exec("ROLLBACK");

    // The lock comes while the reply streams: its save fails, so no `end`.
    ws.send_json({{"message", "slow [[mock reply=counter tokens=30 interval_ms=20]]"}});
    ASSERT_EQ(ws.read_json()["type"], "start");
    ASSERT_EQ(ws.read_json()["type"], "chunk");
    other.exec("BEGIN EXCLUSIVE");
    expect_reply_unacknowledged(ws);
    other.exec("ROLLBACK");

    expect_turn_works(ws, "after");
    auto c = conversation(id);
    EXPECT_EQ(c["title"], "locked");
    EXPECT_EQ(c["custom_context"], "");
    const auto& m = c["messages"];
    ASSERT_EQ(m.size(), 4u) << m.dump();
    EXPECT_EQ(m[0]["content"], "slow [[mock reply=counter tokens=30 interval_ms=20]]");
    // The reply that could not be saved is not left `streaming` once the next turn began.
    EXPECT_EQ(m[1]["status"], "interrupted");
    EXPECT_EQ(m[3]["status"], "complete");
    EXPECT_EQ(
        json::parse(http_get(server->port(), "/api/conversations").body)["conversations"].size(), 1u
    );

    ws.close();
    EXPECT_EQ(server->stop(), 0);
    EXPECT_EQ(integrity_check(server->database()), "ok");
}

TEST_F(database_faults, a_full_disk_costs_an_error_and_no_acknowledgement) {
    // 64 pages of 4 KiB: room for the schema and a little more.
    start({"--database.max_pages", "64"});
    const auto id = create_id("full");
    ws_client ws(server->port(), "/ws/" + id);

    // Fill the file with conversations, in ever smaller pieces, until not even 512 bytes fit.
    std::vector<std::string> fillers;
    for (std::size_t size : {16384u, 4096u, 512u}) {
        for (int i = 0; i < 100; ++i) {
            auto reply = create("filler", std::string(size, 'f'));
            if (reply.status == 503) break;
            ASSERT_EQ(reply.status, 201) << reply.body;
            fillers.push_back(json::parse(reply.body)["conversation_id"]);
        }
    }
    ASSERT_GE(fillers.size(), 2u);

    ws.send_json({{"message", std::string(20000, 'm')}, {"request_id", "full"}});
    expect_refused_unacknowledged(ws, "full");
    EXPECT_EQ(upload(id, std::string(100000, 'u')).status, 503);
    EXPECT_EQ(conversation(id)["custom_context"], "");
    EXPECT_TRUE(conversation(id)["messages"].empty());

    // Space comes back; a reply too large for it still fails, and only its save.
    for (int i = 0; i < 2; ++i) {
        ASSERT_EQ(
            http_request(server->port(), "DELETE", "/api/conversations/" + fillers[i]).status, 200
        );
    }
    ws.send_json({{"message", "big [[mock reply=counter tokens=40000 interval_ms=0]]"}});
    ASSERT_EQ(ws.read_json()["type"], "start");
    expect_reply_unacknowledged(ws);

    expect_turn_works(ws, "small");
    const auto m = conversation(id)["messages"];
    ASSERT_EQ(m.size(), 4u) << m.dump();
    EXPECT_EQ(m[1]["status"], "interrupted");
    EXPECT_EQ(m[3]["status"], "complete");

    ws.close();
    EXPECT_EQ(server->stop(), 0);
    EXPECT_EQ(integrity_check(server->database()), "ok");
}

namespace {

struct start_outcome {
    int exit_code = -1;
    std::string output;  // stdout and stderr
};

// Starts the server on `database` and waits for it to give up. As root, permissions do not
// bind; `unprivileged` then runs it as nobody (setpriv), so that a read-only file or directory
// means what it says.
start_outcome start_on(
    const std::filesystem::path& database,
    bool unprivileged = false,
    const std::vector<std::string>& extra = {}
) {
    std::vector<std::string> command;
    if (unprivileged && ::geteuid() == 0) {
        command = {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"};
    }
    command.push_back(server_binary().string());
    const std::vector<std::string> args = {
        "--port",
        "0",
        "--db",
        database.string(),
        "--web-root",
        (source_dir() / "web").string(),
        "--llm.warm_up",
        "false",
    };
    command.insert(command.end(), args.begin(), args.end());
    const auto prompts = prompt_args();
    command.insert(command.end(), prompts.begin(), prompts.end());
    command.insert(command.end(), extra.begin(), extra.end());
    std::vector<std::string> shell = {"-c", "exec \"$@\" 2>&1", "sh"};
    shell.insert(shell.end(), command.begin(), command.end());

    child_process process("/bin/sh", shell);
    start_outcome out;
    try {
        for (;;) {
            const auto line = process.read_line(std::chrono::seconds(20));
            out.output += line + "\n";
            if (line.find("listening on") != std::string::npos) {
                ADD_FAILURE() << "the server started on " << database;
                process.signal(SIGKILL);
            }
        }
    } catch (const std::runtime_error&) {
        // End of output.
    }
    out.exit_code = process.wait(std::chrono::seconds(20));
    return out;
}

bool can_drop_privileges() {
    return ::geteuid() != 0 || std::filesystem::exists("/usr/bin/setpriv");
}

// A real database with some pages, closed cleanly (its WAL folded into the file).
void make_database(const std::filesystem::path& copy_to) {
    server_process server;
    for (int i = 0; i < 30; ++i) {
        http_post(
            server.port(),
            "/api/conversations",
            json{{"title", "c" + std::to_string(i)}, {"custom_context", std::string(3000, 'x')}}
                .dump()
        );
    }
    ASSERT_EQ(server.stop(), 0);
    std::filesystem::copy_file(server.database(), copy_to);
}

// A non-zero exit of its own (not a crash) and a message naming the file and one of `why`.
void expect_refused(
    const start_outcome& out, const std::filesystem::path& db, std::vector<std::string> why
) {
    EXPECT_NE(out.exit_code, 0) << out.output;
    EXPECT_LT(out.exit_code, 128) << "killed by a signal: " << out.output;
    EXPECT_NE(out.output.find("cannot start: database " + db.string()), std::string::npos)
        << out.output;
    EXPECT_TRUE(std::any_of(why.begin(), why.end(), [&](const std::string& w) {
        return out.output.find(w) != std::string::npos;
    })) << out.output;
}

}  // namespace

TEST(database_startup, garbage_instead_of_a_database_stops_the_start) {
    temp_dir dir;
    const auto db = dir / "garbage.db";
    std::mt19937 random(8);
    {
        std::ofstream out(db, std::ios::binary);
        for (int i = 0; i < 8192; ++i) out.put(static_cast<char>(random()));
    }
    expect_refused(start_on(db), db, {"file is not a database"});
}

TEST(database_startup, a_truncated_database_stops_the_start) {
    temp_dir dir;
    const auto db = dir / "truncated.db";
    make_database(db);
    std::filesystem::resize_file(db, std::filesystem::file_size(db) / 2);
    expect_refused(start_on(db), db, {"malformed", "damaged"});
}

TEST(database_startup, damaged_pages_inside_the_database_stop_the_start) {
    temp_dir dir;
    const auto db = dir / "damaged.db";
    make_database(db);
    {
        // The header of a page in the middle, among the conversations' rows, which nothing
        // reads at start-up: the file opens, and only a check of its structure can tell.
        const auto pages = std::filesystem::file_size(db) / 4096;
        std::fstream file(db, std::ios::in | std::ios::out | std::ios::binary);
        file.seekp(static_cast<std::streamoff>(pages / 2 * 4096));
        for (int i = 0; i < 64; ++i) file.put(static_cast<char>(0xA5));
    }
    expect_refused(start_on(db), db, {"damaged"});
}

TEST(database_startup, an_unwritable_directory_stops_the_start) {
    if (!can_drop_privileges()) GTEST_SKIP() << "root without setpriv";
    temp_dir dir;
    const auto locked = dir / "locked";
    std::filesystem::create_directories(locked);
    std::filesystem::permissions(locked, std::filesystem::perms(0555));
    // The file cannot be created in it, nor a directory for it.
    expect_refused(
        start_on(locked / "moodring.db", true),
        locked / "moodring.db",
        {"cannot create it in " + locked.string() + ": Permission denied"}
    );
    expect_refused(
        start_on(locked / "data" / "moodring.db", true),
        locked / "data" / "moodring.db",
        {"Permission denied"}
    );
    // A directory where the file should be.
    std::filesystem::create_directories(dir / "taken.db");
    expect_refused(start_on(dir / "taken.db"), dir / "taken.db", {"it is a directory"});
    // A file where the directory should be.
    std::ofstream(dir / "plain") << "x";
    expect_refused(
        start_on(dir / "plain" / "moodring.db"), dir / "plain" / "moodring.db", {"Not a directory"}
    );
}

TEST(database_startup, a_read_only_database_file_stops_the_start) {
    if (!can_drop_privileges()) GTEST_SKIP() << "root without setpriv";
    temp_dir dir;
    std::filesystem::permissions(dir.path(), std::filesystem::perms(0777));
    const auto db = dir / "readonly.db";
    make_database(db);
    std::filesystem::permissions(db, std::filesystem::perms(0444));
    expect_refused(start_on(db, true), db, {"read-only"});
}

TEST(database_startup, a_database_locked_by_another_process_stops_the_start) {
    temp_dir dir;
    const auto db = dir / "locked.db";
    make_database(db);
    SQLite::Database other(db.string(), SQLite::OPEN_READWRITE);
    other.exec("BEGIN EXCLUSIVE");
    other.exec("UPDATE conversations SET title = 'mine'");
    expect_refused(start_on(db, false, {"--database.busy_timeout_ms", "200"}), db, {"locked"});
    other.exec("ROLLBACK");
    EXPECT_EQ(integrity_check(db), "ok");
}
