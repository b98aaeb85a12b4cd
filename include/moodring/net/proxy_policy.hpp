#pragma once

#include <moodring/net/address_range.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace moodring::net {

// Who a request comes from, as far as the server believes it.
struct forwarded_client {
    std::string address;  // the client's IP address ("" when the transport has none)
    bool secure = false;  // it reached us over TLS, its own or the proxy's in front of us
};

// Which peers' X-Forwarded-For and X-Forwarded-Proto are believed, and what they then say.
// Sans-I/O: the session hands in the connection's address, whether it is TLS, and the
// request's headers. From a peer that is not trusted both headers are ignored; a header a
// trusted proxy sent that cannot be read is ignored too (never an error for the client).
class proxy_policy {
public:
    proxy_policy() = default;  // trusts nobody
    explicit proxy_policy(std::vector<address_range> trusted) : trusted_(std::move(trusted)) {}

    bool trusts(std::string_view address) const;
    bool trusts_anyone() const { return !trusted_.empty(); }

    // The client: with a trusted peer, the rightmost X-Forwarded-For entry that is not a
    // trusted proxy itself (the leftmost when all are), and `secure` also when the last
    // X-Forwarded-Proto entry says https. `headers` have lower-case names.
    forwarded_client client_of(
        std::string_view peer,
        bool tls,
        const std::vector<std::pair<std::string, std::string>>& headers
    ) const;

private:
    bool trusts(const boost::asio::ip::address& address) const;

    std::vector<address_range> trusted_;
};

}  // namespace moodring::net
