#pragma once

#include "http_client.hpp"
#include "server_process.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace moodring::test {

inline constexpr const char* test_password = "correct horse battery";

// The real server in mode `accounts` for one test, and what its users do over REST. Every
// request made "as" a user carries the page's own Origin, as a browser's would.
class accounts_server {
public:
    explicit accounts_server(server_process::options options = {});

    server_process& server() { return server_; }
    unsigned short port() const { return server_.port(); }
    // The token of the setup link the server printed at start ("" when it printed none).
    const std::string& setup_token() const { return setup_token_; }

    // The first admin, through the setup link: the `Cookie` header value of its session.
    std::string set_up_admin(const std::string& name = "admin");
    // A user made by an admin (`admin_cookie`), signed in: its `Cookie` header value.
    std::string add_user(
        const std::string& admin_cookie, const std::string& name, const std::string& role = "user"
    );
    // Signs in; the `Cookie` header value, or "" when refused.
    std::string sign_in(const std::string& name, const std::string& password = test_password);

    // The headers of a browser request with the session `cookie`.
    header_list as(const std::string& cookie) const;
    http_reply call(
        const std::string& cookie,
        std::string_view method,
        std::string_view target,
        const nlohmann::json& body = nullptr
    );
    // A conversation created by the user of `cookie`: its id.
    std::string create_conversation(const std::string& cookie, const std::string& title = "mine");

private:
    void read_setup_line();

    server_process server_;
    std::string setup_token_;
};

// Options with these extra flags, the rest as by default.
server_process::options with_args(std::vector<std::string> extra_args);

// `name=value` of a `Set-Cookie` header, for sending back.
std::string cookie_pair(const std::string& set_cookie);

}  // namespace moodring::test
