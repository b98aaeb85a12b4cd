#pragma once

namespace moodring::test {

// A port nobody listens on at this moment on 127.0.0.1 (another process may take it before the
// caller binds it: callers that start a server retry with another).
unsigned short free_loopback_port();

// Whether something accepts TCP connections on 127.0.0.1:`port` now.
bool accepts_connections(unsigned short port);

}  // namespace moodring::test
