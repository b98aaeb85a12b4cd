// OpenAI-style server-sent events: the event reader against a model of it, and the decoder
// behind it, each fed in the chunks the input chooses and compared with reading it whole.

#include "fuzz_input.hpp"
#include <moodring/llm/error.hpp>
#include <moodring/llm/openai_decoder.hpp>
#include <moodring/llm/sse_reader.hpp>

namespace {

using namespace moodring;
using fuzz::check;

struct events_read {
    std::vector<std::string> events;  // type, a NUL, data
    boost::system::error_code error;
};

std::string event_text(std::string_view type, std::string_view data) {
    std::string out(type);
    out += '\0';
    out += data;
    return out;
}

events_read read_events(const std::vector<std::string_view>& chunks, std::size_t max) {
    llm::sse_reader reader(max);
    events_read out;
    auto keep = [&](const llm::sse_event& e) {
        check(e.data.size() <= max, "an event over the cap");
        out.events.push_back(event_text(e.type, e.data));
    };
    for (const auto chunk : chunks) {
        reader.feed(chunk);
        while (auto event = reader.next(out.error)) keep(*event);
        if (out.error) return out;
    }
    if (auto event = reader.finish(out.error)) keep(*event);
    return out;
}

// The reader's promise, written plainly from the SSE rules it keeps: lines end at "\n" (one
// "\r" before it goes), a blank line dispatches the event if it has data, ":" lines are
// comments, `data` lines join with "\n", `event` sets the type, a line or an event's data
// over the cap is an error, and at the end an event still open is handed over.
events_read model_events(std::string_view payload, std::size_t max) {
    events_read out;
    std::string data, type;
    bool has_data = false;
    auto dispatch = [&] {
        out.events.push_back(event_text(type, data));
        data.clear();
        type.clear();
        has_data = false;
    };
    while (!payload.empty()) {
        const auto newline = payload.find('\n');
        std::string_view line = payload.substr(0, newline);
        payload.remove_prefix(newline == std::string_view::npos ? payload.size() : newline + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.size() > max) {
            out.error = llm::error::line_too_long;
            return out;
        }
        if (line.empty()) {
            if (has_data) {
                dispatch();
            } else {
                type.clear();
            }
            continue;
        }
        if (line.front() == ':') continue;
        const auto colon = line.find(':');
        const std::string_view field = line.substr(0, colon);
        std::string_view value;
        if (colon != std::string_view::npos) value = line.substr(colon + 1);
        if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        if (field == "data") {
            if (has_data) data += '\n';
            data += value;
            has_data = true;
            if (data.size() > max) {
                out.error = llm::error::line_too_long;
                return out;
            }
        } else if (field == "event") {
            type = value;
        }
    }
    if (has_data) dispatch();
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
    llm::openai_decoder decoder(handlers, max);
    for (const auto chunk : chunks) {
        out.error = decoder.feed(chunk);
        if (out.error) break;
    }
    if (!out.error) out.error = decoder.finish();
    out.done = decoder.done();
    out.error_text = decoder.error_text();
    out.final = decoder.final();
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    const std::size_t max = fuzz::pick_limit(in, 8 * 1024 * 1024);
    const fuzz::chunk_plan plan(in);
    const std::string payload = in.ConsumeRemainingBytesAsString();
    const auto chunks = plan.split(payload);

    const events_read chunked = read_events(chunks, max);
    const events_read expected = model_events(payload, max);
    check(chunked.error == expected.error, "the reader's error differs from the model's");
    check(chunked.events == expected.events, "the reader's events differ from the model's");

    const decoded whole = decode({payload}, max);
    const decoded split = decode(chunks, max);
    check(split.error == whole.error, "the decoder's error depends on the chunking");
    check(split.text == whole.text, "the decoded text depends on the chunking");
    check(split.thinking == whole.thinking, "the decoded thinking depends on the chunking");
    check(split.done == whole.done, "done depends on the chunking");
    check(split.error_text == whole.error_text, "the error text depends on the chunking");
    check(split.final.done_reason == whole.final.done_reason, "done_reason depends on chunking");
    check(split.final.eval_count == whole.final.eval_count, "usage depends on the chunking");
    check(!(whole.done && whole.error), "a stream both done and failed");
    check(whole.done || whole.error, "a stream without [DONE] was accepted");
    return 0;
}
