#include <moodring/llm/ollama_line.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>

namespace moodring::llm::detail {
namespace {

using json = nlohmann::json;

enum class field {
    other,
    message,
    response,
    thinking,
    content,
    done,
    done_reason,
    error,
    error_message,
    prompt_eval_count,
    eval_count,
    total_duration,
    load_duration,
    prompt_eval_duration,
    eval_duration,
};

field top_field(std::string_view key) {
    if (key == "message") return field::message;
    if (key == "response") return field::response;
    if (key == "thinking") return field::thinking;
    if (key == "done") return field::done;
    if (key == "done_reason") return field::done_reason;
    if (key == "error") return field::error;
    if (key == "prompt_eval_count") return field::prompt_eval_count;
    if (key == "eval_count") return field::eval_count;
    if (key == "total_duration") return field::total_duration;
    if (key == "load_duration") return field::load_duration;
    if (key == "prompt_eval_duration") return field::prompt_eval_duration;
    if (key == "eval_duration") return field::eval_duration;
    return field::other;
}

// nlohmann's SAX interface: only depth 1 (the line) and depth 2 inside `message` or an
// `error` object are looked at; everything else is skipped.
class line_sax {
public:
    explicit line_sax(ollama_line& out) : out_(out) {}

    bool null() { return scalar(); }
    bool boolean(bool value) {
        if (at(1, field::done)) out_.done = value;
        return scalar();
    }
    bool number_integer(json::number_integer_t value) {
        integer(value);
        return scalar();
    }
    bool number_unsigned(json::number_unsigned_t value) {
        integer(static_cast<std::int64_t>(value));
        return scalar();
    }
    bool number_float(json::number_float_t, const json::string_t&) { return scalar(); }
    bool binary(json::binary_t&) { return scalar(); }
    bool string(json::string_t& value) {
        if (depth_ == 1) {
            switch (key1_) {
                case field::response:
                    out_.top_text.assign(value);
                    break;
                case field::thinking:
                    out_.top_thinking.assign(value);
                    break;
                case field::done_reason:
                    out_.final.done_reason.assign(value);
                    break;
                case field::error:
                    out_.error.assign(value);
                    break;
                default:
                    break;
            }
        } else if (depth_ == 2 && key1_ == field::message && key2_ == field::content) {
            out_.text.assign(value);
        } else if (depth_ == 2 && key1_ == field::message && key2_ == field::thinking) {
            out_.thinking.assign(value);
        } else if (depth_ == 2 && key1_ == field::error && key2_ == field::error_message) {
            out_.error.assign(value);
        }
        return scalar();
    }
    bool start_object(std::size_t) {
        if (depth_ == 0) object_ = true;
        if (depth_ == 1 && key1_ == field::message) out_.has_message = true;
        ++depth_;
        key2_ = field::other;
        return true;
    }
    bool key(json::string_t& key) {
        if (depth_ == 1) {
            key1_ = top_field(key);
            if (key1_ == field::error) out_.has_error = true;
        } else if (depth_ == 2) {
            key2_ = key == "content"    ? field::content
                    : key == "thinking" ? field::thinking
                    : key == "message"  ? field::error_message
                                        : field::other;
        }
        return true;
    }
    bool end_object() {
        --depth_;
        if (depth_ == 1) key2_ = field::other;
        return true;
    }
    bool start_array(std::size_t) {
        ++depth_;
        key2_ = field::other;
        return true;
    }
    bool end_array() {
        --depth_;
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
        return false;
    }

    bool object() const { return object_; }

private:
    bool at(int depth, field f) const { return depth_ == depth && key1_ == f; }
    bool scalar() { return depth_ > 0; }  // a bare scalar line is not an object

    void integer(std::int64_t value) {
        if (depth_ != 1) return;
        auto& f = out_.final;
        switch (key1_) {
            case field::prompt_eval_count:
                f.prompt_eval_count = value;
                break;
            case field::eval_count:
                f.eval_count = value;
                break;
            case field::total_duration:
                f.total_duration = std::chrono::nanoseconds{value};
                break;
            case field::load_duration:
                f.load_duration = std::chrono::nanoseconds{value};
                break;
            case field::prompt_eval_duration:
                f.prompt_eval_duration = std::chrono::nanoseconds{value};
                break;
            case field::eval_duration:
                f.eval_duration = std::chrono::nanoseconds{value};
                break;
            default:
                break;
        }
    }

    ollama_line& out_;
    int depth_ = 0;
    field key1_ = field::other;
    field key2_ = field::other;
    bool object_ = false;
};

}  // namespace

bool parse_ollama_line(std::string_view line, ollama_line& out) {
    out.text.clear();
    out.thinking.clear();
    out.top_text.clear();
    out.top_thinking.clear();
    out.error.clear();
    out.done = false;
    out.has_error = false;
    out.has_message = false;
    out.final = {};
    line_sax sax{out};
    if (!json::sax_parse(line, &sax) || !sax.object()) return false;
    // Chat keeps text and thinking in `message`, generate at the top level.
    if (!out.has_message) {
        out.text.swap(out.top_text);
        out.thinking.swap(out.top_thinking);
    }
    if (out.has_error && out.error.empty()) out.error = "unknown error";
    return true;
}

}  // namespace moodring::llm::detail
