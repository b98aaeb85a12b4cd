#include "ws_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket.hpp>

#include <stdexcept>
#include <system_error>

namespace moodring::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

ws_client::ws_client(
    unsigned short port,
    const std::string& target,
    const std::vector<std::pair<std::string, std::string>>& headers
)
    : ws_(io_) {
    ws_.next_layer().connect(asio::ip::tcp::endpoint{asio::ip::address_v4::loopback(), port});
    ws_.set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
        for (const auto& [name, value] : headers) req.set(name, value);
    }));
    websocket::response_type response;
    beast::error_code ec;
    ws_.handshake(response, "127.0.0.1:" + std::to_string(port), target, ec);
    if (ec) {
        throw std::system_error(
            ec, "websocket handshake answered " + std::to_string(response.result_int())
        );
    }
}

ws_client::~ws_client() {
    beast::error_code ignored;
    ws_.next_layer().socket().close(ignored);
}

void ws_client::send_text(const std::string& text) {
    ws_.text(true);
    ws_.write(asio::buffer(text));
}

void ws_client::send_binary(const std::string& bytes) {
    ws_.binary(true);
    ws_.write(asio::buffer(bytes));
    ws_.text(true);
}

std::optional<std::string> ws_client::read(std::chrono::milliseconds timeout) {
    if (closed_) return std::nullopt;
    beast::error_code result = asio::error::would_block;
    std::size_t bytes = 0;
    ws_.async_read(buffer_, [&](beast::error_code ec, std::size_t n) {
        result = ec;
        bytes = n;
    });
    io_.restart();
    io_.run_for(timeout);
    if (result == asio::error::would_block) {
        // Timed out: cancel the read and let it finish.
        ws_.next_layer().cancel();
        io_.restart();
        io_.run();
        return std::nullopt;
    }
    if (result) {
        closed_ = true;
        return std::nullopt;
    }
    std::string text = beast::buffers_to_string(buffer_.data());
    buffer_.consume(bytes);
    return text;
}

nlohmann::json ws_client::read_json(std::chrono::milliseconds timeout) {
    auto text = read(timeout);
    if (!text) throw std::runtime_error("no frame within the timeout");
    return nlohmann::json::parse(*text);
}

std::vector<nlohmann::json> ws_client::read_until(
    const std::string& type, std::chrono::milliseconds timeout
) {
    std::vector<nlohmann::json> frames;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now()
        );
        auto text = read(left);
        if (!text) break;
        frames.push_back(nlohmann::json::parse(*text));
        if (frames.back().value("type", "") == type) return frames;
    }
    std::string seen;
    for (auto& f : frames) seen += f.dump() + "\n";
    throw std::runtime_error("no \"" + type + "\" frame; saw:\n" + seen);
}

std::optional<unsigned> ws_client::wait_closed(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!closed_ && std::chrono::steady_clock::now() < deadline) {
        read(std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now()
        ));
    }
    if (!closed_) return std::nullopt;
    return static_cast<unsigned>(ws_.reason().code);
}

void ws_client::close() {
    beast::error_code ignored;
    ws_.close(websocket::close_code::normal, ignored);
    closed_ = true;
}

void ws_client::drop() {
    beast::error_code ignored;
    ws_.next_layer().socket().close(ignored);
    closed_ = true;
}

}  // namespace moodring::test
