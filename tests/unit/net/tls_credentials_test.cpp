// The server's TLS context from PEM files: its settings, the errors that name the file, and
// a reload that swaps the context or keeps the old one. No socket: OpenSSL's objects only.
#include "test_certificate.hpp"
#include "test_paths.hpp"
#include <moodring/core/config.hpp>
#include <moodring/net/tls_credentials.hpp>

#include <boost/asio/ssl/context.hpp>

#include <gtest/gtest.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <array>
#include <fstream>
#include <sstream>

namespace moodring::net {
namespace {

std::string common_name(boost::asio::ssl::context& context) {
    X509* cert = SSL_CTX_get0_certificate(context.native_handle());
    if (!cert) return {};
    std::array<char, 256> name{};
    X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, name.data(), 256);
    return name.data();
}

class tls_credentials_test : public ::testing::Test {
protected:
    void SetUp() override { test::write_test_certificate(cert(), key(), "first"); }

    std::string cert() const { return (dir / "cert.pem").string(); }
    std::string key() const { return (dir / "key.pem").string(); }

    std::string error_of(const tls_files& files) const {
        try {
            make_tls_context(files);
        } catch (const config_error& e) {
            return e.what();
        }
        return "";
    }

    test::temp_dir dir;
};

TEST_F(tls_credentials_test, the_context_holds_the_certificate_and_moodrings_settings) {
    const auto context = make_tls_context({cert(), key()});
    auto* handle = context->native_handle();
    EXPECT_EQ(common_name(*context), "first");
    EXPECT_EQ(SSL_CTX_get_min_proto_version(handle), TLS1_2_VERSION);
    const auto options = SSL_CTX_get_options(handle);
    EXPECT_TRUE(options & SSL_OP_NO_COMPRESSION);
    EXPECT_TRUE(options & SSL_OP_NO_RENEGOTIATION);
    EXPECT_TRUE(SSL_CTX_get_mode(handle) & SSL_MODE_RELEASE_BUFFERS);
}

TEST_F(tls_credentials_test, only_ecdhe_aead_suites_for_tls_1_2) {
    const auto context = make_tls_context({cert(), key()});
    const auto* ciphers = SSL_CTX_get_ciphers(context->native_handle());
    ASSERT_NE(ciphers, nullptr);
    for (int i = 0; i < sk_SSL_CIPHER_num(ciphers); ++i) {
        const auto* cipher = sk_SSL_CIPHER_value(ciphers, i);
        const std::string name = SSL_CIPHER_get_name(cipher);
        if (name.starts_with("TLS_")) continue;  // TLS 1.3 suites: all AEAD with forward secrecy
        EXPECT_TRUE(name.starts_with("ECDHE-")) << name;
        EXPECT_TRUE(
            name.find("GCM") != std::string::npos || name.find("CHACHA20") != std::string::npos
        ) << name;
    }
}

TEST_F(tls_credentials_test, errors_name_the_setting_and_the_file) {
    EXPECT_EQ(
        error_of({(dir / "none.pem").string(), key()}),
        "cannot read server.tls_cert_file " + (dir / "none.pem").string() +
            ": No such file or directory"
    );
    std::ofstream(dir / "empty.pem") << "";
    EXPECT_NE(
        error_of({(dir / "empty.pem").string(), key()})
            .find(
                "server.tls_cert_file " + (dir / "empty.pem").string() + " is not a PEM certificate"
            ),
        std::string::npos
    );
    EXPECT_NE(
        error_of({cert(), cert()}).find("server.tls_key_file " + cert() + " is not"),
        std::string::npos
    );
    test::write_test_certificate(dir / "other.pem", dir / "other-key.pem", "other");
    EXPECT_EQ(
        error_of({cert(), (dir / "other-key.pem").string()}),
        "server.tls_key_file " + (dir / "other-key.pem").string() +
            " does not belong to the certificate in server.tls_cert_file " + cert()
    );
}

TEST_F(tls_credentials_test, a_reload_swaps_the_context_for_new_connections) {
    tls_credentials credentials({cert(), key()});
    const auto before = credentials.current();
    test::write_test_certificate(cert(), key(), "second");
    EXPECT_TRUE(credentials.reload());
    EXPECT_EQ(common_name(*credentials.current()), "second");
    EXPECT_EQ(common_name(*before), "first") << "a connection holding the old one keeps it";
}

TEST_F(tls_credentials_test, a_reload_that_fails_keeps_the_old_context) {
    tls_credentials credentials({cert(), key()});
    const auto before = credentials.current();
    test::write_test_certificate(dir / "other.pem", key(), "mismatch");  // the key changes
    EXPECT_FALSE(credentials.reload());
    EXPECT_EQ(credentials.current(), before);
    std::ofstream(cert(), std::ios::trunc) << "garbage";
    EXPECT_FALSE(credentials.reload());
    EXPECT_EQ(credentials.current(), before);
}

TEST_F(tls_credentials_test, an_expired_certificate_loads_with_a_warning_naming_the_file) {
    std::ostringstream log;
    const auto previous = spdlog::default_logger();
    spdlog::set_default_logger(std::make_shared<spdlog::logger>(
        "test", std::make_shared<spdlog::sinks::ostream_sink_st>(log)
    ));
    make_tls_context({cert(), key()});
    EXPECT_EQ(log.str(), "") << "a valid certificate: no warning";
    test::write_test_certificate(cert(), key(), "old", -std::chrono::hours(1));
    make_tls_context({cert(), key()});
    spdlog::set_default_logger(previous);
    EXPECT_NE(log.str().find("server.tls_cert_file " + cert() + " has expired"), std::string::npos)
        << log.str();
}

TEST_F(tls_credentials_test, the_constructor_refuses_what_make_tls_context_refuses) {
    EXPECT_THROW(tls_credentials({cert(), (dir / "none.pem").string()}), config_error);
}

}  // namespace
}  // namespace moodring::net
