// Ollama's NDJSON stream: the line reader against a model of it, and the decoder behind it,
// each fed in the chunks the input chooses and compared with reading the same bytes whole.

#include "fuzz_input.hpp"
#include <moodring/llm/error.hpp>
#include <moodring/llm/ndjson_reader.hpp>
#include <moodring/llm/ollama_decoder.hpp>

namespace {

using namespace moodring;
using fuzz::check;

struct lines_read {
    std::vector<std::string> lines;
    boost::system::error_code error;
};

lines_read read_lines(const std::vector<std::string_view>& chunks, std::size_t max) {
    llm::ndjson_reader reader(max);
    lines_read out;
    for (const auto chunk : chunks) {
        reader.feed(chunk);
        while (auto line = reader.next(out.error)) out.lines.emplace_back(*line);
        if (out.error) return out;
    }
    if (auto line = reader.finish(out.error)) out.lines.emplace_back(*line);
    return out;
}

// What the reader promises, written plainly: lines end at "\n", one "\r" before it goes,
// blank lines are skipped, and the first line over the cap ends the stream with an error.
lines_read model_lines(std::string_view payload, std::size_t max) {
    lines_read out;
    while (!payload.empty()) {
        const auto newline = payload.find('\n');
        std::string_view line = payload.substr(0, newline);
        payload.remove_prefix(newline == std::string_view::npos ? payload.size() : newline + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.size() > max) {
            out.error = llm::error::line_too_long;
            return out;
        }
        if (line.find_first_not_of(" \t\r") != std::string_view::npos) out.lines.emplace_back(line);
    }
    return out;
}

struct decoded {
    std::string text;
    std::string thinking;
    boost::system::error_code error;
    std::string error_text;
    bool done = false;
    llm::final_result final;
};

decoded decode(const std::vector<std::string_view>& chunks, std::size_t max) {
    decoded out;
    llm::stream_handlers handlers;
    handlers.on_text = [&](std::string_view t) {
        check(!t.empty(), "an empty text delta");
        out.text += t;
    };
    handlers.on_thinking = [&](std::string_view t) { out.thinking += t; };
    llm::ollama_decoder decoder(handlers, max);
    for (const auto chunk : chunks) {
        out.error = decoder.feed(chunk);
        if (out.error) break;
    }
    if (!out.error) out.error = decoder.finish();
    out.done = decoder.done();
    out.error_text = decoder.error_text();
    out.final = decoder.final();
    check(decoder.streamed() == !out.text.empty(), "streamed() disagrees with the text seen");
    return out;
}

bool same(const llm::final_result& a, const llm::final_result& b) {
    return a.done_reason == b.done_reason && a.prompt_eval_count == b.prompt_eval_count &&
           a.eval_count == b.eval_count && a.total_duration == b.total_duration &&
           a.load_duration == b.load_duration && a.prompt_eval_duration == b.prompt_eval_duration &&
           a.eval_duration == b.eval_duration;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    const std::size_t max = fuzz::pick_limit(in, 8 * 1024 * 1024);
    const fuzz::chunk_plan plan(in);
    const std::string payload = in.ConsumeRemainingBytesAsString();
    const auto chunks = plan.split(payload);

    const lines_read chunked = read_lines(chunks, max);
    const lines_read expected = model_lines(payload, max);
    check(chunked.error == expected.error, "the reader's error differs from the model's");
    check(chunked.lines == expected.lines, "the reader's lines differ from the model's");

    const decoded whole = decode({payload}, max);
    const decoded split = decode(chunks, max);
    check(split.error == whole.error, "the decoder's error depends on the chunking");
    check(split.text == whole.text, "the decoded text depends on the chunking");
    check(split.thinking == whole.thinking, "the decoded thinking depends on the chunking");
    check(split.done == whole.done, "done depends on the chunking");
    check(split.error_text == whole.error_text, "the error text depends on the chunking");
    check(same(split.final, whole.final), "the final result depends on the chunking");
    check(!(whole.done && whole.error), "a stream both done and failed");
    check(whole.done || whole.error, "a stream without done:true was accepted");
    return 0;
}
