// The Markdown transcript and the download's file name (conversation_transfer.hpp).

#include <moodring/api/conversation_transfer.hpp>

#include <algorithm>

namespace moodring::api {
namespace {

// A heading or list item holds one line: line breaks in a title become spaces.
std::string one_line(std::string_view text) {
    std::string out(text);
    std::replace_if(
        out.begin(), out.end(), [](char c) { return c == '\n' || c == '\r'; }, ' '
    );
    return out;
}

// A fence longer than any run of backticks in `text`, so the text cannot close it early.
std::string fence_for(std::string_view text) {
    std::size_t longest = 0, run = 0;
    for (char c : text) {
        run = c == '`' ? run + 1 : 0;
        longest = std::max(longest, run);
    }
    return std::string(std::max<std::size_t>(3, longest + 1), '`');
}

std::string role_name(store::message_role role) {
    return role == store::message_role::user ? "User" : "Assistant";
}

}  // namespace

std::string export_markdown(const store::conversation& c) {
    std::string out = "# " + one_line(c.title) + "\n\n";
    out += "- Model: " + (c.model ? "`" + one_line(*c.model) + "`" : "the server's default") + "\n";
    out += "- Created: " + c.created_at + "\n";
    out += "- Updated: " + c.updated_at + "\n";
    out += "- Messages: " + std::to_string(c.messages.size()) + "\n\n";
    if (!c.custom_context.empty()) {
        const auto fence = fence_for(c.custom_context);
        out += "## Context\n\n" + fence + "\n" + c.custom_context + "\n" + fence + "\n\n";
    }
    out += "## Messages\n";
    for (const auto& m : c.messages) {
        out += "\n### " + role_name(m.role) + " · " + m.timestamp;
        if (m.status != store::message_status::complete) {
            out += " · " + std::string(store::to_string(m.status));
        }
        out += "\n\n" + (m.content.empty() ? std::string("*(no text)*") : m.content) + "\n";
    }
    return out;
}

std::string export_filename(const store::conversation& c, std::string_view extension) {
    constexpr std::size_t max_slug = 40;
    std::string slug;
    for (char ch : c.title) {
        const auto byte = static_cast<unsigned char>(ch);
        if (slug.size() == max_slug) break;
        if ((byte >= '0' && byte <= '9') || (byte >= 'a' && byte <= 'z')) {
            slug += ch;
        } else if (byte >= 'A' && byte <= 'Z') {
            slug += static_cast<char>(byte - 'A' + 'a');
        } else if (!slug.empty() && slug.back() != '-') {
            slug += '-';
        }
    }
    while (!slug.empty() && slug.back() == '-') slug.pop_back();
    if (slug.empty()) slug = "conversation";
    return "moodring-" + slug + "." + std::string(extension);
}

}  // namespace moodring::api
