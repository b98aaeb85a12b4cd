// Start-up, static files and shutdown of the real server process.
#include "child_process.hpp"
#include "http_client.hpp"
#include "server_process.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <signal.h>
#include <sys/stat.h>

#include <fstream>
#include <thread>

using namespace moodring::test;
using nlohmann::json;

namespace {

// moodring with `args` and the repository's prompts.
std::unique_ptr<child_process> start_server(
    std::vector<std::string> args, std::map<std::string, std::string> env = {}
) {
    const auto prompts = prompt_args();
    args.insert(args.end(), prompts.begin(), prompts.end());
    return std::make_unique<child_process>(server_binary(), args, env);
}

// Runs moodring with `args` and returns its exit code.
int run_to_exit(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    return start_server(std::move(args), std::move(env))->wait(std::chrono::seconds(20));
}

}  // namespace

TEST(server_startup, prints_where_it_listens_and_which_llm_it_uses) {
    temp_dir dir;
    auto server = start_server(
        {"--port",
         "0",
         "--db",
         (dir / "m.db").string(),
         "--chat-model",
         "chatty",
         "--theme-model",
         "painter"},
        {{"OLLAMA_HOST", "0.0.0.0:12345"}}
    );
    auto& p = *server;
    const auto banner = p.read_line(std::chrono::seconds(20));
    EXPECT_NE(port_from_banner(banner), 0) << banner;
    EXPECT_NE(banner.find("http://127.0.0.1:12345"), std::string::npos) << banner;
    EXPECT_NE(banner.find("chat model chatty"), std::string::npos) << banner;
    EXPECT_NE(banner.find("theme model painter"), std::string::npos) << banner;
    p.signal(SIGTERM);
    EXPECT_EQ(p.wait(std::chrono::seconds(20)), 0);
}

TEST(server_startup, configuration_errors_exit_with_code_2) {
    temp_dir dir;
    EXPECT_EQ(run_to_exit({"--port", "99999"}), 2);
    EXPECT_EQ(run_to_exit({"--no-such-flag"}), 2);
    EXPECT_EQ(run_to_exit({"--db", (dir / "m.db").string()}, {{"MOODRING_SERVER_PORT", "x"}}), 2);
    std::ofstream(dir / "bad.json") << R"({"server": {"colour": "blue"}})";
    EXPECT_EQ(run_to_exit({"--config", (dir / "bad.json").string()}), 2);
}

TEST(server_startup, a_wrong_endpoints_list_exits_with_code_2) {
    temp_dir dir;
    const auto db = (dir / "m.db").string();
    for (const std::string list :
         {"[]",
          "not json",
          R"([{"url": "ftp://x:1"}])",
          R"([{"url": "http://a:1"}, {"url": "http://A:1/"}])",
          R"([{"url": "http://a:1", "slots": 0}])",
          R"([{"url": "http://a:1", "kind": "llamafile"}])"}) {
        EXPECT_EQ(run_to_exit({"--db", db, "--llm.endpoints", list}), 2) << list;
        EXPECT_EQ(run_to_exit({"--db", db}, {{"MOODRING_LLM_ENDPOINTS", list}}), 2) << list;
    }
}

TEST(server_startup, the_banner_names_every_endpoint) {
    temp_dir dir;
    auto server = start_server(
        {"--port",
         "0",
         "--db",
         (dir / "m.db").string(),
         "--llm.warm_up",
         "false",
         "--llm.endpoints",
         R"([{"url": "http://127.0.0.1:9"}, {"url": "http://127.0.0.1:10", "kind": "openai"}])"}
    );
    auto& p = *server;
    const auto banner = p.read_line(std::chrono::seconds(20));
    EXPECT_NE(banner.find("LLM http://127.0.0.1:9, http://127.0.0.1:10 "), std::string::npos)
        << banner;
    p.signal(SIGTERM);
    EXPECT_EQ(p.wait(std::chrono::seconds(20)), 0);
}

TEST(server_startup, unusable_database_exits_non_zero) {
    temp_dir dir;
    // A directory where the file should be.
    std::filesystem::create_directories(dir / "taken.db");
    EXPECT_EQ(run_to_exit({"--port", "0", "--db", (dir / "taken.db").string()}), 1);
    // A file that is not a database.
    std::ofstream(dir / "garbage.db") << std::string(4096, 'x');
    EXPECT_EQ(run_to_exit({"--port", "0", "--db", (dir / "garbage.db").string()}), 1);
    // A directory nobody may write to (root ignores permissions, so only when not root).
    if (::geteuid() != 0) {
        std::filesystem::create_directories(dir / "locked");
        ::chmod((dir / "locked").c_str(), 0500);
        EXPECT_EQ(run_to_exit({"--port", "0", "--db", (dir / "locked/sub/m.db").string()}), 1);
    }
}

TEST(server_startup, a_missing_prompt_file_is_named_and_exits_with_code_2) {
    temp_dir dir;
    const auto result = run_captured(
        server_binary(),
        {"--port",
         "0",
         "--db",
         (dir / "m.db").string(),
         "--theme.prompt_file",
         (dir / "none.txt").string(),
         "--chat.system_prompt_file",
         (source_dir() / "prompts/system.txt").string()}
    );
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_NE(
        result.output.find("theme.prompt_file: cannot read " + (dir / "none.txt").string()),
        std::string::npos
    ) << result.output;
}

TEST(server_startup, port_in_use_exits_non_zero) {
    server_process first;
    temp_dir dir;
    EXPECT_EQ(
        run_to_exit({"--port", std::to_string(first.port()), "--db", (dir / "m.db").string()}), 1
    );
}

TEST(server_shutdown, sigterm_finishes_the_request_in_flight_and_exits_0) {
    server_process server;
    // A request whose body is still arriving when the signal comes.
    const std::string body = R"({"title": "in flight"})";
    std::string head =
        "POST /api/conversations HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/json\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n";
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket socket(io);
    socket.connect({boost::asio::ip::address_v4::loopback(), server.port()});
    boost::asio::write(socket, boost::asio::buffer(head + body.substr(0, 5)));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    server.process().signal(SIGTERM);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    boost::asio::write(socket, boost::asio::buffer(body.substr(5)));
    std::string reply;
    boost::system::error_code ec;
    char buffer[4096];
    for (;;) {
        const auto n = socket.read_some(boost::asio::buffer(buffer), ec);
        if (ec) break;
        reply.append(buffer, n);
    }
    EXPECT_NE(reply.find("HTTP/1.1 201"), std::string::npos) << reply;
    EXPECT_NE(reply.find("Connection: close"), std::string::npos) << reply;
    EXPECT_EQ(server.process().wait(std::chrono::seconds(20)), 0);
}

TEST(server_shutdown, sigterm_with_idle_keep_alive_connections_exits_promptly) {
    server_process server;
    http_connection idle(server.port());
    ASSERT_EQ(idle.request("GET", "/health").status, 200);
    const auto started = std::chrono::steady_clock::now();
    server.process().signal(SIGTERM);
    EXPECT_EQ(server.process().wait(std::chrono::seconds(20)), 0);
    // Idle connections do not hold the shutdown for the whole grace period (10 s).
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(9));
}

class static_files : public ::testing::Test {
protected:
    temp_dir root;
    std::unique_ptr<server_process> server;

    void SetUp() override {
        std::filesystem::create_directories(root / "assets");
        std::ofstream(root / "index.html") << "<!doctype html><title>t</title>";
        std::ofstream(root / "assets/app.js") << "console.log(1)";
        std::ofstream(root / "assets/style.css") << "body{}";
        std::ofstream(root.path().parent_path() / "secret.txt") << "secret";
        server_process::options options;
        options.web_root = root.path();
        server = std::make_unique<server_process>(options);
    }
};

TEST_F(static_files, serves_the_page_with_its_security_headers) {
    auto page = http_get(server->port(), "/");
    ASSERT_EQ(page.status, 200);
    EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
    EXPECT_EQ(page.body, "<!doctype html><title>t</title>");
    EXPECT_NE(page.header("content-security-policy").find("default-src 'self'"), std::string::npos);
    EXPECT_EQ(page.header("x-content-type-options"), "nosniff");
    EXPECT_EQ(http_get(server->port(), "/index.html").body, page.body);
}

TEST_F(static_files, mime_types_etag_and_revalidation) {
    auto js = http_get(server->port(), "/assets/app.js");
    ASSERT_EQ(js.status, 200);
    EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
    EXPECT_EQ(js.header("cache-control"), "no-cache");
    EXPECT_EQ(
        http_get(server->port(), "/assets/style.css").content_type, "text/css; charset=utf-8"
    );
    const auto tag = js.header("etag");
    ASSERT_FALSE(tag.empty());
    auto again =
        http_request(server->port(), "GET", "/assets/app.js", "", "", {{"If-None-Match", tag}});
    EXPECT_EQ(again.status, 304);
    EXPECT_EQ(again.body, "");
}

TEST_F(static_files, head_gets_headers_without_a_body) {
    auto head = http_request(server->port(), "HEAD", "/assets/app.js");
    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(head.header("content-length"), "14");
    EXPECT_EQ(head.body, "");
}

// Found by fuzz_http: the static files and the router's own 404 and 405 answered HEAD with a
// body, which a client reading the next response on the connection took for its start.
TEST_F(static_files, answers_to_head_carry_no_body_on_a_kept_alive_connection) {
    http_connection connection(server->port());
    for (const char* target :
         {"/", "/assets/app.js", "/missing.js", "/api/conversations/x/files"}) {
        const auto head = connection.request("HEAD", target);
        EXPECT_NE(head.status, 0u) << target;
        EXPECT_EQ(head.body, "") << target;
        const auto next = connection.request("GET", "/assets/app.js");
        EXPECT_EQ(next.status, 200) << "after HEAD " << target;
        EXPECT_EQ(next.body, "console.log(1)") << "after HEAD " << target;
    }
}

namespace {

// What the server writes on one connection until it closes it.
std::string raw_exchange(unsigned short port, const std::string& requests) {
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket socket(io);
    socket.connect({boost::asio::ip::address_v4::loopback(), port});
    boost::asio::write(socket, boost::asio::buffer(requests));
    std::string reply;
    boost::system::error_code ec;
    char buffer[4096];
    for (;;) {
        const auto n = socket.read_some(boost::asio::buffer(buffer), ec);
        if (ec) break;
        reply.append(buffer, n);
    }
    return reply;
}

}  // namespace

TEST_F(static_files, head_refused_for_its_target_has_no_body_either) {
    const auto reply =
        raw_exchange(server->port(), "HEAD nowhere HTTP/1.1\r\nHost: localhost\r\n\r\n");
    EXPECT_TRUE(reply.starts_with("HTTP/1.1 400")) << reply;
    EXPECT_TRUE(reply.ends_with("\r\n\r\n")) << reply;
    // Pipelined: the page's bytes must not come before the script's answer.
    const auto pipelined = raw_exchange(
        server->port(),
        "HEAD / HTTP/1.1\r\nHost: localhost\r\n\r\n"
        "GET /assets/app.js HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    );
    EXPECT_EQ(pipelined.find("<!doctype html>"), std::string::npos) << pipelined;
    EXPECT_TRUE(pipelined.ends_with("\r\n\r\nconsole.log(1)")) << pipelined;
}

TEST_F(static_files, nothing_outside_the_root_and_no_writes) {
    EXPECT_EQ(http_get(server->port(), "/../secret.txt").status, 404);
    EXPECT_EQ(http_get(server->port(), "/%2e%2e/secret.txt").status, 404);
    EXPECT_EQ(http_get(server->port(), "/assets/../../secret.txt").status, 404);
    EXPECT_EQ(http_get(server->port(), "/missing.js").status, 404);
    EXPECT_EQ(http_request(server->port(), "POST", "/index.html", "x", "text/plain").status, 404);
}
