#pragma once

#include "http_client.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace moodring::test {

// What a test client offers in its ClientHello: protocol versions (OpenSSL's TLS1_x_VERSION;
// 0: OpenSSL's default) and, when not empty, its TLS 1.2 cipher list. Anything goes, old
// versions included, so that a test can check what the server refuses.
struct tls_offer {
    int min_version = 0;
    int max_version = 0;
    std::string ciphers;
};

// A client side TLS context that trusts any certificate: tests look at the certificate the
// server presents instead (its common name).
boost::asio::ssl::context make_test_client_context(const tls_offer& offer = {});

// The common name of the certificate `ssl` was given by its peer, or "".
std::string peer_common_name(const SSL* ssl);

// One TLS connection to 127.0.0.1:port for HTTPS requests, kept open between them. Every
// operation has a timeout.
class tls_connection {
public:
    explicit tls_connection(unsigned short port, const tls_offer& offer = {});

    // The TLS handshake; its error (none: connected).
    boost::system::error_code handshake(std::chrono::milliseconds timeout = default_http_timeout);

    // One request and its whole response on this connection; throws std::system_error.
    http_reply request(
        std::string_view method,
        std::string_view target,
        std::string body = "",
        const header_list& headers = {}
    );

    std::string peer_common_name();
    std::string protocol();  // "TLSv1.3"
    std::string cipher();    // OpenSSL's name of the negotiated cipher

    // Waits for the server to end the connection; true if it sent TLS's close_notify first.
    bool closed_cleanly(std::chrono::milliseconds timeout = default_http_timeout);

private:
    // Runs the operations started until they end; the timeout closes the connection.
    void run(std::chrono::milliseconds timeout);

    boost::asio::io_context io_;
    boost::asio::ssl::context context_;
    boost::beast::ssl_stream<boost::beast::tcp_stream> stream_;
    boost::beast::flat_buffer buffer_;
    unsigned short port_;
};

// One HTTPS request on a fresh connection; throws std::system_error as above.
http_reply https_request(
    unsigned short port,
    std::string_view method,
    std::string_view target,
    std::string body = "",
    const header_list& headers = {}
);

}  // namespace moodring::test
