#include "wss_client.hpp"

#include "tls_client.hpp"

#include <boost/asio/ip/address_v4.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <stdexcept>
#include <system_error>

namespace moodring::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

wss_client::wss_client(unsigned short port, const std::string& target, const header_list& headers)
    : context_(make_test_client_context()), ws_(io_, context_) {
    auto& tcp = beast::get_lowest_layer(ws_);
    tcp.connect(asio::ip::tcp::endpoint{asio::ip::address_v4::loopback(), port});
    beast::error_code ec;
    ws_.next_layer().handshake(asio::ssl::stream_base::client, ec);
    if (ec) throw std::system_error(ec, "TLS handshake");
    ws_.set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
        for (const auto& [name, value] : headers) req.set(name, value);
    }));
    websocket::response_type response;
    ws_.handshake(response, "127.0.0.1:" + std::to_string(port), target, ec);
    if (ec) {
        throw std::system_error(
            ec, "websocket handshake answered " + std::to_string(response.result_int())
        );
    }
}

wss_client::~wss_client() {
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
}

void wss_client::run(std::chrono::milliseconds timeout) {
    io_.restart();
    io_.run_for(timeout);
    if (!io_.stopped()) {
        // Timed out: cancel what is pending and let it finish.
        beast::get_lowest_layer(ws_).cancel();
        io_.restart();
        io_.run();
    }
}

void wss_client::send_json(const nlohmann::json& frame) {
    const auto text = frame.dump();
    ws_.text(true);
    ws_.write(asio::buffer(text));
}

std::optional<std::string> wss_client::read(std::chrono::milliseconds timeout) {
    std::optional<beast::error_code> result;
    std::size_t bytes = 0;
    ws_.async_read(buffer_, [&](beast::error_code ec, std::size_t n) {
        result = ec;
        bytes = n;
    });
    run(timeout);
    if (!result || *result) {
        last_error_ = result.value_or(asio::error::timed_out);
        return std::nullopt;
    }
    std::string text = beast::buffers_to_string(buffer_.data());
    buffer_.consume(bytes);
    return text;
}

std::vector<nlohmann::json> wss_client::read_until(
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
    throw std::runtime_error("no \"" + type + "\" frame over wss");
}

std::string wss_client::peer_common_name() {
    return test::peer_common_name(ws_.next_layer().native_handle());
}

boost::system::error_code wss_client::close() {
    // Beast's close: the close frames both ways, then the TLS shutdown (close_notify both
    // ways), then TCP. A server that drops TCP without close_notify fails it.
    beast::error_code result = asio::error::timed_out;
    ws_.async_close(websocket::close_code::normal, [&](beast::error_code ec) { result = ec; });
    run(std::chrono::seconds(10));
    return result;
}

}  // namespace moodring::test
