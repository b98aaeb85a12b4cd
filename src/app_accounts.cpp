// Accounts in the composition root (PROTOCOL v2): in mode `accounts`, the hasher, the throttle,
// the access gate and the account routes, the first admin's setup link while no user exists,
// and the conversations from before accounts given to the first admin. In mode `none` only
// `/api/auth/status` is served, and it says so.

#include "app_parts.hpp"
#include <moodring/api/access_gate.hpp>
#include <moodring/api/origin_policy.hpp>
#include <moodring/api/sign_out_relay.hpp>
#include <moodring/auth/auth_settings_from_config.hpp>
#include <moodring/auth/setup_token.hpp>
#include <moodring/cluster/redis_sign_in_throttle.hpp>
#include <moodring/core/run_to_end.hpp>
#include <moodring/store/account_store.hpp>

#include <spdlog/spdlog.h>

#include <cstdio>

namespace moodring {

namespace {

api::account_settings account_settings_from(const config& configuration) {
    return {
        .min_password_length = configuration.auth.min_password_length,
        .session_ttl = std::chrono::hours{configuration.auth.session_ttl_hours},
        .max_json_depth = configuration.http.max_json_depth,
    };
}

}  // namespace

// In a cluster a sign-out closes the sockets on every instance: the others are told over the
// bus.
std::shared_ptr<api::signed_out_sockets> app::parts::signed_out_sockets() {
    if (!redis_bus) return websockets;
    auto relay = std::make_shared<api::sign_out_relay>(
        websockets, [bus = redis_bus](std::string notice) { bus->broadcast(std::move(notice)); }
    );
    redis_bus->on_notice([relay](std::string_view notice) { relay->received(notice); });
    return relay;
}

// In a cluster the failed sign-ins are counted in Redis, for all instances together.
std::shared_ptr<auth::sign_in_throttle> app::parts::sign_in_throttle() const {
    const auto limits = auth::throttle_limits_from(configuration);
    if (!redis_bus) return std::make_shared<auth::local_sign_in_throttle>(limits);
    return std::make_shared<cluster::redis_sign_in_throttle>(redis_bus, limits);
}

void app::parts::make_accounts() {
    if (!auth::accounts_enabled(configuration)) {
        auth_routes = std::make_shared<api::auth_api>(nullptr, nullptr);
        return;
    }
    account_services = std::make_shared<api::account_services>(api::account_services{
        .accounts = accounts,
        .hasher = std::make_shared<auth::password_hasher>(auth::hashing_limits_from(configuration)),
        .throttle = sign_in_throttle(),
        .sockets = signed_out_sockets(),
        .settings = account_settings_from(configuration),
    });
    const bool no_user = run_to_end(accounts->user_count()) == 0;
    setup = std::make_shared<auth::setup_token>(
        no_user ? auth::setup_token::fresh() : auth::setup_token::none()
    );
    if (!no_user) {
        if (const auto adopted = run_to_end(accounts->adopt_ownerless_conversations())) {
            spdlog::info("{} conversations from before accounts given to the first admin", adopted);
        }
    }
    auth_routes = std::make_shared<api::auth_api>(account_services, setup);
    users = std::make_shared<api::users_api>(account_services);
    keys = std::make_shared<api::keys_api>(account_services);
}

std::shared_ptr<const api::access_gate> app::parts::access_gate(
    std::shared_ptr<const api::origin_policy> origins
) {
    if (!account_services) return nullptr;
    return std::make_shared<api::access_gate>(accounts, std::move(origins));
}

void app::parts::add_account_routes(net::router& router) {
    router.add("GET", "/api/auth/status", route_to(auth_routes, &api::auth_api::status));
    if (!account_services) return;
    router.add("POST", "/api/auth/setup", route_to(auth_routes, &api::auth_api::setup));
    router.add("POST", "/api/auth/login", route_to(auth_routes, &api::auth_api::login));
    router.add("POST", "/api/auth/logout", route_to(auth_routes, &api::auth_api::logout));
    router.add("PUT", "/api/auth/password", route_to(auth_routes, &api::auth_api::change_password));
    router.add("GET", "/api/users", route_to(users, &api::users_api::list));
    router.add("POST", "/api/users", route_to(users, &api::users_api::create));
    router.add("PUT", "/api/users/{id}", route_to(users, &api::users_api::update));
    router.add("DELETE", "/api/users/{id}", route_to(users, &api::users_api::remove));
    router.add("GET", "/api/keys", route_to(keys, &api::keys_api::list));
    router.add("POST", "/api/keys", route_to(keys, &api::keys_api::create));
    router.add("DELETE", "/api/keys/{id}", route_to(keys, &api::keys_api::remove));
}

// The line a person follows to make the first admin; printed at every start until one exists.
void app::parts::announce_access(std::uint16_t port) const {
    const auto& server_section = configuration.server;
    if (!auth::accounts_enabled(configuration) &&
        configuration.auth.allow_network_without_accounts) {
        spdlog::warn(
            "auth.mode is none on {}: anyone who can reach this port can read and delete every "
            "conversation",
            server_section.host
        );
    }
    if (!setup || setup->text().empty()) return;
    const bool v6 = server_section.host.find(':') != std::string::npos;
    const auto host = v6 ? "[" + server_section.host + "]" : server_section.host;
    std::printf(
        "moodring has no account yet: create the first admin at %s://%s:%u/#setup=%s (or run "
        "moodring user add NAME --admin)\n",
        uses_tls() ? "https" : "http",
        host.c_str(),
        static_cast<unsigned>(port),
        setup->text().c_str()
    );
    std::fflush(stdout);
}

}  // namespace moodring
