#pragma once

// How the fuzz targets read their input: the payload is the front of the input, so a seed is
// mostly the text it feeds; the choices (limits, where the payload is cut into chunks) are
// taken from the last bytes, which is where FuzzedDataProvider reads integers from.

#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace moodring::fuzz {

// Chunk lengths that repeat over the payload: none means one piece, {1} byte by byte.
class chunk_plan {
public:
    explicit chunk_plan(FuzzedDataProvider& in) {
        const auto count = in.ConsumeIntegralInRange<unsigned>(0, 7);
        for (unsigned i = 0; i < count; ++i) {
            lengths_.push_back(1 + in.ConsumeIntegral<std::uint8_t>());
        }
    }

    std::vector<std::string_view> split(std::string_view payload) const {
        std::vector<std::string_view> chunks;
        if (lengths_.empty()) {
            chunks.push_back(payload);
            return chunks;
        }
        for (std::size_t i = 0; !payload.empty(); ++i) {
            const std::size_t n = std::min(lengths_[i % lengths_.size()], payload.size());
            chunks.push_back(payload.substr(0, n));
            payload.remove_prefix(n);
        }
        return chunks;
    }

private:
    std::vector<std::size_t> lengths_;
};

// A limit: small ones (where the edge cases are) far more often than the server's default.
inline std::size_t pick_limit(FuzzedDataProvider& in, std::size_t server_default) {
    const auto choice = in.ConsumeIntegral<std::uint8_t>();
    return choice < 0xf0 ? std::size_t{1} + choice : server_default;
}

// A broken promise: print what and abort, which libFuzzer reports with the input.
[[noreturn]] inline void fail(const char* what) {
    std::fprintf(stderr, "fuzz oracle failed: %s\n", what);
    std::abort();
}

inline void check(bool ok, const char* what) {
    if (!ok) fail(what);
}

}  // namespace moodring::fuzz
