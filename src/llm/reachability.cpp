#include <moodring/llm/reachability.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

namespace moodring::llm {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

asio::awaitable<bool> backend_reachable(std::string base_url, std::chrono::milliseconds timeout) {
    auto url = boost::urls::parse_absolute_uri(base_url);
    if (!url) co_return false;
    const std::string host(url->host());
    const std::string port = url->has_port() ? std::string(url->port()) : "80";
    auto executor = co_await asio::this_coro::executor;
    asio::ip::tcp::resolver resolver(executor);
    auto [rec, endpoints] =
        co_await resolver.async_resolve(host, port, asio::as_tuple(asio::use_awaitable));
    if (rec) co_return false;
    beast::tcp_stream stream(executor);
    stream.expires_after(timeout);
    auto [cec, _] = co_await stream.async_connect(endpoints, asio::as_tuple(asio::use_awaitable));
    if (cec) co_return false;
    http::request<http::empty_body> request{http::verb::get, "/", 11};
    request.set(http::field::host, url->has_port() ? host + ":" + port : host);
    auto [wec, _w] =
        co_await http::async_write(stream, request, asio::as_tuple(asio::use_awaitable));
    if (wec) co_return false;
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    auto [ec, _r] =
        co_await http::async_read(stream, buffer, response, asio::as_tuple(asio::use_awaitable));
    beast::error_code ignored;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    co_return !ec && response.result_int() < 500;
}

}  // namespace moodring::llm
