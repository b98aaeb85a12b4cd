#include <moodring/llm/error.hpp>
#include <moodring/llm/error_body.hpp>
#include <moodring/llm/openai_decoder.hpp>

#include <nlohmann/json.hpp>

namespace moodring::llm {
namespace {

using nlohmann::json;

std::string_view string_field(const json& object, const char* key) {
    const auto it = object.find(key);
    if (it == object.end() || !it->is_string()) return {};
    return it->get_ref<const std::string&>();
}

void read_usage(const json& usage, final_result& out) {
    if (!usage.is_object()) return;
    if (const auto it = usage.find("prompt_tokens"); it != usage.end() && it->is_number_integer())
        out.prompt_eval_count = it->get<std::int64_t>();
    if (const auto it = usage.find("completion_tokens");
        it != usage.end() && it->is_number_integer())
        out.eval_count = it->get<std::int64_t>();
}

}  // namespace

boost::system::error_code openai_decoder::feed(std::string_view bytes) {
    if (done_) return {};
    reader_.feed(bytes);
    boost::system::error_code ec;
    while (auto event = reader_.next(ec)) {
        if (auto failed = on_event(event->data)) return failed;
        if (done_) return {};
    }
    return ec;
}

boost::system::error_code openai_decoder::finish() {
    if (done_) return {};
    boost::system::error_code ec;
    if (auto event = reader_.finish(ec)) {
        if (auto failed = on_event(event->data)) return failed;
    }
    if (ec) return ec;
    return done_ ? boost::system::error_code{} : error::stream_truncated;
}

boost::system::error_code openai_decoder::on_event(std::string_view data) {
    if (data == "[DONE]") {
        done_ = true;
        return {};
    }
    const auto chunk = json::parse(data, nullptr, false);
    if (!chunk.is_object()) {
        error_text_ = "not a JSON object: " + std::string{data.substr(0, 200)};
        return error::malformed_stream;
    }
    if (const auto error = chunk.find("error"); error != chunk.end()) {
        error_text_ = error_value_text(*error);
        return llm::error::backend_error;
    }
    if (const auto usage = chunk.find("usage"); usage != chunk.end()) read_usage(*usage, final_);
    const auto choices = chunk.find("choices");
    if (choices == chunk.end() || !choices->is_array() || choices->empty()) return {};
    const json& choice = choices->front();
    if (!choice.is_object()) return {};
    if (const auto delta = choice.find("delta"); delta != choice.end() && delta->is_object()) {
        emit_thinking(string_field(*delta, "reasoning"));
        emit_thinking(string_field(*delta, "reasoning_content"));
        emit_text(string_field(*delta, "content"));
    }
    if (const auto reason = string_field(choice, "finish_reason"); !reason.empty())
        final_.done_reason = reason;
    return {};
}

}  // namespace moodring::llm
