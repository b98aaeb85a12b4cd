// The HTTP edges the mock does not script: Host header and path prefix, unusual statuses,
// a kept-alive connection the server closed, framing by Content-Length.
#include <moodring/llm/backend.hpp>
#include <moodring/llm/error.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace moodring::llm {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;

struct raw_reply {
    std::string bytes;
    bool close_after = false;  // close the socket, whatever the headers said
};

// A blocking one-connection-at-a-time HTTP server answering with raw bytes.
class raw_server {
public:
    using responder = std::function<raw_reply(const http::request<http::string_body>&)>;

    explicit raw_server(responder respond)
        : respond_(std::move(respond)), acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}) {
        thread_ = std::thread([this] { serve(); });
    }
    ~raw_server() {
        stopping_ = true;
        asio::ip::tcp::socket wake{io_};
        boost::system::error_code ignored;
        wake.connect(acceptor_.local_endpoint(), ignored);
        thread_.join();
    }

    unsigned short port() const { return acceptor_.local_endpoint().port(); }
    std::vector<std::string> seen() {
        std::lock_guard lock{mutex_};
        return seen_;
    }
    int connections() const { return connections_; }

private:
    void serve() {
        while (!stopping_) {
            asio::ip::tcp::socket socket{io_};
            boost::system::error_code ec;
            acceptor_.accept(socket, ec);
            if (ec || stopping_) return;
            ++connections_;
            boost::beast::flat_buffer buffer;
            for (;;) {
                http::request<http::string_body> req;
                http::read(socket, buffer, req, ec);
                if (ec) break;
                {
                    std::lock_guard lock{mutex_};
                    seen_.push_back(
                        std::string{req.target()} + " host=" + std::string{req[http::field::host]}
                    );
                }
                const auto reply = respond_(req);
                asio::write(socket, asio::buffer(reply.bytes), ec);
                if (ec || reply.close_after) break;
            }
        }
    }

    responder respond_;
    asio::io_context io_;
    asio::ip::tcp::acceptor acceptor_;
    std::thread thread_;
    std::atomic<bool> stopping_{false};
    std::atomic<int> connections_{0};
    std::mutex mutex_;
    std::vector<std::string> seen_;
};

std::string response(
    const std::string& status_line, const std::string& type, const std::string& body
) {
    return "HTTP/1.1 " + status_line + "\r\nContent-Type: " + type +
           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

const std::string done_line =
    R"({"model":"m","created_at":"t","message":{"role":"assistant","content":"ok"},"done":true,"done_reason":"stop"})"
    "\n";

class LlmHttpEdge : public ::testing::Test {
protected:
    stream_result chat(backend& b, std::string* text = nullptr) {
        chat_request req;
        req.model = "m";
        req.messages = {{"user", "hi"}};
        stream_handlers h;
        h.on_text = [text](std::string_view t) {
            if (text) *text += t;
        };
        stream_result out;
        asio::co_spawn(
            io_,
            [&]() -> asio::awaitable<void> {
                auto op = b.chat(req, h);
                out = co_await std::move(op);
            },
            asio::detached
        );
        io_.restart();
        io_.run();
        return out;
    }

    backend_options options(unsigned short port, std::string path = "") {
        backend_options o;
        o.base_url = "http://127.0.0.1:" + std::to_string(port) + path;
        o.retry_backoff = std::chrono::milliseconds{10};
        return o;
    }

    asio::io_context io_;
};

TEST_F(LlmHttpEdge, HostHeaderHasThePortAndThePathPrefixIsKept) {
    raw_server server{[](const auto&) {
        return raw_reply{response("200 OK", "application/x-ndjson", done_line)};
    }};
    auto b = make_backend(options(server.port(), "/ollama/"));
    std::string text;
    const auto r = chat(*b, &text);
    ASSERT_FALSE(r.error) << r.error.message() << ": " << r.error_text;
    EXPECT_EQ(text, "ok");
    b.reset();
    ASSERT_EQ(server.seen().size(), 1u);
    EXPECT_EQ(server.seen()[0], "/ollama/api/chat host=127.0.0.1:" + std::to_string(server.port()));
}

TEST_F(LlmHttpEdge, StatusesMapToTypedErrorsWithTheBodyText) {
    struct status_case {
        const char* status_line;
        const char* type;
        const char* body;
        error expected;
        const char* text;
    };
    const std::vector<status_case> cases{
        {"502 Bad Gateway", "text/plain", "Bad Gateway\n", error::server_error, "Bad Gateway"},
        {"429 Too Many Requests",
         "application/json",
         R"({"error":"slow down"})",
         error::busy,
         "slow down"},
        {"403 Forbidden", "text/plain", "", error::bad_request, ""},
        {"400 Bad Request",
         "application/json",
         R"({"error":{"message":"bad messages","type":"invalid_request_error"}})",
         error::bad_request,
         "bad messages"},
    };
    for (const auto& c : cases) {
        raw_server server{
            [&](const auto&) { return raw_reply{response(c.status_line, c.type, c.body)}; }};
        auto o = options(server.port());
        o.max_retries = 0;
        auto b = make_backend(o);
        const auto r = chat(*b);
        EXPECT_EQ(r.error, c.expected) << c.status_line;
        EXPECT_EQ(r.error_text, c.text) << c.status_line;
        b.reset();
    }
}

TEST_F(LlmHttpEdge, KeptAliveConnectionClosedByTheServerIsNotReused) {
    // The server promises keep-alive and then hangs up anyway.
    raw_server server{[](const auto&) {
        return raw_reply{response("200 OK", "application/x-ndjson", done_line), true};
    }};
    auto b = make_backend(options(server.port()));
    for (int i = 0; i < 3; ++i) {
        // Give the FIN time to arrive, as it would for a connection idle in the pool.
        std::this_thread::sleep_for(std::chrono::milliseconds{20});
        const auto r = chat(*b);
        ASSERT_FALSE(r.error) << i << ": " << r.error.message();
        EXPECT_EQ(r.attempts, 1);
    }
    // Without the pause the close may still be in flight when the request goes out; the
    // request is then sent again on a new connection.
    for (int i = 0; i < 20; ++i) {
        const auto r = chat(*b);
        ASSERT_FALSE(r.error) << i << ": " << r.error.message();
    }
    b.reset();
    EXPECT_EQ(server.connections(), 23);
}

TEST_F(LlmHttpEdge, OverLongLineOnTheWireIsLineTooLong) {
    const std::string huge = R"({"message":{"content":")" + std::string(64 * 1024, 'x') +
                             "\"},\"done\":false}\n" + done_line;
    raw_server server{
        [&](const auto&) { return raw_reply{response("200 OK", "application/x-ndjson", huge)}; }};
    auto o = options(server.port());
    o.max_line_bytes = 4096;
    auto b = make_backend(o);
    std::string text;
    const auto r = chat(*b, &text);
    EXPECT_EQ(r.error, error::line_too_long);
    EXPECT_TRUE(text.empty());
    b.reset();
}

}  // namespace
}  // namespace moodring::llm
