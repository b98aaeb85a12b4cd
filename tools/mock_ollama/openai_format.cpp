#include "reply_format.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>

namespace mock_ollama {
namespace {

using ordered_json = nlohmann::ordered_json;

std::string event(const ordered_json& j) { return "data: " + j.dump() + "\n\n"; }

std::string_view error_type(unsigned status) {
    if (status == 404) return "not_found_error";
    if (status >= 400 && status < 500) return "invalid_request_error";
    return "api_error";
}

// The v0.32.6+ stream: role only in the first chunk, a separate finish chunk, an optional
// usage chunk, then [DONE].
class openai_format : public reply_format {
public:
    openai_format(std::string model, bool include_usage)
        : model_{std::move(model)}, include_usage_{include_usage} {
        static std::atomic<unsigned> serial{0};
        id_ = "chatcmpl-" + std::to_string(serial++ % 999);
        created_ = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch()
        )
                       .count();
    }

    std::string_view stream_content_type() const override { return "text/event-stream"; }

    std::string token_event(std::string_view text) override {
        ordered_json delta = ordered_json::object();
        if (first_) delta["role"] = "assistant";
        delta["content"] = text;
        first_ = false;
        return event(chunk(delta, nullptr));
    }

    std::string finish_events(const reply_metrics& m) const override {
        auto out = event(chunk(ordered_json::object(), m.done_reason));
        if (include_usage_) {
            auto usage = header("chat.completion.chunk");
            usage["choices"] = ordered_json::array();
            usage["usage"] = usage_of(m);
            out += event(usage);
        }
        return out + "data: [DONE]\n\n";
    }

    // Ollama has no SSE error event; llama.cpp's form is the one clients can recognise.
    std::string error_event(std::string_view message) const override {
        return event({{"error", error_object(500, message)}});
    }

    std::string malformed_event() const override { return "data: {\"id\": not json\n\n"; }

    std::string whole_body(std::string_view text, const reply_metrics& m) const override {
        auto j = header("chat.completion");
        j["choices"] = ordered_json::array({{
            {"index", 0},
            {"message", {{"role", "assistant"}, {"content", text}}},
            {"finish_reason", m.done_reason},
        }});
        j["usage"] = usage_of(m);
        return j.dump();
    }

    std::string error_body(unsigned status, std::string_view message) const override {
        return ordered_json{{"error", error_object(status, message)}}.dump();
    }

private:
    static ordered_json error_object(unsigned status, std::string_view message) {
        return {
            {"message", message},
            {"type", error_type(status)},
            {"param", nullptr},
            {"code", nullptr},
        };
    }

    static ordered_json usage_of(const reply_metrics& m) {
        return {
            {"prompt_tokens", m.prompt_count},
            {"completion_tokens", m.eval_count},
            {"total_tokens", m.prompt_count + m.eval_count},
        };
    }

    ordered_json header(std::string_view object) const {
        return {
            {"id", id_},
            {"object", object},
            {"created", created_},
            {"model", model_},
            {"system_fingerprint", "fp_ollama"},
        };
    }

    ordered_json chunk(ordered_json delta, ordered_json finish_reason) const {
        auto j = header("chat.completion.chunk");
        j["choices"] = ordered_json::array({{
            {"index", 0},
            {"delta", std::move(delta)},
            {"finish_reason", std::move(finish_reason)},
        }});
        return j;
    }

    std::string model_;
    bool include_usage_;
    std::string id_;
    long long created_ = 0;
    bool first_ = true;
};

}  // namespace

std::unique_ptr<reply_format> make_openai_format(std::string model, bool include_usage) {
    return std::make_unique<openai_format>(std::move(model), include_usage);
}

}  // namespace mock_ollama
