#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace moodring::test {

using header_list = std::vector<std::pair<std::string, std::string>>;

struct http_reply {
    unsigned status = 0;
    std::string content_type;
    std::string body;
    header_list headers;

    // The first header called `name` (case-insensitive), or "".
    std::string header(std::string_view name) const;
};

inline constexpr std::chrono::milliseconds default_http_timeout{10'000};

// One request on a fresh connection to 127.0.0.1:port; throws std::system_error if the
// exchange fails or times out.
http_reply http_request(
    unsigned short port,
    std::string_view method,
    std::string_view target,
    std::string body = "",
    std::string content_type = "application/json",
    const header_list& headers = {}
);
http_reply http_get(unsigned short port, std::string_view target);
http_reply http_post(unsigned short port, std::string_view target, std::string body);

// A connection a test holds on to: several requests on it (keep-alive), or one response
// read piece by piece as the server writes it. Every read has a timeout; like the
// server's clients, a timed-out read closes the connection.
class http_connection {
public:
    explicit http_connection(unsigned short port);

    http_reply request(
        std::string_view method,
        std::string_view target,
        std::string body = "",
        std::string content_type = "application/json",
        const header_list& headers = {}
    );

    void send(
        std::string_view method,
        std::string_view target,
        std::string body = "",
        std::string content_type = "application/json",
        const header_list& headers = {}
    );
    // The status line and headers of the response to send(); nullopt on error or timeout.
    std::optional<http_reply> read_head(std::chrono::milliseconds timeout = default_http_timeout);
    // The next body bytes (chunk framing removed); nullopt at the end of the body, on error
    // or on timeout (see body_complete() and last_error()).
    std::optional<std::string> read_some(std::chrono::milliseconds timeout = default_http_timeout);
    // The next '\n'-terminated body line without the '\n'; nullopt as for read_some.
    std::optional<std::string> read_line(std::chrono::milliseconds timeout = default_http_timeout);
    // The rest of the body; stops early on error or timeout.
    std::string read_rest(std::chrono::milliseconds timeout = default_http_timeout);

    bool body_complete() const;
    boost::system::error_code last_error() const { return last_error_; }
    void close();

private:
    boost::system::error_code read_once(std::chrono::milliseconds timeout);

    boost::asio::io_context ioc_;
    boost::beast::tcp_stream stream_;
    boost::beast::flat_buffer buffer_;
    std::optional<boost::beast::http::response_parser<boost::beast::http::string_body>> parser_;
    std::string lines_;
    boost::system::error_code last_error_;
};

}  // namespace moodring::test
