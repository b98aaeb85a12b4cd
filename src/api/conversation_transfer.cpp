#include <moodring/api/conversation_rules.hpp>
#include <moodring/api/conversation_transfer.hpp>
#include <moodring/core/clock.hpp>
#include <moodring/core/json_depth.hpp>
#include <moodring/core/json_nul.hpp>
#include <moodring/core/utf8.hpp>
#include <moodring/theme/theme_validator.hpp>

#include <nlohmann/json.hpp>

#include <optional>

namespace moodring::api {
namespace {

using nlohmann::json;

import_refusal bad(std::string message) { return {400, std::move(message)}; }
import_refusal too_large(std::string message) { return {413, std::move(message)}; }

// Reads a string field; `required` or not, a present one must be a string.
std::optional<import_refusal> read_string(
    const json& object, const char* name, std::string& out, const std::string& where, bool required
) {
    auto it = object.find(name);
    if (it == object.end() || it->is_null()) {
        if (!required) return std::nullopt;
        return bad("Field \"" + where + name + "\" is required");
    }
    if (!it->is_string()) return bad("Field \"" + where + name + "\" must be a string");
    out = it->get<std::string>();
    return std::nullopt;
}

std::optional<import_refusal> read_message(
    const json& raw, std::size_t index, const conversation_limits& limits, store::message& out
) {
    const std::string where = "messages[" + std::to_string(index) + "].";
    if (!raw.is_object()) return bad("Each of \"messages\" must be an object");
    std::string role, timestamp, status = "complete";
    for (auto refusal : {
             read_string(raw, "role", role, where, true),
             read_string(raw, "content", out.content, where, true),
             read_string(raw, "timestamp", timestamp, where, true),
             read_string(raw, "status", status, where, false),
         }) {
        if (refusal) return refusal;
    }
    const auto known_role = store::role_from_string(role);
    if (!known_role) return bad("Field \"" + where + "role\" must be \"user\" or \"assistant\"");
    out.role = *known_role;
    const auto known_status = store::status_from_string(status);
    if (!known_status) {
        return bad(
            "Field \"" + where +
            "status\" must be \"complete\", \"stopped\", \"interrupted\" or \"streaming\""
        );
    }
    // A reply exported while it streamed never finishes here: as after a restart.
    out.status = *known_status == store::message_status::streaming
                     ? store::message_status::interrupted
                     : *known_status;
    const auto when = parse_timestamp(timestamp);
    if (!when || format_timestamp(*when) != timestamp) {
        return bad("Field \"" + where + "timestamp\" must be a time like 2026-11-22T10:15:30.123Z");
    }
    out.timestamp = std::move(timestamp);
    if (out.role == store::message_role::user && out.content.size() > limits.max_message_bytes) {
        return too_large(
            "Field \"" + where + "content\" is longer than " +
            std::to_string(limits.max_message_bytes) + " bytes"
        );
    }
    return std::nullopt;
}

std::optional<import_refusal> read_messages(
    const json& conversation, const conversation_limits& limits, store::conversation& out
) {
    auto it = conversation.find("messages");
    if (it == conversation.end() || it->is_null()) return std::nullopt;
    if (!it->is_array()) return bad("Field \"messages\" must be an array");
    if (it->size() > limits.max_import_messages) {
        return too_large(
            "An import holds at most " + std::to_string(limits.max_import_messages) + " messages"
        );
    }
    out.messages.resize(it->size());
    for (std::size_t i = 0; i < it->size(); ++i) {
        if (auto refusal = read_message((*it)[i], i, limits, out.messages[i])) return refusal;
    }
    return std::nullopt;
}

std::optional<import_refusal> read_model(
    const json& conversation, const conversation_limits& limits, store::conversation& out
) {
    auto it = conversation.find("model");
    if (it == conversation.end() || it->is_null()) return std::nullopt;
    if (!it->is_string()) return bad("Field \"model\" must be a string or null");
    auto name = it->get<std::string>();
    if (auto problem = model_name_problem(name, limits.max_model_name_bytes)) return bad(*problem);
    out.model = std::move(name);
    return std::nullopt;
}

// The theme must come out of the validator untouched: it was validated when it was made, so
// a repair, or any difference, means it was changed since (or never was one).
std::optional<import_refusal> read_theme(const json& conversation, store::conversation& out) {
    auto it = conversation.find("current_theme");
    if (it == conversation.end() || it->is_null()) return std::nullopt;
    if (!it->is_object()) return bad("Field \"current_theme\" must be a theme or null");
    theme::validation_report report;
    const auto valid = theme::validate_theme(*it, report);
    if (!report.clean()) {
        return bad("Field \"current_theme\" is not a valid theme (" + report.summary() + ")");
    }
    // What the validator derives itself (the shadow) must match too.
    const json stored = valid;
    if (stored != *it) {
        return bad("Field \"current_theme\" is not a valid theme (it differs from its valid form)");
    }
    out.current_theme_json = stored.dump();
    return std::nullopt;
}

std::optional<import_refusal> read_conversation(
    const json& conversation, const conversation_limits& limits, store::conversation& out
) {
    if (auto refusal = read_string(conversation, "title", out.title, "", true)) return refusal;
    if (auto problem = title_problem(out.title, limits.max_title_bytes)) return bad(*problem);
    auto context = read_string(conversation, "custom_context", out.custom_context, "", false);
    if (context) return context;
    if (out.custom_context.size() > limits.max_custom_context_bytes) {
        return too_large("Field \"custom_context\" is too large");
    }
    if (auto refusal = read_model(conversation, limits, out)) return refusal;
    if (auto refusal = read_messages(conversation, limits, out)) return refusal;
    return read_theme(conversation, out);
}

}  // namespace

std::variant<store::conversation, import_refusal> parse_export(
    std::string_view body, const conversation_limits& limits
) {
    if (!is_valid_utf8(body)) return bad("The body is not valid UTF-8");
    if (!json_depth_within(body, limits.max_json_depth)) {
        return bad(
            "The body nests deeper than " + std::to_string(limits.max_json_depth) + " levels"
        );
    }
    const auto document = json::parse(body, nullptr, false);
    if (document.is_discarded()) return bad("The body is not valid JSON");
    if (json_holds_nul(body)) return bad("Text must not hold NUL characters (\\u0000)");
    if (!document.is_object()) return bad("The body must be a JSON object");
    auto format = document.find("format");
    if (format == document.end() || *format != export_format_name) {
        return bad("Field \"format\" must be \"moodring.conversation\"");
    }
    auto version = document.find("version");
    if (version == document.end() || !version->is_number_integer() ||
        *version != export_format_version) {
        return bad("Field \"version\" must be 1: this server reads version 1 exports only");
    }
    auto conversation = document.find("conversation");
    if (conversation == document.end() || !conversation->is_object()) {
        return bad("Field \"conversation\" must be an object");
    }
    store::conversation out;
    if (auto refusal = read_conversation(*conversation, limits, out)) return std::move(*refusal);
    return out;
}

json export_json(const store::conversation& c) {
    return json{
        {"format", export_format_name},
        {"version", export_format_version},
        {"conversation", c},
    };
}

}  // namespace moodring::api
