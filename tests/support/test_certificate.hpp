#pragma once

#include <chrono>
#include <filesystem>
#include <string>

namespace moodring::test {

// Writes a fresh self-signed certificate for 127.0.0.1 and localhost (`common_name` as its
// subject, so that a test can tell certificates apart) and its private key, both PEM, made
// with OpenSSL at test time: no key is checked into the repository. It is valid from two hours
// ago until `valid_for` from now (negative: expired).
void write_test_certificate(
    const std::filesystem::path& cert_file,
    const std::filesystem::path& key_file,
    const std::string& common_name,
    std::chrono::seconds valid_for = std::chrono::hours(24)
);

}  // namespace moodring::test
