#pragma once

// Sign-outs that reach every instance of a cluster: a revoked session, key or user closes its
// WebSockets on this instance at once, and the others are told through the bus (a notice on
// a Redis channel every instance listens to). Without a cluster the server uses its socket
// registry directly.

#include <moodring/api/account_services.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace moodring::api {

// What a notice says: close the sockets of these credentials, or of this user.
struct credentials_signed_out {
    auth::credential_kind kind = auth::credential_kind::session;
    std::vector<std::int64_t> ids;
};
struct user_signed_out {
    std::int64_t user_id = 0;
};
using sign_out = std::variant<credentials_signed_out, user_signed_out>;

// A notice's text (JSON), and back. Reading never trusts its input: nothing unless it is
// exactly one of the two shapes.
std::string sign_out_notice(const sign_out& what);
std::optional<sign_out> read_sign_out_notice(std::string_view notice);

class sign_out_relay final : public signed_out_sockets {
public:
    using publisher = std::function<void(std::string notice)>;

    sign_out_relay(std::shared_ptr<signed_out_sockets> local, publisher publish);

    void close_credentials(auth::credential_kind kind, std::vector<std::int64_t> ids) override;
    void close_user(std::int64_t user_id) override;

    // Another instance's notice: this instance's sockets close. One that cannot be read is
    // logged and ignored.
    void received(std::string_view notice);

private:
    std::shared_ptr<signed_out_sockets> local_;
    publisher publish_;
};

}  // namespace moodring::api
