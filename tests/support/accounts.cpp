#include "accounts.hpp"

#include <stdexcept>

namespace moodring::test {
namespace {

server_process::options in_accounts_mode(server_process::options options) {
    options.extra_args.insert(options.extra_args.begin(), {"--auth.mode", "accounts"});
    return options;
}

}  // namespace

server_process::options with_args(std::vector<std::string> extra_args) {
    server_process::options options;
    options.extra_args = std::move(extra_args);
    return options;
}

std::string cookie_pair(const std::string& set_cookie) {
    return set_cookie.substr(0, set_cookie.find(';'));
}

accounts_server::accounts_server(server_process::options options)
    : server_(in_accounts_mode(std::move(options))) {
    read_setup_line();
}

// The line after the banner, while no user exists: "... /#setup=TOKEN (or ...".
void accounts_server::read_setup_line() {
    const auto status = http_get(port(), "/api/auth/status");
    if (!nlohmann::json::parse(status.body).value("setup_required", false)) return;
    const auto line = server_.process().read_line(std::chrono::seconds(10));
    const auto at = line.find("#setup=");
    if (at == std::string::npos) throw std::runtime_error("no setup link in: " + line);
    const auto token = line.substr(at + 7);
    setup_token_ = token.substr(0, token.find(' '));
}

header_list accounts_server::as(const std::string& cookie) const {
    header_list headers{{"Origin", server_.origin()}};
    if (!cookie.empty()) headers.emplace_back("Cookie", cookie);
    return headers;
}

http_reply accounts_server::call(
    const std::string& cookie,
    std::string_view method,
    std::string_view target,
    const nlohmann::json& body
) {
    return http_request(
        port(), method, target, body.is_null() ? "" : body.dump(), "application/json", as(cookie)
    );
}

std::string accounts_server::set_up_admin(const std::string& name) {
    const nlohmann::json body{
        {"token", setup_token_}, {"username", name}, {"password", test_password}};
    auto reply = call("", "POST", "/api/auth/setup", body);
    if (reply.status != 201) throw std::runtime_error("setup refused: " + reply.body);
    return cookie_pair(reply.header("set-cookie"));
}

std::string accounts_server::add_user(
    const std::string& admin_cookie, const std::string& name, const std::string& role
) {
    const nlohmann::json body{{"username", name}, {"password", test_password}, {"role", role}};
    auto reply = call(admin_cookie, "POST", "/api/users", body);
    if (reply.status != 201) throw std::runtime_error("user not added: " + reply.body);
    return sign_in(name);
}

std::string accounts_server::sign_in(const std::string& name, const std::string& password) {
    auto reply = call("", "POST", "/api/auth/login", {{"username", name}, {"password", password}});
    if (reply.status != 200) return {};
    return cookie_pair(reply.header("set-cookie"));
}

std::string accounts_server::create_conversation(
    const std::string& cookie, const std::string& title
) {
    auto reply = call(cookie, "POST", "/api/conversations", {{"title", title}});
    if (reply.status != 201) throw std::runtime_error("conversation not created: " + reply.body);
    return nlohmann::json::parse(reply.body).at("conversation_id").get<std::string>();
}

}  // namespace moodring::test
