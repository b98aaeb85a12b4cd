#include <moodring/api/context_upload.hpp>
#include <moodring/api/conversations_api.hpp>
#include <moodring/api/json_body.hpp>
#include <moodring/core/error.hpp>
#include <moodring/core/utf8.hpp>
#include <moodring/store/store.hpp>

#include <charconv>

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

std::optional<std::int64_t> parse_integer(const std::string& text) {
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

}  // namespace

conversations_api::conversations_api(std::shared_ptr<store::store> db, conversation_limits limits)
    : db_(std::move(db)), limits_(limits) {}

boost::asio::awaitable<http_response> conversations_api::list(http_request) {
    auto work = [](store::repository& r) { return r.list_conversations(); };
    auto summaries = co_await db_->run(store::operation::list_conversations, std::move(work));
    co_return json_response(200, json{{"conversations", summaries}});
}

boost::asio::awaitable<http_response> conversations_api::create(http_request request) {
    auto parsed = json_object_body(request, limits_.max_json_depth);
    if (auto* answer = std::get_if<http_response>(&parsed)) co_return std::move(*answer);
    const auto& body = std::get<json>(parsed);
    std::optional<http_response> error;
    auto title = string_field(body, "title", error);
    auto context = string_field(body, "custom_context", error);
    if (error) co_return std::move(*error);
    if (!title) co_return error_response(400, "Field \"title\" is required");
    if (auto bad = check_title(*title, limits_.max_title_bytes)) co_return std::move(*bad);
    if (context && context->size() > limits_.max_custom_context_bytes) {
        co_return error_response(413, "Field \"custom_context\" is too large");
    }
    auto work = [title = *title, context = context.value_or("")](store::repository& r) {
        return r.create_conversation(title, context);
    };
    auto created = co_await db_->run(store::operation::create_conversation, std::move(work));
    const std::string location = "/api/conversations/" + created.id;
    co_return json_response(
        201, json{{"conversation_id", created.id}, {"conversation", created}}
    ).with_header("Location", location);
}

boost::asio::awaitable<http_response> conversations_api::get(http_request request) {
    auto work = [id = request.params["id"]](store::repository& r) {
        return r.get_conversation(id);
    };
    auto found = co_await db_->run(store::operation::get_conversation, std::move(work));
    if (!found) co_return not_found();
    co_return json_response(200, json{{"conversation", *found}});
}

boost::asio::awaitable<http_response> conversations_api::update(http_request request) {
    auto parsed = json_object_body(request, limits_.max_json_depth);
    if (auto* answer = std::get_if<http_response>(&parsed)) co_return std::move(*answer);
    const auto& body = std::get<json>(parsed);
    std::optional<http_response> error;
    auto title = string_field(body, "title", error);
    auto context = string_field(body, "custom_context", error);
    if (error) co_return std::move(*error);
    if (title) {
        if (auto bad = check_title(*title, limits_.max_title_bytes)) co_return std::move(*bad);
    }
    if (context && context->size() > limits_.max_custom_context_bytes) {
        co_return error_response(413, "Field \"custom_context\" is too large");
    }
    auto work = [id = request.params["id"], title, context](store::repository& r) {
        return r.update_conversation(id, title, context);
    };
    auto updated = co_await db_->run(store::operation::update_conversation, std::move(work));
    if (!updated) co_return not_found();
    co_return json_response(200, json{{"conversation", *updated}});
}

boost::asio::awaitable<http_response> conversations_api::remove(http_request request) {
    auto work = [id = request.params["id"]](store::repository& r) {
        return r.delete_conversation(id);
    };
    auto deleted = co_await db_->run(store::operation::delete_conversation, std::move(work));
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
    auto work = [id = request.params["id"], before, limit](store::repository& r) {
        return r.list_messages(id, before, limit);
    };
    auto page = co_await db_->run(store::operation::list_messages, std::move(work));
    if (!page) co_return not_found();
    co_return json_response(200, json{{"messages", page->messages}, {"has_more", page->has_more}});
}

boost::asio::awaitable<http_response> conversations_api::upload(http_request request) {
    auto read = read_context_upload(request, limits_.max_upload_bytes);
    if (auto* answer = std::get_if<http_response>(&read)) co_return std::move(*answer);
    auto file = std::get<context_file>(std::move(read));
    auto work = [id = request.params["id"],
                 addition = context_addition(file),
                 max = limits_.max_custom_context_bytes](store::repository& r) {
        return r.append_context(id, addition, max);
    };
    auto appended = co_await db_->run(store::operation::append_context, std::move(work));
    if (!appended) {
        if (appended.error() == make_error_code(errc::not_found)) co_return not_found();
        co_return error_response(413, "The conversation's context would grow too large");
    }
    co_return json_response(200, json{{"message", "File uploaded"}, {"filename", file.filename}});
}

}  // namespace moodring::api
