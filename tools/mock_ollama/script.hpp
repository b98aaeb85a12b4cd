#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mock_ollama {

enum class reply_kind {
    text,
    counter,
    echo,
    theme,
    theme_unclosed,
    theme_hostile,
    theme_nested,
    stamped,
    unicode,
};

enum class fault_kind {
    none,
    not_found,
    internal,
    busy,
    hang_headers,
    hang_body,
    drop,
    malformed,
    error_line,
    no_done,
};

// What one request should do: the command-line defaults, overridden by the request's
// `[[mock key=value ...]]` directives.
struct script {
    std::chrono::milliseconds header_delay{0};
    std::chrono::milliseconds ttft{0};
    std::chrono::milliseconds interval{10};
    int tokens = 12;
    reply_kind reply = reply_kind::text;
    fault_kind fault = fault_kind::none;
    std::optional<int> fault_after;
    int fail_first = 0;
    std::string label;
    std::uint64_t seed = 0;

    // hang_body hangs right after the headers unless told otherwise; the others wait 3 tokens.
    int tokens_before_fault() const;
};

// Applies every directive found in `text`, later keys winning. Returns one message per
// key or value it did not understand, for the log.
// A directive with `for=chat` or `for=generate` applies only to that endpoint (`/api/chat` and
// `/v1/chat/completions` are "chat"); `endpoint` "" applies every directive.
std::vector<std::string> apply_directives(
    std::string_view text, script& into, std::string_view endpoint = {}
);

// `text` without its directives, trimmed.
std::string strip_directives(std::string_view text);

}  // namespace mock_ollama
