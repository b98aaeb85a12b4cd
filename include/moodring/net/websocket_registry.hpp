#pragma once

#include <moodring/api/account_services.hpp>
#include <moodring/auth/identity.hpp>
#include <moodring/net/address_counter.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace moodring::net {

// Why the server closes a WebSocket of its own accord.
enum class close_cause {
    shutdown,    // 1001 going away
    signed_out,  // 1008 "signed out": its session or key was revoked, or its user deleted
};

// The credential a WebSocket was opened with (mode `accounts`), to close it on revocation.
struct websocket_owner {
    std::int64_t user_id = 0;
    auth::credential_kind kind = auth::credential_kind::session;
    std::int64_t credential_id = 0;
};

// The WebSocket sessions alive: per-address admission, the close on shutdown, and the close
// of those whose credentials are revoked.
class websocket_registry final : public api::signed_out_sockets {
public:
    bool admit(const std::string& address, std::size_t limit) {
        return addresses_.admit(address, limit);
    }
    void release(const std::string& address) { addresses_.release(address); }

    using closer = std::function<void(close_cause)>;
    std::uint64_t add(closer close, std::optional<websocket_owner> owner = std::nullopt);
    void remove(std::uint64_t id);
    // Every session closes with 1001 (going away).
    void close_all();
    std::size_t size() const;

    void close_credentials(auth::credential_kind kind, std::vector<std::int64_t> ids) override;
    void close_user(std::int64_t user_id) override;

private:
    struct entry {
        closer close;
        std::optional<websocket_owner> owner;
    };

    // Closes, outside the lock, every session whose owner `matches`.
    void close_where(close_cause cause, const std::function<bool(const websocket_owner&)>& matches);

    address_counter addresses_;
    mutable std::mutex mutex_;
    std::map<std::uint64_t, entry> sessions_;
    std::uint64_t next_id_ = 0;
};

}  // namespace moodring::net
