#include "replies.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <random>

namespace mock_ollama {
namespace {

using ordered_json = nlohmann::ordered_json;

constexpr std::array<std::string_view, 24> lorem{
    "lorem", "ipsum",   "dolor",  "sit",    "amet",   "consectetur", "adipiscing", "elit",
    "sed",   "do",      "tempor", "magna",  "aliqua", "enim",        "minim",      "veniam",
    "quis",  "nostrud", "ut",     "labore", "et",     "dolore",      "aute",       "irure",
};

constexpr std::array<std::string_view, 12> unicode_words{
    "Héllo",
    "wörld",
    "日本語",
    "中文",
    "🙂",
    "👩‍💻",
    "ñandú",
    "😀😃",
    "한국어",
    "Ελληνικά",
    "עברית",
    "🇯🇵",
};

// Cut sizes chosen so that cuts land inside keys, values, escapes and "#rrggbb" alike.
constexpr std::array<std::size_t, 9> cut_sizes{1, 3, 2, 5, 4, 7, 2, 6, 1};

constexpr int theme_tail_tokens = 220;

void add_words(std::vector<std::string>& out, int count, std::uint64_t seed) {
    std::mt19937_64 rng{seed};
    for (int i = 0; i < count; ++i) {
        out.push_back(std::string{lorem[rng() % lorem.size()]} + " ");
    }
}

void add_sentence(std::vector<std::string>& out, std::string_view sentence) {
    std::size_t pos = 0;
    while (pos < sentence.size()) {
        auto end = sentence.find(' ', pos);
        end = end == std::string_view::npos ? sentence.size() : end + 1;
        out.emplace_back(sentence.substr(pos, end - pos));
        pos = end;
    }
}

ordered_json base_theme() {
    return {
        {"id", "twilight-calm"},
        {"name", "Twilight Calm"},
        {"icon", "🌙"},
        {"primaryColor", "#3A6EA5"},
        {"secondaryColor", "#C0D6DF"},
        {"backgroundColor", "#0F1A2B"},
        {"textColor", "#E8EEF2"},
        {"accentColor", "#F2A65A"},
        {"gradientStart", "#1B2A41"},
        {"gradientEnd", "#324A5F"},
        {"messageUserBg", "#274060"},
        {"messageAssistantBg", "#1B2A41"},
        {"borderColor", "#4F6D7A"},
    };
}

ordered_json hostile_theme() {
    auto theme = base_theme();
    theme["name"] = "Evil\x01\x07\x1b[31m" + std::string(300, 'A');
    theme["id"] = "../../etc/passwd";
    theme["icon"] = "<img src=x onerror=alert(1)>";
    theme["primaryColor"] = "red; background:url(https://x)";
    theme["secondaryColor"] = "</style><script>alert(1)</script>";
    theme["backgroundColor"] = "expression(alert(1))";
    theme["textColor"] = "var(--x)";
    theme["accentColor"] = "#12345G";
    theme["borderColor"] = "url(javascript:alert(1))";
    return theme;
}

ordered_json nested_theme() {
    auto theme = base_theme();
    theme["name"] = R"(Brace {yourself} "quoted" \ name)";
    theme["notes"] = {
        {"text", "a } inside, a { too, and \"}\" quoted"},
        {"deep", {{"level", 2}, {"list", {"}", "{", "\\\""}}}},
    };
    return theme;
}

void add_cut(std::vector<std::string>& out, std::string_view json) {
    std::size_t pos = 0;
    for (std::size_t i = 0; pos < json.size(); ++i) {
        auto size = std::min(cut_sizes[i % cut_sizes.size()], json.size() - pos);
        // Ollama never splits a character between tokens, so neither does the mock.
        while (pos + size < json.size() &&
               (static_cast<unsigned char>(json[pos + size]) & 0xC0) == 0x80) {
            ++size;
        }
        out.emplace_back(json.substr(pos, size));
        pos += size;
    }
}

reply_plan theme_reply(const script& s, ordered_json theme, bool closed) {
    reply_plan plan;
    add_sentence(plan.tokens, "Here is a theme for the mood of this conversation:\n");
    auto json = theme.dump();
    if (!closed) json.pop_back();
    add_cut(plan.tokens, json);
    if (closed) plan.brace_token = plan.tokens.size() - 1;
    plan.tokens.emplace_back("\n\n");
    add_words(plan.tokens, std::max(s.tokens, theme_tail_tokens), s.seed);
    return plan;
}

}  // namespace

reply_plan make_reply(const script& s, std::string_view user_text) {
    reply_plan plan;
    switch (s.reply) {
        case reply_kind::text:
            add_words(plan.tokens, s.tokens, s.seed);
            break;
        case reply_kind::counter:
            for (int i = 0; i < s.tokens; ++i)
                plan.tokens.push_back("token" + std::to_string(i) + " ");
            break;
        case reply_kind::echo: {
            // Each token is a word with the spaces after it, so the tokens join back exactly.
            std::size_t pos = 0;
            while (pos < user_text.size()) {
                auto end = user_text.find_first_of(" \t\n", pos);
                end = user_text.find_first_not_of(" \t\n", end);
                if (end == std::string_view::npos) end = user_text.size();
                plan.tokens.emplace_back(user_text.substr(pos, end - pos));
                pos = end;
            }
            break;
        }
        case reply_kind::theme:
            return theme_reply(s, base_theme(), true);
        case reply_kind::theme_unclosed:
            return theme_reply(s, base_theme(), false);
        case reply_kind::theme_hostile:
            return theme_reply(s, hostile_theme(), true);
        case reply_kind::theme_nested:
            return theme_reply(s, nested_theme(), true);
        case reply_kind::stamped:
            plan.tokens.resize(static_cast<std::size_t>(s.tokens));
            plan.stamped = true;
            break;
        case reply_kind::unicode:
            for (int i = 0; i < s.tokens; ++i) {
                plan.tokens.push_back(
                    std::string{unicode_words[static_cast<std::size_t>(i) % unicode_words.size()]} +
                    " "
                );
            }
            plan.split_utf8 = true;
            break;
    }
    return plan;
}

std::size_t utf8_split_point(std::string_view line) {
    for (std::size_t i = 0; i < line.size(); ++i) {
        if ((static_cast<unsigned char>(line[i]) & 0xC0) == 0xC0) return i + 1;
    }
    return 0;
}

}  // namespace mock_ollama
