#pragma once

namespace moodring::test {

// A loopback port nothing listens on now (another process may take it before we bind it).
unsigned short free_loopback_port();

}  // namespace moodring::test
