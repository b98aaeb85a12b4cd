#pragma once

// The TLS transport: Beast's ssl_stream over the same tcp_stream a plain connection uses, so
// deadlines and the socket stay where transport.hpp finds them. Private to src/net.

#include "transport.hpp"

#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/ssl.hpp>

namespace moodring::net {

using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

template <>
inline constexpr bool detail::is_tls<tls_stream> = true;

}  // namespace moodring::net
