#include "http_client.hpp"

#include <boost/asio/ip/address_v4.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <strings.h>

#include <limits>
#include <system_error>

namespace moodring::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

http_reply head_of(const http::response<http::string_body>& res) {
    http_reply reply;
    reply.status = res.result_int();
    reply.content_type = std::string{res[http::field::content_type]};
    for (const auto& field : res) {
        reply.headers.emplace_back(std::string{field.name_string()}, std::string{field.value()});
    }
    return reply;
}

}  // namespace

std::string http_reply::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (key.size() == name.size() && ::strncasecmp(key.data(), name.data(), key.size()) == 0) {
            return value;
        }
    }
    return {};
}

http_reply http_request(
    unsigned short port,
    std::string_view method,
    std::string_view target,
    std::string body,
    std::string content_type,
    const header_list& headers
) {
    http_connection connection{port};
    return connection.request(method, target, std::move(body), std::move(content_type), headers);
}

http_reply http_get(unsigned short port, std::string_view target) {
    return http_request(port, "GET", target);
}

http_reply http_post(unsigned short port, std::string_view target, std::string body) {
    return http_request(port, "POST", target, std::move(body));
}

http_connection::http_connection(unsigned short port) : stream_{ioc_} {
    stream_.connect(asio::ip::tcp::endpoint{asio::ip::address_v4::loopback(), port});
}

http_reply http_connection::request(
    std::string_view method,
    std::string_view target,
    std::string body,
    std::string content_type,
    const header_list& headers
) {
    send(method, target, std::move(body), std::move(content_type), headers);
    auto reply = read_head();
    if (!reply) throw std::system_error(last_error_, "http_connection: no response head");
    reply->body = read_rest();
    if (!body_complete()) throw std::system_error(last_error_, "http_connection: body cut short");
    return *reply;
}

void http_connection::send(
    std::string_view method,
    std::string_view target,
    std::string body,
    std::string content_type,
    const header_list& headers
) {
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    // As a browser sends it: with the port, which same-origin checks compare.
    req.set(
        http::field::host, "127.0.0.1:" + std::to_string(stream_.socket().remote_endpoint().port())
    );
    for (const auto& [key, value] : headers) req.set(key, value);
    if (!body.empty()) req.set(http::field::content_type, content_type);
    req.body() = std::move(body);
    req.prepare_payload();
    http::write(stream_, req);
    parser_.emplace();
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    if (method == "HEAD") parser_->skip(true);
    lines_.clear();
    last_error_ = {};
}

boost::system::error_code http_connection::read_once(std::chrono::milliseconds timeout) {
    boost::system::error_code ec;
    stream_.expires_after(timeout);
    http::async_read_some(
        stream_, buffer_, *parser_, [&](boost::system::error_code e, std::size_t) { ec = e; }
    );
    ioc_.restart();
    ioc_.run();
    if (ec) last_error_ = ec;
    return ec;
}

std::optional<http_reply> http_connection::read_head(std::chrono::milliseconds timeout) {
    while (!parser_->is_header_done()) {
        if (read_once(timeout)) return std::nullopt;
    }
    return head_of(parser_->get());
}

std::optional<std::string> http_connection::read_some(std::chrono::milliseconds timeout) {
    auto& body = parser_->get().body();
    while (body.empty() && !parser_->is_done()) {
        if (read_once(timeout)) break;
    }
    if (body.empty()) return std::nullopt;
    return std::exchange(body, std::string{});
}

std::optional<std::string> http_connection::read_line(std::chrono::milliseconds timeout) {
    for (;;) {
        if (const auto nl = lines_.find('\n'); nl != std::string::npos) {
            auto line = lines_.substr(0, nl);
            lines_.erase(0, nl + 1);
            return line;
        }
        auto piece = read_some(timeout);
        if (!piece) return std::nullopt;
        lines_ += *piece;
    }
}

std::string http_connection::read_rest(std::chrono::milliseconds timeout) {
    std::string out = std::exchange(lines_, std::string{});
    while (auto piece = read_some(timeout)) out += *piece;
    return out;
}

bool http_connection::body_complete() const { return parser_ && parser_->is_done(); }

void http_connection::close() {
    boost::system::error_code ignored;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    stream_.close();
}

}  // namespace moodring::test
