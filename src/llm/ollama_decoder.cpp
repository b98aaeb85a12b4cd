#include <moodring/llm/error.hpp>
#include <moodring/llm/ollama_decoder.hpp>

namespace moodring::llm {

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
    if (!detail::parse_ollama_line(text, line_)) {
        error_text_ = "not a JSON object: " + std::string{text.substr(0, 200)};
        return error::malformed_stream;
    }
    if (line_.has_error) {
        error_text_ = line_.error;
        return error::backend_error;
    }
    emit_thinking(line_.thinking);
    emit_text(line_.text);
    if (line_.done) {
        final_ = line_.final;
        done_ = true;
    }
    return {};
}

}  // namespace moodring::llm
