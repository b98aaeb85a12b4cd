#include <moodring/api/models_api.hpp>
#include <moodring/llm/backend.hpp>
#include <moodring/llm/error.hpp>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace moodring::api {

models_api::models_api(llm::backend& llm, std::string chat_model, std::string theme_model)
    : llm_(llm), chat_model_(std::move(chat_model)), theme_model_(std::move(theme_model)) {}

boost::asio::awaitable<http_response> models_api::list(http_request) {
    const auto result = co_await llm_.list_models();
    if (result.error) {
        spdlog::warn("listing models failed: {} {}", result.error.message(), result.error_text);
        const auto code = llm::to_errc(result.error);
        co_return error_response(http_status(code), public_message(code));
    }
    auto models = nlohmann::json::array();
    for (const auto& m : result.models) {
        nlohmann::json entry{{"name", m.name}};
        if (!m.endpoints.empty()) entry["endpoints"] = m.endpoints;
        models.push_back(std::move(entry));
    }
    co_return json_response(
        200,
        nlohmann::json{
            {"models", models}, {"chat_model", chat_model_}, {"theme_model", theme_model_}}
    );
}

}  // namespace moodring::api
