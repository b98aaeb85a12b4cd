#pragma once

namespace moodring {

// Raises the soft limit on open descriptors to the hard limit and returns the new soft
// limit. Each connection costs a descriptor, and the soft default (often 1024) is far below
// what the machine allows; servers such as nginx and Go's runtime do the same at start.
unsigned long raise_descriptor_limit();

}  // namespace moodring
