// The TLS context of the server: Mozilla's "intermediate" settings (TLS 1.2 and 1.3; for 1.2
// only ECDHE key exchange with AES-GCM or ChaCha20-Poly1305; OpenSSL's TLS 1.3 suites), no
// compression (CRIME), no renegotiation (a client could make us pay for handshakes mid-
// connection). The certificate and key come from PEM files read here, so that a missing,
// unreadable or mismatched file is reported with its setting and path.
#include <moodring/core/config.hpp>
#include <moodring/net/tls_credentials.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ssl/context.hpp>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace moodring::net {

namespace ssl = boost::asio::ssl;

namespace {

constexpr const char* tls12_ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// "server.tls_cert_file /etc/moodring/cert.pem"
std::string named(const char* setting, const std::string& path) {
    return std::string(setting) + " " + path;
}

std::string read_file(const char* setting, const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw config_error("cannot read " + named(setting, path) + ": " + std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw config_error("cannot read " + named(setting, path));
    return text.str();
}

// TLS 1.2 at least, the cipher list above, no compression, no renegotiation; idle connections
// give their read and write buffers back (most WebSockets are idle most of the time).
void apply_settings(ssl::context& context) {
    auto* handle = context.native_handle();
    if (SSL_CTX_set_min_proto_version(handle, TLS1_2_VERSION) != 1 ||
        SSL_CTX_set_cipher_list(handle, tls12_ciphers) != 1) {
        ERR_clear_error();
        throw std::runtime_error("this OpenSSL lacks TLS 1.2 or the ciphers moodring uses");
    }
    SSL_CTX_set_options(handle, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
    SSL_CTX_set_mode(handle, SSL_MODE_RELEASE_BUFFERS);
    // An encrypted key would otherwise make OpenSSL ask for its passphrase on the terminal.
    context.set_password_callback([](std::size_t, ssl::context::password_purpose) {
        return std::string();
    });
}

void use_certificate(ssl::context& context, const tls_files& files) {
    const auto pem = read_file("server.tls_cert_file", files.cert_file);
    boost::system::error_code ec;
    context.use_certificate_chain(boost::asio::buffer(pem), ec);
    if (ec) {
        throw config_error(
            named("server.tls_cert_file", files.cert_file) +
            " is not a PEM certificate (OpenSSL: " + ec.message() + ")"
        );
    }
}

[[noreturn]] void key_does_not_match(const tls_files& files) {
    throw config_error(
        named("server.tls_key_file", files.key_file) + " does not belong to the certificate in " +
        named("server.tls_cert_file", files.cert_file)
    );
}

void use_key(ssl::context& context, const tls_files& files) {
    auto pem = read_file("server.tls_key_file", files.key_file);
    boost::system::error_code ec;
    context.use_private_key(boost::asio::buffer(pem), ssl::context::pem, ec);
    OPENSSL_cleanse(pem.data(), pem.size());  // no copy of the key left in freed memory
    // OpenSSL compares the key with the certificate as it takes it.
    const auto code = static_cast<unsigned long>(ec.value());
    if (ec && ERR_GET_LIB(code) == ERR_LIB_X509 &&
        ERR_GET_REASON(code) == X509_R_KEY_VALUES_MISMATCH) {
        key_does_not_match(files);
    }
    if (ec) {
        throw config_error(
            named("server.tls_key_file", files.key_file) +
            " is not an unencrypted PEM private key (OpenSSL: " + ec.message() + ")"
        );
    }
    if (SSL_CTX_check_private_key(context.native_handle()) != 1) {
        ERR_clear_error();
        key_does_not_match(files);
    }
}

// An expired certificate still loads (browsers refuse it, the operator should hear why).
void warn_if_expired(ssl::context& context, const tls_files& files) {
    const X509* cert = SSL_CTX_get0_certificate(context.native_handle());
    if (cert && X509_cmp_current_time(X509_get0_notAfter(cert)) < 0) {
        spdlog::warn("the certificate in server.tls_cert_file {} has expired", files.cert_file);
    }
}

}  // namespace

std::shared_ptr<ssl::context> make_tls_context(const tls_files& files) {
    auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
    apply_settings(*context);
    use_certificate(*context, files);
    use_key(*context, files);
    warn_if_expired(*context, files);
    return context;
}

tls_credentials::tls_credentials(tls_files files)
    : files_(std::move(files)), current_(make_tls_context(files_)) {}

std::shared_ptr<ssl::context> tls_credentials::current() const {
    std::lock_guard lock(mutex_);
    return current_;
}

bool tls_credentials::reload() {
    std::shared_ptr<ssl::context> fresh;
    try {
        fresh = make_tls_context(files_);
    } catch (const std::exception& e) {
        spdlog::error("TLS certificate not reloaded, the previous one stays: {}", e.what());
        return false;
    }
    {
        std::lock_guard lock(mutex_);
        current_.swap(fresh);
    }
    // `fresh` now holds the old context: it goes once the last connection using it has closed.
    spdlog::info("TLS certificate reloaded from {} and {}", files_.cert_file, files_.key_file);
    return true;
}

}  // namespace moodring::net
