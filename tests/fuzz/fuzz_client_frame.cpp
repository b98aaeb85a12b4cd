// A client's WebSocket text message. Beast hands the session whole messages (fragments are
// joined before parsing), so the input is one message and there is nothing to split. The
// parser never throws and gives a message, a cancel or an error sentence; whatever comes back
// to the client in a server frame (the echoed request id, the error sentence, and the input
// itself as reply text) is valid JSON and UTF-8 that reads back as what was put in.

#include "fuzz_input.hpp"
#include <moodring/chat/frames.hpp>
#include <moodring/core/utf8.hpp>

#include <nlohmann/json.hpp>

namespace {

using namespace moodring;
using fuzz::check;
using nlohmann::json;

json reparse(const std::string& frame) {
    check(is_valid_utf8(frame), "a server frame that is not UTF-8");
    auto parsed = json::parse(frame, nullptr, false);
    check(parsed.is_object(), "a server frame that is not a JSON object");
    return parsed;
}

void check_message(const chat::user_message& m) {
    check(is_valid_utf8(m.text), "message text that is not UTF-8");
    check(!m.model || !m.model->empty(), "an empty model name");
    check(
        m.request_id.is_null() || m.request_id.is_string() || m.request_id.is_number_integer(),
        "a request id of another type"
    );
    const json start = reparse(chat::start_frame(1, 2, m.request_id));
    check(start.value("request_id", json()) == m.request_id, "the request id is not echoed");
    const json end = reparse(chat::end_frame(2, store::message_status::complete, {}, m.request_id));
    check(end.value("request_id", json()) == m.request_id, "the end frame loses the request id");
    const json error = reparse(chat::error_frame(errc::llm_error, m.text, m.request_id));
    check(error["message"] == m.text, "an error frame changes its message");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const chat::client_frame frame = chat::parse_client_frame(text);
    if (const auto* message = std::get_if<chat::user_message>(&frame)) {
        check_message(*message);
    } else if (const auto* error = std::get_if<chat::frame_error>(&frame)) {
        check(!error->message.empty(), "an error without a sentence");
        reparse(chat::error_frame(errc::bad_request, error->message));
    }

    // The hand-written escaper of the reply's hot path, on raw bytes.
    const json chunk = reparse(chat::chunk_frame(text));
    check(chunk["type"] == "chunk", "a chunk frame of another type");
    check(
        !is_valid_utf8(text) || chunk["content"].get<std::string>() == text,
        "a chunk frame changes valid text"
    );
    return 0;
}
