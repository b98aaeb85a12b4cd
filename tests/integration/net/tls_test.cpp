// HTTPS and WSS against the real server: the terms of the handshake, plain HTTP on the TLS
// port, a turn streamed over WSS, and the certificate reloaded on SIGHUP without dropping the
// connections already open.
#include "eventually.hpp"
#include "http_client.hpp"
#include "raw_socket.hpp"
#include "tls_fixture.hpp"
#include "wss_client.hpp"

#include <openssl/ssl.h>
#include <signal.h>

#include <fstream>

using namespace moodring::test;
using nlohmann::json;

namespace {

TEST_F(tls_test, an_https_request_is_answered_with_the_configured_certificate) {
    tls_connection connection(server->port());
    ASSERT_FALSE(connection.handshake());
    EXPECT_EQ(connection.peer_common_name(), "moodring-test-a");
    const auto reply = connection.request("GET", "/api/conversations");
    EXPECT_EQ(reply.status, 200u);
    EXPECT_NE(reply.body.find("conversations"), std::string::npos);
    // Keep-alive holds over TLS: a second request on the same connection.
    EXPECT_EQ(connection.request("GET", "/api/models").status, 200u);
}

TEST_F(tls_test, tls_1_3_is_offered_and_tls_1_2_gets_an_ecdhe_aead_cipher) {
    tls_connection modern(server->port());
    ASSERT_FALSE(modern.handshake());
    EXPECT_EQ(modern.protocol(), "TLSv1.3");

    tls_connection older(server->port(), {.max_version = TLS1_2_VERSION, .ciphers = ""});
    ASSERT_FALSE(older.handshake());
    EXPECT_EQ(older.protocol(), "TLSv1.2");
    const auto cipher = older.cipher();
    EXPECT_TRUE(cipher.starts_with("ECDHE-")) << cipher;
    EXPECT_TRUE(
        cipher.find("GCM") != std::string::npos || cipher.find("CHACHA20") != std::string::npos
    ) << cipher;
    EXPECT_EQ(older.request("GET", "/api/conversations").status, 200u);
}

// The server's alert, not the client's own refusal: the client offers them (security level 0).
TEST_F(tls_test, tls_1_1_and_1_0_are_refused) {
    for (int version : {TLS1_1_VERSION, TLS1_VERSION}) {
        tls_connection old(
            server->port(), {.min_version = version, .max_version = version, .ciphers = ""}
        );
        const auto error = old.handshake();
        EXPECT_NE(error.message().find("alert protocol version"), std::string::npos)
            << version << ": " << error.message();
    }
}

TEST_F(tls_test, ciphers_without_forward_secrecy_or_aead_are_refused) {
    for (std::string weak : {"AES128-SHA", "AES256-GCM-SHA384", "ECDHE-ECDSA-AES128-SHA"}) {
        tls_connection client(server->port(), {.max_version = TLS1_2_VERSION, .ciphers = weak});
        const auto error = client.handshake();
        EXPECT_NE(error.message().find("alert handshake failure"), std::string::npos)
            << weak << ": " << error.message();
    }
}

TEST_F(tls_test, plain_http_on_the_tls_port_gets_a_400_in_plain_text_and_is_closed) {
    raw_socket plain(server->port());
    ASSERT_TRUE(plain.send("GET /api/conversations HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    const auto reply = plain.read_http_response(std::chrono::seconds(5));
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 400u);
    EXPECT_EQ(reply->body, "This port speaks HTTPS only.\n");
    EXPECT_TRUE(plain.wait_closed(std::chrono::seconds(5)));
    // The server is fine afterwards.
    EXPECT_EQ(https_request(server->port(), "GET", "/health").status, 200u);
}

TEST_F(tls_test, a_client_that_says_nothing_or_stalls_in_the_handshake_is_closed_in_time) {
    raw_socket silent(server->port());
    raw_socket stalled(server->port());
    // The first bytes of a ClientHello record, and no more.
    ASSERT_TRUE(stalled.send(std::string("\x16\x03\x01\x02\x00\x01", 6)));
    EXPECT_TRUE(silent.wait_closed(std::chrono::seconds(10)));
    EXPECT_TRUE(stalled.wait_closed(std::chrono::seconds(10)));
}

TEST_F(tls_test, a_turn_streams_over_wss_and_the_close_is_clean) {
    const auto id = create_conversation();
    wss_client client(server->port(), "/ws/" + id);
    EXPECT_EQ(client.peer_common_name(), "moodring-test-a");
    client.send_json({{"message", "hello [[mock reply=counter tokens=5]]"}});
    const auto frames = client.read_until("end");
    EXPECT_EQ(frames.front()["type"], "start");
    std::string text;
    for (const auto& frame : frames) {
        if (frame["type"] == "chunk") text += frame["content"].get<std::string>();
    }
    EXPECT_FALSE(text.empty());
    EXPECT_FALSE(client.close()) << "close frames, then close_notify both ways";
    const auto stored = https_request(server->port(), "GET", "/api/conversations/" + id);
    const auto messages = json::parse(stored.body)["conversation"]["messages"];
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_EQ(messages[1]["content"], text);
}

TEST_F(tls_test, a_websocket_the_server_closes_ends_with_close_notify) {
    wss_client client(server->port(), "/ws/no-such-conversation");
    const auto error = client.read();
    ASSERT_TRUE(error);
    EXPECT_NE(error->find("Conversation not found"), std::string::npos) << *error;
    EXPECT_FALSE(client.read());
    EXPECT_EQ(client.last_error(), boost::beast::websocket::error::closed)
        << client.last_error().message();
}

TEST_F(tls_test, an_https_connection_closed_by_the_server_gets_close_notify) {
    tls_connection connection(server->port());
    ASSERT_FALSE(connection.handshake());
    EXPECT_EQ(connection.request("GET", "/health", "", {{"Connection", "close"}}).status, 200u);
    EXPECT_TRUE(connection.closed_cleanly());
}

TEST_F(tls_test, sighup_reloads_the_certificate_for_new_connections_and_keeps_the_open_ones) {
    const auto id = create_conversation();
    tls_connection before(server->port());
    ASSERT_FALSE(before.handshake());
    wss_client socket_before(server->port(), "/ws/" + id);

    write_test_certificate(cert_file(), key_file(), "moodring-test-b");
    server->process().signal(SIGHUP);
    EXPECT_TRUE(eventually([&] {
        tls_connection after(server->port());
        return !after.handshake() && after.peer_common_name() == "moodring-test-b";
    }));
    EXPECT_EQ(https_request(server->port(), "GET", "/health").status, 200u);

    EXPECT_EQ(before.peer_common_name(), "moodring-test-a");
    EXPECT_EQ(before.request("GET", "/api/conversations").status, 200u);
    socket_before.send_json({{"message", "still here [[mock reply=counter tokens=3]]"}});
    EXPECT_EQ(socket_before.read_until("end").back()["type"], "end");
    EXPECT_TRUE(server->process().running());
}

TEST_F(tls_test, a_reload_that_fails_keeps_the_previous_certificate_and_says_why) {
    std::ofstream(cert_file(), std::ios::trunc) << "not a certificate\n";
    server->process().signal(SIGHUP);
    EXPECT_TRUE(eventually([&] {
        return log_text().find("TLS certificate not reloaded") != std::string::npos;
    }));
    const auto log = log_text();
    EXPECT_NE(log.find("server.tls_cert_file " + cert_file()), std::string::npos) << log;
    tls_connection client(server->port());
    ASSERT_FALSE(client.handshake());
    EXPECT_EQ(client.peer_common_name(), "moodring-test-a");

    write_test_certificate(cert_file(), key_file(), "moodring-test-c");
    server->process().signal(SIGHUP);
    EXPECT_TRUE(eventually([&] {
        tls_connection after(server->port());
        return !after.handshake() && after.peer_common_name() == "moodring-test-c";
    }));
}

TEST_F(tls_test, shutdown_ends_idle_tls_connections_promptly) {
    tls_connection idle(server->port());
    ASSERT_FALSE(idle.handshake());
    EXPECT_EQ(idle.request("GET", "/health").status, 200u);
    const auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(server->stop(), 0);
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(8));
}

}  // namespace
