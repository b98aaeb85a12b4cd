#pragma once

#include <moodring/api/conversations_api.hpp>
#include <moodring/store/records.hpp>

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <string_view>
#include <variant>

namespace moodring::api {

// The export format (docs/export-format.md): `{"format": "moodring.conversation",
// "version": 1, "conversation": Conversation}`. Sans-I/O: text in, a conversation or a
// refusal out, so that it is unit-tested and fuzzed without a server.
inline constexpr std::string_view export_format_name = "moodring.conversation";
inline constexpr int export_format_version = 1;

// Why an import is refused: 400 for what is malformed, 413 for what is too large.
struct import_refusal {
    unsigned status = 400;
    std::string message;
};

// The conversation an export holds, checked field by field against `limits`: title, context,
// model, every message's role, text, timestamp and status, and the theme (which must pass the
// theme validator without a repair). Ids and counts in the export are ignored (the import
// gets new ones); a `streaming` message is taken as `interrupted`, as after a restart.
std::variant<store::conversation, import_refusal> parse_export(
    std::string_view body, const conversation_limits& limits
);

// The export of `c` as JSON.
nlohmann::json export_json(const store::conversation& c);

// The export of `c` as a Markdown transcript: title, model, times, context, then each message
// with its role and time (conversation_markdown.cpp).
std::string export_markdown(const store::conversation& c);

// A file name for the download: `moodring-` and the title's letters and digits (ASCII,
// lower case, at most 40), then `extension`; safe in a quoted header parameter and on any
// file system.
std::string export_filename(const store::conversation& c, std::string_view extension);

}  // namespace moodring::api
