#include <moodring/api/conversation_transfer.hpp>
#include <moodring/api/json_body.hpp>
#include <moodring/api/transfer_api.hpp>
#include <moodring/api/viewer_of.hpp>
#include <moodring/store/store.hpp>

#include <nlohmann/json.hpp>

namespace moodring::api {

transfer_api::transfer_api(std::shared_ptr<store::store> db, conversation_limits limits)
    : db_(std::move(db)), limits_(limits) {}

boost::asio::awaitable<http_response> transfer_api::export_conversation(http_request request) {
    auto format = request.query.find("format");
    const bool as_json = format != request.query.end() && format->second == "json";
    const bool as_markdown = format != request.query.end() && format->second == "markdown";
    if (!as_json && !as_markdown) {
        co_return error_response(400, "Query \"format\" must be \"json\" or \"markdown\"");
    }
    auto id = request.params["id"];
    auto found = co_await db_->get_conversation(std::move(id), viewer_of(request));
    if (!found) co_return error_response(404, "Conversation not found");
    http_response response;
    if (as_json) {
        response = json_response(200, export_json(*found));
        response.content_type = "application/json; charset=utf-8";
    } else {
        response.body = export_markdown(*found);
        response.content_type = "text/markdown; charset=utf-8";
    }
    const auto filename = export_filename(*found, as_json ? "json" : "md");
    response.with_header("Content-Disposition", "attachment; filename=\"" + filename + "\"");
    response.with_header("Cache-Control", "no-store");
    co_return response;
}

boost::asio::awaitable<http_response> transfer_api::import_conversation(http_request request) {
    if (auto refused = require_json_type(request)) co_return std::move(*refused);
    auto parsed = parse_export(request.body, limits_);
    if (auto* refusal = std::get_if<import_refusal>(&parsed)) {
        co_return error_response(refusal->status, refusal->message);
    }
    auto conversation = std::get<store::conversation>(std::move(parsed));
    auto imported = co_await db_->import_conversation(std::move(conversation), viewer_of(request));
    const std::string location = "/api/conversations/" + imported.id;
    co_return json_response(
        201, nlohmann::json{{"conversation_id", imported.id}, {"conversation", imported}}
    ).with_header("Location", location);
}

}  // namespace moodring::api
