#include <moodring/api/access_gate.hpp>
#include <moodring/api/account_services.hpp>
#include <moodring/api/origin_policy.hpp>
#include <moodring/auth/credentials.hpp>
#include <moodring/auth/tokens.hpp>
#include <moodring/store/account_store.hpp>

#include <array>

namespace moodring::api {
namespace {

// Routes that answer without credentials: a signed-out page must be able to sign in.
constexpr std::array<std::string_view, 3> open_routes{
    "/api/auth/status", "/api/auth/setup", "/api/auth/login"};

bool changes_something(const http_request& request) {
    return request.method != "GET" && request.method != "HEAD" && request.method != "OPTIONS";
}

}  // namespace

access_gate::access_gate(
    std::shared_ptr<store::account_store> accounts, std::shared_ptr<const origin_policy> origins
)
    : accounts_(std::move(accounts)), origins_(std::move(origins)) {}

boost::asio::awaitable<std::optional<auth::principal>> access_gate::identify(
    const http_request& request
) const {
    const auto presented =
        auth::read_credentials(request.header("cookie"), request.header("authorization"));
    using kind = auth::presented_credentials::kind;
    if (presented.what == kind::session) {
        co_return co_await accounts_->find_session(auth::token_hash(presented.secret));
    }
    if (presented.what == kind::key && presented.secret.starts_with(auth::key_prefix)) {
        co_return co_await accounts_->find_key(auth::token_hash(presented.secret));
    }
    co_return std::nullopt;
}

std::optional<http_response> access_gate::cross_site_refusal(const http_request& request) const {
    const auto& who = *request.principal;
    if (who.kind == auth::credential_kind::session && !origins_->vouches_for(request)) {
        return error_response(403, "Cross-site request refused: Origin missing or not allowed");
    }
    return std::nullopt;
}

boost::asio::awaitable<std::optional<http_response>> access_gate::admit(http_request& request
) const {
    if (!request.path.starts_with("/api/")) co_return std::nullopt;
    const bool open =
        std::find(open_routes.begin(), open_routes.end(), request.path) != open_routes.end();
    // Setup and sign-in need no one: only the status says who is signed in.
    if (open && request.path != "/api/auth/status") co_return std::nullopt;
    request.principal = co_await identify(request);
    if (open) co_return std::nullopt;
    if (!request.principal) co_return sign_in_first();
    if (changes_something(request)) co_return cross_site_refusal(request);
    co_return std::nullopt;
}

boost::asio::awaitable<std::optional<http_response>> access_gate::admit_upgrade(
    http_request& request
) const {
    request.principal = co_await identify(request);
    if (!request.principal) co_return sign_in_first();
    co_return cross_site_refusal(request);
}

}  // namespace moodring::api
