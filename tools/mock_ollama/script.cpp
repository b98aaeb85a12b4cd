#include "script.hpp"

#include <array>
#include <charconv>
#include <utility>

namespace mock_ollama {
namespace {

constexpr std::string_view open_mark = "[[mock";
constexpr std::string_view close_mark = "]]";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The next "[[mock" that starts a directive: "[[mocktail]]" does not.
std::size_t find_open(std::string_view text, std::size_t pos) {
    while ((pos = text.find(open_mark, pos)) != std::string_view::npos) {
        const auto next = pos + open_mark.size();
        if (next == text.size() || is_space(text[next]) || text[next] == ']') return pos;
        pos = next;
    }
    return pos;
}

template <typename T>
bool parse_number(std::string_view text, T& out) {
    T value{};
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value < 0) return false;
    out = value;
    return true;
}

bool parse_millis(std::string_view text, std::chrono::milliseconds& out) {
    long long ms = 0;
    if (!parse_number(text, ms)) return false;
    out = std::chrono::milliseconds{ms};
    return true;
}

constexpr std::array<std::pair<std::string_view, reply_kind>, 9> reply_names{{
    {"text", reply_kind::text},
    {"counter", reply_kind::counter},
    {"echo", reply_kind::echo},
    {"theme", reply_kind::theme},
    {"theme_unclosed", reply_kind::theme_unclosed},
    {"theme_hostile", reply_kind::theme_hostile},
    {"theme_nested", reply_kind::theme_nested},
    {"stamped", reply_kind::stamped},
    {"unicode", reply_kind::unicode},
}};

constexpr std::array<std::pair<std::string_view, fault_kind>, 10> fault_names{{
    {"none", fault_kind::none},
    {"404", fault_kind::not_found},
    {"500", fault_kind::internal},
    {"503", fault_kind::busy},
    {"hang_headers", fault_kind::hang_headers},
    {"hang_body", fault_kind::hang_body},
    {"drop", fault_kind::drop},
    {"malformed", fault_kind::malformed},
    {"error_line", fault_kind::error_line},
    {"no_done", fault_kind::no_done},
}};

template <typename Enum, std::size_t N>
bool parse_name(
    const std::array<std::pair<std::string_view, Enum>, N>& names, std::string_view text, Enum& out
) {
    for (const auto& [name, value] : names) {
        if (name == text) {
            out = value;
            return true;
        }
    }
    return false;
}

bool apply_pair(std::string_view key, std::string_view value, script& s) {
    if (key == "header_delay_ms") return parse_millis(value, s.header_delay);
    if (key == "ttft_ms") return parse_millis(value, s.ttft);
    if (key == "interval_ms") return parse_millis(value, s.interval);
    if (key == "tokens") return parse_number(value, s.tokens);
    if (key == "reply") return parse_name(reply_names, value, s.reply);
    if (key == "fault") return parse_name(fault_names, value, s.fault);
    if (key == "fail_first") return parse_number(value, s.fail_first);
    if (key == "seed") return parse_number(value, s.seed);
    if (key == "id") {
        s.label = std::string{value};
        return true;
    }
    if (key == "fault_after") {
        int n = 0;
        if (!parse_number(value, n)) return false;
        s.fault_after = n;
        return true;
    }
    return false;
}

void apply_body(std::string_view body, script& s, std::vector<std::string>& problems) {
    std::size_t pos = 0;
    while (pos < body.size()) {
        while (pos < body.size() && is_space(body[pos])) ++pos;
        std::size_t end = pos;
        while (end < body.size() && !is_space(body[end])) ++end;
        const auto word = body.substr(pos, end - pos);
        pos = end;
        if (word.empty()) continue;
        const auto eq = word.find('=');
        if (eq == std::string_view::npos ||
            !apply_pair(word.substr(0, eq), word.substr(eq + 1), s)) {
            problems.push_back("ignored directive word '" + std::string{word} + "'");
        }
    }
}

}  // namespace

int script::tokens_before_fault() const {
    if (fault_after) return *fault_after;
    return fault == fault_kind::hang_body ? 0 : 3;
}

std::vector<std::string> apply_directives(std::string_view text, script& into) {
    std::vector<std::string> problems;
    std::size_t pos = 0;
    while ((pos = find_open(text, pos)) != std::string_view::npos) {
        const auto body_start = pos + open_mark.size();
        const auto close = text.find(close_mark, body_start);
        if (close == std::string_view::npos) {
            problems.push_back("unterminated [[mock directive");
            break;
        }
        apply_body(text.substr(body_start, close - body_start), into, problems);
        pos = close + close_mark.size();
    }
    return problems;
}

std::string strip_directives(std::string_view text) {
    std::string out;
    std::size_t pos = 0;
    for (;;) {
        const auto open = find_open(text, pos);
        const auto close =
            open == std::string_view::npos ? open : text.find(close_mark, open + open_mark.size());
        if (close == std::string_view::npos) {
            out.append(text.substr(pos));
            break;
        }
        out.append(text.substr(pos, open - pos));
        pos = close + close_mark.size();
        // "a [[mock ...]] b" reads "a b", not "a  b".
        if (!out.empty() && is_space(out.back())) {
            while (pos < text.size() && is_space(text[pos])) ++pos;
        }
    }
    const auto first = out.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    const auto last = out.find_last_not_of(" \t\r\n");
    return out.substr(first, last - first + 1);
}

}  // namespace mock_ollama
