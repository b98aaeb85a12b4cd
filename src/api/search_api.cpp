#include <moodring/api/search_api.hpp>
#include <moodring/api/viewer_of.hpp>
#include <moodring/core/utf8.hpp>
#include <moodring/store/store.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>

namespace moodring::api {

std::variant<std::string, http_response> read_search_text(
    const http_request& request, const conversation_limits& limits
) {
    auto it = request.query.find("q");
    const std::string text = it == request.query.end() ? std::string() : it->second;
    if (text.size() > limits.max_search_query_bytes) {
        return error_response(
            400,
            "Query \"q\" is longer than " + std::to_string(limits.max_search_query_bytes) + " bytes"
        );
    }
    if (!is_valid_utf8(text)) return error_response(400, "Query \"q\" must be UTF-8 text");
    const bool has_word = std::any_of(text.begin(), text.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte > 0x20 && byte != 0x7F;
    });
    if (!has_word) return error_response(400, "Query \"q\" must hold a word to find");
    return text;
}

boost::asio::awaitable<http_response> search(
    std::shared_ptr<store::store> db, http_request request, conversation_limits limits
) {
    auto read = read_search_text(request, limits);
    if (auto* answer = std::get_if<http_response>(&read)) co_return std::move(*answer);
    auto text = std::get<std::string>(std::move(read));
    auto hits = co_await db->search_conversations(
        std::move(text), limits.max_search_results, limits.max_search_candidates, viewer_of(request)
    );
    co_return json_response(200, nlohmann::json{{"conversations", hits}});
}

}  // namespace moodring::api
