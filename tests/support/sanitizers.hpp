#pragma once

// Whether this code is built with AddressSanitizer or ThreadSanitizer. GCC says so with
// __SANITIZE_ADDRESS__ and __SANITIZE_THREAD__; clang (which builds the address pass) only
// through __has_feature.
#if defined(__SANITIZE_ADDRESS__)
#define MOODRING_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MOODRING_TEST_ASAN 1
#endif
#endif

#if defined(__SANITIZE_THREAD__)
#define MOODRING_TEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define MOODRING_TEST_TSAN 1
#endif
#endif
