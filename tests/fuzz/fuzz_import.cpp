// The body of `POST /api/conversations/import`: whatever it holds, the export parser either
// refuses it with 400 or 413 and a sentence, or gives a conversation that keeps every limit
// (title, context, model name, message count and size), holds only known roles and statuses
// (never `streaming`), protocol timestamps and a theme the validator leaves as it is; that
// conversation exported again reads back as the same conversation, and renders as Markdown.

#include "fuzz_input.hpp"
#include <moodring/api/conversation_rules.hpp>
#include <moodring/api/conversation_transfer.hpp>
#include <moodring/core/clock.hpp>
#include <moodring/theme/theme_validator.hpp>

#include <nlohmann/json.hpp>

namespace {

using moodring::fuzz::check;
using namespace moodring;

void check_kept_limits(const store::conversation& c, const api::conversation_limits& limits) {
    check(!api::title_problem(c.title, limits.max_title_bytes), "a title breaking its rules");
    check(c.custom_context.size() <= limits.max_custom_context_bytes, "a context too large");
    check(
        !c.model || !api::model_name_problem(*c.model, limits.max_model_name_bytes),
        "a model name breaking its rules"
    );
    check(c.messages.size() <= limits.max_import_messages, "too many messages");
    for (const auto& m : c.messages) {
        check(m.status != store::message_status::streaming, "a streaming message kept");
        check(parse_timestamp(m.timestamp).has_value(), "a timestamp of another form");
        check(
            m.role != store::message_role::user || m.content.size() <= limits.max_message_bytes,
            "a user message too large"
        );
    }
    if (c.current_theme_json) {
        theme::validation_report report;
        theme::validate_theme(nlohmann::json::parse(*c.current_theme_json), report);
        check(report.clean(), "a stored theme the validator would repair");
    }
}

bool same(const store::conversation& a, const store::conversation& b) {
    if (a.title != b.title || a.custom_context != b.custom_context || a.model != b.model ||
        a.current_theme_json != b.current_theme_json || a.messages.size() != b.messages.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.messages.size(); ++i) {
        const auto &x = a.messages[i], &y = b.messages[i];
        if (x.role != y.role || x.content != y.content || x.timestamp != y.timestamp ||
            x.status != y.status) {
            return false;
        }
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    api::conversation_limits limits;
    limits.max_title_bytes = moodring::fuzz::pick_limit(in, limits.max_title_bytes);
    limits.max_message_bytes = moodring::fuzz::pick_limit(in, limits.max_message_bytes);
    limits.max_import_messages = moodring::fuzz::pick_limit(in, limits.max_import_messages);
    const std::string body = in.ConsumeRemainingBytesAsString();

    auto parsed = api::parse_export(body, limits);
    if (auto* refusal = std::get_if<api::import_refusal>(&parsed)) {
        check(refusal->status == 400 || refusal->status == 413, "a refusal of another status");
        check(!refusal->message.empty(), "a refusal without a sentence");
        return 0;
    }
    const auto& conversation = std::get<store::conversation>(parsed);
    check_kept_limits(conversation, limits);

    const auto again = api::parse_export(api::export_json(conversation).dump(), limits);
    check(std::holds_alternative<store::conversation>(again), "its own export is refused");
    check(same(conversation, std::get<store::conversation>(again)), "its export reads back other");
    check(!api::export_markdown(conversation).empty(), "an empty transcript");
    check(
        api::export_filename(conversation, "md").find_first_of("\"\\/\r\n;") == std::string::npos,
        "a file name unsafe in a header"
    );
    return 0;
}
