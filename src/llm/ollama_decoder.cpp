#include <moodring/llm/error.hpp>
#include <moodring/llm/error_body.hpp>
#include <moodring/llm/ollama_decoder.hpp>

#include <nlohmann/json.hpp>

namespace moodring::llm {
namespace {

using nlohmann::json;

std::string_view string_field(const json& object, const char* key) {
    const auto it = object.find(key);
    if (it == object.end() || !it->is_string()) return {};
    return it->get_ref<const std::string&>();
}

template <class T>
void optional_integer(const json& object, const char* key, std::optional<T>& out) {
    const auto it = object.find(key);
    if (it != object.end() && it->is_number_integer()) out = T{it->get<std::int64_t>()};
}

void read_final(const json& line, final_result& out) {
    out.done_reason = string_field(line, "done_reason");
    optional_integer(line, "prompt_eval_count", out.prompt_eval_count);
    optional_integer(line, "eval_count", out.eval_count);
    optional_integer(line, "total_duration", out.total_duration);
    optional_integer(line, "load_duration", out.load_duration);
    optional_integer(line, "prompt_eval_duration", out.prompt_eval_duration);
    optional_integer(line, "eval_duration", out.eval_duration);
}

}  // namespace

boost::system::error_code ollama_decoder::feed(std::string_view bytes) {
    if (done_) return {};
    reader_.feed(bytes);
    boost::system::error_code ec;
    while (auto line = reader_.next(ec)) {
        if (auto failed = on_line(*line)) return failed;
        if (done_) return {};
    }
    return ec;
}

boost::system::error_code ollama_decoder::finish() {
    if (done_) return {};
    boost::system::error_code ec;
    if (auto line = reader_.finish(ec)) {
        if (auto failed = on_line(*line)) return failed;
    }
    if (ec) return ec;
    return done_ ? boost::system::error_code{} : error::stream_truncated;
}

boost::system::error_code ollama_decoder::on_line(std::string_view text) {
    const auto line = json::parse(text, nullptr, false);
    if (!line.is_object()) {
        error_text_ = "not a JSON object: " + std::string{text.substr(0, 200)};
        return error::malformed_stream;
    }
    if (const auto error = line.find("error"); error != line.end()) {
        error_text_ = error_value_text(*error);
        return llm::error::backend_error;
    }
    // Chat puts text and thinking in `message`, generate at the top level.
    const auto message = line.find("message");
    const json& holder = message != line.end() && message->is_object() ? *message : line;
    emit_thinking(string_field(holder, "thinking"));
    emit_text(string_field(holder, holder.contains("content") ? "content" : "response"));
    const auto done = line.find("done");
    if (done != line.end() && done->is_boolean() && done->get<bool>()) {
        read_final(line, final_);
        done_ = true;
    }
    return {};
}

}  // namespace moodring::llm
