#include "completion.hpp"
#include "responses.hpp"
#include "session.hpp"

#include <nlohmann/json.hpp>

namespace mock_ollama {

namespace http = boost::beast::http;
using boost::asio::awaitable;

namespace {

struct simple_reply {
    unsigned status;
    std::string_view content_type;
    std::string body;
};

simple_reply not_found() { return {404, "text/plain", "404 page not found"}; }

// The GET endpoints of Ollama that need no script. Unknown paths and methods get gin's 404.
simple_reply answer(std::string_view path, bool get, mock_state& state) {
    if (!get) return not_found();
    if (path == "/") return {200, "text/plain; charset=utf-8", "Ollama is running"};
    if (path == "/api/version") return {200, json_type, R"({"version":"0.5.1"})"};
    if (path == "/api/tags") return {200, json_type, state.catalog.tags()};
    if (path == "/api/ps") {
        return {200, json_type, state.catalog.running(state.scheduler.loaded())};
    }
    if (path == "/v1/models") return {200, json_type, state.catalog.openai_models()};
    return not_found();
}

// The mock's own endpoints; they are not recorded.
simple_reply answer_mock(std::string_view path, http::verb method, mock_state& state) {
    if (path == "/mock/requests" && method == http::verb::get) {
        auto j = state.requests.to_json();
        j["scheduler"] = state.scheduler.to_json();
        return {200, json_type, j.dump()};
    }
    if (path == "/mock/reset" && method == http::verb::post) {
        // What is loaded stays loaded: a reset starts a test's records, not a new Ollama.
        state.requests.reset();
        state.attempts.clear();
        state.scheduler.reset_counters();
        return {200, json_type, R"({"ok":true})"};
    }
    if (path == "/mock/connections" && method == http::verb::get) {
        const nlohmann::json j{
            {"open", state.open_connections}, {"total", state.total_connections}};
        return {200, json_type, j.dump()};
    }
    return not_found();
}

}  // namespace

awaitable<bool> session::serve(http_request req) {
    const std::string_view target = req.target();
    const auto path = target.substr(0, target.find('?'));
    const auto method = req.method();

    if (method == http::verb::post) {
        if (path == "/api/chat") {
            co_return co_await serve_completion(*this, state_, std::move(req), endpoint::chat);
        }
        if (path == "/api/generate") {
            co_return co_await serve_completion(*this, state_, std::move(req), endpoint::generate);
        }
        if (path == "/v1/chat/completions") {
            co_return co_await serve_completion(
                *this, state_, std::move(req), endpoint::openai_chat
            );
        }
    }

    simple_reply reply;
    if (path.starts_with("/mock/")) {
        reply = answer_mock(path, method, state_);
    } else {
        const bool get = method == http::verb::get || method == http::verb::head;
        auto record =
            state_.requests.start(std::string{req.method_string()}, std::string{path}, id_);
        reply = answer(path, get, state_);
        record->status = reply.status;
        record->finish("completed");
        log_request(*record);
    }
    const bool keep_alive = req.keep_alive();
    auto res = make_response(req, reply.status, reply.content_type, std::move(reply.body));
    co_return co_await send(std::move(res)) && keep_alive;
}

}  // namespace mock_ollama
