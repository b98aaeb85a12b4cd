#pragma once

namespace moodring::test {

// A loopback TCP port free at the time of the call (another test may take it before use).
unsigned short free_loopback_port();
// Whether something accepts connections on the loopback port.
bool accepts_connections(unsigned short port);

}  // namespace moodring::test
