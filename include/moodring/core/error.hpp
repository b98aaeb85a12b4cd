#pragma once

#include <boost/system/error_code.hpp>

#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace moodring {

// Expected failures that cross layer boundaries. Each maps to an HTTP status and to the
// protocol's WebSocket error code; none of them carries internal detail to a client.
enum class errc {
    ok = 0,
    bad_request,
    not_found,
    conflict,  // a name taken, the last admin
    too_large,
    unsupported_media_type,
    method_not_allowed,
    busy,
    rate_limited,
    llm_unavailable,
    llm_error,
    database_unavailable,
    internal,
};

const boost::system::error_category& moodring_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), moodring_category()};
}

// The protocol's `code` string for an error frame ("bad_request", "busy", ...).
std::string_view protocol_code(errc e) noexcept;

// The HTTP status that answers a request failing with `e`.
unsigned http_status(errc e) noexcept;

// An unexpected failure below the API (the database, say) with the errc a client is shown;
// `what()` holds the detail for the log only.
class service_error : public std::runtime_error {
public:
    service_error(errc code, const std::string& detail) : std::runtime_error(detail), code_(code) {}
    errc code() const noexcept { return code_; }

private:
    errc code_;
};

// The sentence a client is shown for `e`: plain words, no internals.
std::string_view public_message(errc e) noexcept;

}  // namespace moodring

template <>
struct boost::system::is_error_code_enum<moodring::errc> : std::true_type {};
