#include "reply_format.hpp"
#include <moodring/core/clock.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>

namespace mock_ollama {
namespace {

using ordered_json = nlohmann::ordered_json;

// Ollama's field order; zero metrics are left out as Go's omitempty does.
void add_final_fields(ordered_json& j, const reply_metrics& m) {
    if (!m.done_reason.empty()) j["done_reason"] = m.done_reason;
    j["done"] = true;
    const std::pair<const char*, std::int64_t> metrics[] = {
        {"total_duration", m.total_ns},
        {"load_duration", m.load_ns},
        {"prompt_eval_count", m.prompt_count},
        {"prompt_eval_duration", m.prompt_ns},
        {"eval_count", m.eval_count},
        {"eval_duration", m.eval_ns},
    };
    for (const auto& [key, value] : metrics) {
        if (value != 0) j[key] = value;
    }
}

std::string line(const ordered_json& j) { return j.dump() + "\n"; }

class ollama_format : public reply_format {
public:
    ollama_format(std::string model, bool chat, bool with_context)
        : model_{std::move(model)}, chat_{chat}, with_context_{with_context} {}

    std::string_view stream_content_type() const override { return "application/x-ndjson"; }

    std::string token_event(std::string_view text) override {
        auto j = head(text);
        j["done"] = false;
        return line(j);
    }

    std::string finish_events(const reply_metrics& m) const override {
        return line(final_object("", m));
    }

    std::string error_event(std::string_view message) const override {
        return line({{"error", message}});
    }

    std::string malformed_event() const override {
        return "{\"model\":\"" + model_ + "\",\"created_at\": this is not json\n";
    }

    std::string whole_body(std::string_view text, const reply_metrics& m) const override {
        return final_object(text, m).dump();
    }

    std::string error_body(unsigned, std::string_view message) const override {
        return ordered_json{{"error", message}}.dump();
    }

private:
    ordered_json head(std::string_view text) const {
        ordered_json j{{"model", model_}, {"created_at", rfc3339_nano_now()}};
        if (chat_) {
            j["message"] = {{"role", "assistant"}, {"content", text}};
        } else {
            j["response"] = text;
        }
        return j;
    }

    ordered_json final_object(std::string_view text, const reply_metrics& m) const {
        auto j = head(text);
        add_final_fields(j, m);
        if (!chat_ && with_context_) j["context"] = {1, 2, 3};
        return j;
    }

    std::string model_;
    bool chat_;
    bool with_context_;
};

}  // namespace

std::unique_ptr<reply_format> make_chat_format(std::string model) {
    return std::make_unique<ollama_format>(std::move(model), true, false);
}

std::unique_ptr<reply_format> make_generate_format(std::string model, bool with_context) {
    return std::make_unique<ollama_format>(std::move(model), false, with_context);
}

std::string rfc3339_nano_now() {
    const auto now = std::chrono::floor<std::chrono::nanoseconds>(moodring::wall_clock::now());
    const auto secs = std::chrono::floor<std::chrono::seconds>(now);
    const auto nanos = (now - secs).count();
    auto text = moodring::format_timestamp(secs);  // "...:SS.000Z"
    text.resize(text.size() - 5);
    if (nanos != 0) {
        char fraction[16];
        std::snprintf(fraction, sizeof fraction, ".%09lld", static_cast<long long>(nanos));
        std::string f = fraction;
        while (f.back() == '0') f.pop_back();
        text += f;
    }
    return text + "Z";
}

}  // namespace mock_ollama
