#include <moodring/api/context_upload.hpp>
#include <moodring/api/conversation_rules.hpp>
#include <moodring/api/conversations_api.hpp>
#include <moodring/api/json_body.hpp>
#include <moodring/api/search_api.hpp>
#include <moodring/api/viewer_of.hpp>
#include <moodring/core/error.hpp>
#include <moodring/core/utf8.hpp>
#include <moodring/store/store.hpp>

#include <charconv>
#include <optional>
#include <string>
#include <variant>

namespace moodring::api {
namespace {

using nlohmann::json;

http_response not_found() { return error_response(404, "Conversation not found"); }

// A create needs a title; only an update may set the model.
enum class body_of { create, update };

// `model` of an update: absent (no change), null (the server's model) or a valid name.
std::optional<std::optional<std::string>> model_field(
    const json& body, std::size_t max_bytes, std::optional<http_response>& error
) {
    auto it = body.find("model");
    if (it == body.end()) return std::nullopt;
    if (it->is_null()) return std::optional<std::string>{};
    if (!it->is_string()) {
        error = error_response(400, "Field \"model\" must be a string or null");
        return std::nullopt;
    }
    auto name = it->get<std::string>();
    if (auto problem = model_name_problem(name, max_bytes)) {
        error = error_response(400, *problem);
        return std::nullopt;
    }
    return std::optional<std::string>{std::move(name)};
}

// A create's or an update's body, or the 4xx answer that says what is wrong with it: a JSON
// object whose `title` and `custom_context`, where given, are strings within the limits, and
// (an update's) `model` a model's name or null.
std::variant<store::conversation_changes, http_response> read_fields(
    const http_request& request, const conversation_limits& limits, body_of kind
) {
    auto parsed = json_object_body(request, limits.max_json_depth);
    if (auto* answer = std::get_if<http_response>(&parsed)) return std::move(*answer);
    const auto& body = std::get<json>(parsed);
    std::optional<http_response> error;
    store::conversation_changes fields;
    fields.title = string_field(body, "title", error);
    fields.custom_context = string_field(body, "custom_context", error);
    if (kind == body_of::update)
        fields.model = model_field(body, limits.max_model_name_bytes, error);
    if (error) return std::move(*error);
    if (!fields.title && kind == body_of::create) {
        return error_response(400, "Field \"title\" is required");
    }
    if (fields.title) {
        if (auto problem = title_problem(*fields.title, limits.max_title_bytes)) {
            return error_response(400, *problem);
        }
    }
    if (fields.custom_context && fields.custom_context->size() > limits.max_custom_context_bytes) {
        return error_response(413, "Field \"custom_context\" is too large");
    }
    return fields;
}

std::optional<std::int64_t> parse_integer(const std::string& text) {
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

}  // namespace

conversations_api::conversations_api(std::shared_ptr<store::store> db, conversation_limits limits)
    : db_(std::move(db)), limits_(limits) {}

boost::asio::awaitable<http_response> conversations_api::list(http_request request) {
    if (request.query.contains("q")) co_return co_await search(db_, std::move(request), limits_);
    auto summaries = co_await db_->list_conversations(viewer_of(request));
    co_return json_response(200, json{{"conversations", summaries}});
}

boost::asio::awaitable<http_response> conversations_api::create(http_request request) {
    auto read = read_fields(request, limits_, body_of::create);
    if (auto* answer = std::get_if<http_response>(&read)) co_return std::move(*answer);
    auto fields = std::get<store::conversation_changes>(std::move(read));
    auto title = std::move(*fields.title);
    auto custom_context = std::move(fields.custom_context).value_or("");
    auto created = co_await db_->create_conversation(
        std::move(title), std::move(custom_context), viewer_of(request)
    );
    const std::string location = "/api/conversations/" + created.id;
    co_return json_response(
        201, json{{"conversation_id", created.id}, {"conversation", created}}
    ).with_header("Location", location);
}

boost::asio::awaitable<http_response> conversations_api::get(http_request request) {
    auto id = request.params["id"];
    auto found = co_await db_->get_conversation(std::move(id), viewer_of(request));
    if (!found) co_return not_found();
    co_return json_response(200, json{{"conversation", *found}});
}

boost::asio::awaitable<http_response> conversations_api::update(http_request request) {
    auto read = read_fields(request, limits_, body_of::update);
    if (auto* answer = std::get_if<http_response>(&read)) co_return std::move(*answer);
    auto fields = std::get<store::conversation_changes>(std::move(read));
    auto id = request.params["id"];
    auto updated =
        co_await db_->update_conversation(std::move(id), std::move(fields), viewer_of(request));
    if (!updated) co_return not_found();
    co_return json_response(200, json{{"conversation", *updated}});
}

boost::asio::awaitable<http_response> conversations_api::remove(http_request request) {
    auto id = request.params["id"];
    auto deleted = co_await db_->delete_conversation(std::move(id), viewer_of(request));
    if (!deleted) co_return not_found();
    co_return json_response(200, json{{"message", "Conversation deleted"}});
}

boost::asio::awaitable<http_response> conversations_api::messages(http_request request) {
    std::optional<std::int64_t> before;
    int limit = 50;
    if (auto it = request.query.find("before"); it != request.query.end() && !it->second.empty()) {
        before = parse_integer(it->second);
        if (!before) co_return error_response(400, "Query \"before\" must be a message id");
    }
    if (auto it = request.query.find("limit"); it != request.query.end() && !it->second.empty()) {
        auto value = parse_integer(it->second);
        if (!value || *value < 1 || *value > limits_.max_page_size) {
            co_return error_response(
                400,
                "Query \"limit\" must be a number from 1 to " +
                    std::to_string(limits_.max_page_size)
            );
        }
        limit = static_cast<int>(*value);
    }
    auto id = request.params["id"];
    auto page = co_await db_->list_messages(std::move(id), before, limit, viewer_of(request));
    if (!page) co_return not_found();
    co_return json_response(200, json{{"messages", page->messages}, {"has_more", page->has_more}});
}

boost::asio::awaitable<http_response> conversations_api::upload(http_request request) {
    auto read = read_context_upload(request, limits_.max_upload_bytes);
    if (auto* answer = std::get_if<http_response>(&read)) co_return std::move(*answer);
    auto file = std::get<context_file>(std::move(read));
    auto id = request.params["id"];
    auto addition = context_addition(file);
    auto appended = co_await db_->append_context(
        std::move(id), std::move(addition), limits_.max_custom_context_bytes, viewer_of(request)
    );
    if (!appended) {
        if (appended.error() == make_error_code(errc::not_found)) co_return not_found();
        co_return error_response(413, "The conversation's context would grow too large");
    }
    co_return json_response(200, json{{"message", "File uploaded"}, {"filename", file.filename}});
}

}  // namespace moodring::api
