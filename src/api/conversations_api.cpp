#include <moodring/api/context_upload.hpp>
#include <moodring/api/conversations_api.hpp>
#include <moodring/api/json_body.hpp>
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

std::optional<http_response> check_title(const std::string& title, std::size_t max_bytes) {
    if (title.find_first_not_of(" \t\r\n") == std::string::npos) {
        return error_response(400, "Field \"title\" must not be empty");
    }
    if (title.size() > max_bytes) {
        return error_response(
            400, "Field \"title\" is longer than " + std::to_string(max_bytes) + " bytes"
        );
    }
    return std::nullopt;
}

// The fields of a conversation that a create or an update may set.
struct conversation_fields {
    std::optional<std::string> title;
    std::optional<std::string> custom_context;
};

enum class title_rule { required, optional };

// A create's or an update's body, or the 4xx answer that says what is wrong with it: a JSON
// object whose `title` and `custom_context`, where given, are strings within the limits.
std::variant<conversation_fields, http_response> read_fields(
    const http_request& request, const conversation_limits& limits, title_rule rule
) {
    auto parsed = json_object_body(request, limits.max_json_depth);
    if (auto* answer = std::get_if<http_response>(&parsed)) return std::move(*answer);
    const auto& body = std::get<json>(parsed);
    std::optional<http_response> error;
    conversation_fields fields{
        .title = string_field(body, "title", error),
        .custom_context = string_field(body, "custom_context", error),
    };
    if (error) return std::move(*error);
    if (!fields.title && rule == title_rule::required) {
        return error_response(400, "Field \"title\" is required");
    }
    if (fields.title) {
        if (auto bad = check_title(*fields.title, limits.max_title_bytes)) return std::move(*bad);
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
    auto summaries = co_await db_->list_conversations(viewer_of(request));
    co_return json_response(200, json{{"conversations", summaries}});
}

boost::asio::awaitable<http_response> conversations_api::create(http_request request) {
    auto read = read_fields(request, limits_, title_rule::required);
    if (auto* answer = std::get_if<http_response>(&read)) co_return std::move(*answer);
    auto fields = std::get<conversation_fields>(std::move(read));
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
    auto read = read_fields(request, limits_, title_rule::optional);
    if (auto* answer = std::get_if<http_response>(&read)) co_return std::move(*answer);
    auto fields = std::get<conversation_fields>(std::move(read));
    auto id = request.params["id"];
    auto updated = co_await db_->update_conversation(
        std::move(id), std::move(fields.title), std::move(fields.custom_context), viewer_of(request)
    );
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
