#include "tls_client.hpp"

#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <array>
#include <functional>
#include <system_error>

namespace moodring::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;

asio::ssl::context make_test_client_context(const tls_offer& offer) {
    ssl::context context(ssl::context::tls_client);
    auto* handle = context.native_handle();
    // Security level 0 lets OpenSSL offer what it otherwise refuses to (TLS 1.1, weak
    // ciphers), so that refusing it is the server's doing.
    SSL_CTX_set_security_level(handle, 0);
    if (offer.min_version) SSL_CTX_set_min_proto_version(handle, offer.min_version);
    if (offer.max_version) SSL_CTX_set_max_proto_version(handle, offer.max_version);
    if (!offer.ciphers.empty()) SSL_CTX_set_cipher_list(handle, offer.ciphers.c_str());
    context.set_verify_mode(ssl::verify_none);
    return context;
}

std::string peer_common_name(const SSL* ssl) {
    X509* cert = SSL_get1_peer_certificate(ssl);
    if (!cert) return {};
    std::array<char, 256> name{};
    X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, name.data(), 256);
    X509_free(cert);
    return name.data();
}

tls_connection::tls_connection(unsigned short port, const tls_offer& offer)
    : context_(make_test_client_context(offer)), stream_(io_, context_), port_(port) {
    beast::get_lowest_layer(stream_).connect(asio::ip::tcp::endpoint{
        asio::ip::address_v4::loopback(), port});
}

void tls_connection::run(std::chrono::milliseconds timeout) {
    beast::get_lowest_layer(stream_).expires_after(timeout);
    io_.restart();
    io_.run();
}

boost::system::error_code tls_connection::handshake(std::chrono::milliseconds timeout) {
    boost::system::error_code result;
    stream_.async_handshake(ssl::stream_base::client, [&](boost::system::error_code ec) {
        result = ec;
    });
    run(timeout);
    return result;
}

http_reply tls_connection::request(
    std::string_view method, std::string_view target, std::string body, const header_list& headers
) {
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, "127.0.0.1:" + std::to_string(port_));
    for (const auto& [key, value] : headers) req.set(key, value);
    if (!body.empty()) req.set(http::field::content_type, "application/json");
    req.body() = std::move(body);
    req.prepare_payload();
    http::response<http::string_body> res;
    boost::system::error_code result;
    http::async_write(stream_, req, [&](boost::system::error_code ec, std::size_t) {
        if (ec) {
            result = ec;
            return;
        }
        http::async_read(stream_, buffer_, res, [&](boost::system::error_code e, std::size_t) {
            result = e;
        });
    });
    run(default_http_timeout);
    if (result) throw std::system_error(result, "https request");
    http_reply reply;
    reply.status = res.result_int();
    reply.content_type = std::string(res[http::field::content_type]);
    for (const auto& field : res) {
        reply.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    reply.body = std::move(res.body());
    return reply;
}

std::string tls_connection::peer_common_name() {
    return test::peer_common_name(stream_.native_handle());
}

std::string tls_connection::protocol() { return SSL_get_version(stream_.native_handle()); }

std::string tls_connection::cipher() { return SSL_get_cipher_name(stream_.native_handle()); }

bool tls_connection::closed_cleanly(std::chrono::milliseconds timeout) {
    std::array<char, 1024> scratch;
    boost::system::error_code result;
    // The server's close_notify ends a read with eof; a TCP close without it is a truncation.
    std::function<void(boost::system::error_code, std::size_t)> read_on;
    read_on = [&](boost::system::error_code ec, std::size_t) {
        if (ec) {
            result = ec;
            return;
        }
        stream_.async_read_some(asio::buffer(scratch), read_on);
    };
    stream_.async_read_some(asio::buffer(scratch), read_on);
    run(timeout);
    return result == asio::error::eof;
}

http_reply https_request(
    unsigned short port,
    std::string_view method,
    std::string_view target,
    std::string body,
    const header_list& headers
) {
    tls_connection connection(port);
    if (const auto ec = connection.handshake()) throw std::system_error(ec, "TLS handshake");
    return connection.request(method, target, std::move(body), headers);
}

}  // namespace moodring::test
