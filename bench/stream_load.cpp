#include "stream_load.hpp"

#include "client_pool.hpp"
#include <moodring/llm/ollama_decoder.hpp>
#include <moodring/theme/theme_extractor.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <charconv>

namespace moodring::bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using asio::ip::tcp;
using nlohmann::json;
using namespace asio::experimental::awaitable_operators;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr auto io_timeout = std::chrono::seconds(60);
// moodring's chunk frames start so (chat::chunk_frame); anything else is parsed as JSON.
constexpr std::string_view chunk_prefix = R"({"type":"chunk","content":")";
constexpr std::string_view content_key = R"("content":")";

// Adds the relay delay of every stamp in `content` ("<ns> <ns> ..."); how many there were.
std::size_t add_stamps(
    std::string_view content, std::int64_t received, std::vector<std::int64_t>& relay
) {
    std::size_t count = 0;
    const char* p = content.data();
    const char* const end = p + content.size();
    while (p < end) {
        if (*p < '0' || *p > '9') {
            ++p;
            continue;
        }
        std::int64_t stamp = 0;
        const auto [next, ec] = std::from_chars(p, end, stamp);
        if (ec == std::errc{}) {
            relay.push_back(received - stamp);
            ++count;
        }
        p = next;
    }
    return count;
}

std::string chat_directive(const std::string& label, const stream_shape& shape, bool scoped) {
    return std::string("[[mock ") + (scoped ? "for=chat " : "") +
           "reply=stamped tokens=" + std::to_string(shape.tokens) +
           " interval_ms=" + std::to_string(shape.token_interval_ms) + " id=" + label + "]]";
}

// The theme prompt keeps the first 60 characters of each user message, so the theme's
// directive comes first and the chat's after a filler that pushes it out of the prompt.
std::string user_message(const std::string& label, const stream_shape& shape) {
    std::string text = "[[mock for=generate reply=theme id=" + label + "]] mood " + label;
    if (text.size() < 64) text.append(64 - text.size(), '.');
    return text + " " + chat_directive(label, shape, true);
}

// `end`'s timings.ttft_ms (message received to first token, by the server's clock), or -1.
double server_ttft(const json& end) {
    const auto timings = end.find("timings");
    if (timings == end.end() || !timings->is_object()) return -1;
    const auto ttft = timings->find("ttft_ms");
    return ttft != timings->end() && ttft->is_number() ? ttft->get<double>() : -1;
}

asio::awaitable<beast::error_code> connect(beast::tcp_stream& stream, unsigned short port) {
    const tcp::endpoint endpoint{asio::ip::address_v4::loopback(), port};
    stream.expires_after(io_timeout);
    auto [ec] = co_await stream.async_connect(endpoint, use_tuple);
    if (!ec) stream.socket().set_option(tcp::no_delay(true), ec);
    co_return ec;
}

asio::awaitable<void> wait_until(std::chrono::steady_clock::time_point at) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_at(at);
    co_await timer.async_wait(use_tuple);
}

http::request<http::string_body> post(unsigned short port, std::string target, json body) {
    http::request<http::string_body> req{http::verb::post, target, 11};
    req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
    req.set(http::field::content_type, "application/json");
    req.keep_alive(true);
    req.body() = body.dump();
    req.prepare_payload();
    return req;
}

// Reads a streamed NDJSON body, calling `on_line(line, received_ns)` for each whole line;
// stops early when it returns false. An error text, or "".
template <class OnLine>
asio::awaitable<std::string> read_ndjson(
    beast::tcp_stream& stream,
    beast::flat_buffer& buffer,
    http::request<http::string_body> request,
    OnLine on_line
) {
    stream.expires_after(io_timeout);
    auto [wec, written] = co_await http::async_write(stream, request, use_tuple);
    if (wec) co_return "write: " + wec.message();
    http::response_parser<http::buffer_body> parser;
    parser.body_limit(boost::none);
    auto [hec, header_bytes] = co_await http::async_read_header(stream, buffer, parser, use_tuple);
    if (hec) co_return "read header: " + hec.message();
    if (parser.get().result_int() != 200)
        co_return "status " + std::to_string(parser.get().result_int());
    std::array<char, 16 * 1024> chunk;
    std::string lines;
    while (!parser.is_done()) {
        parser.get().body().data = chunk.data();
        parser.get().body().size = chunk.size();
        stream.expires_after(io_timeout);
        auto [rec, n] = co_await http::async_read_some(stream, buffer, parser, use_tuple);
        const auto received = now_ns();
        if (rec == http::error::need_buffer) rec = {};
        if (rec) co_return "read: " + rec.message();
        lines.append(chunk.data(), chunk.size() - parser.get().body().size);
        std::size_t start = 0;
        for (auto nl = lines.find('\n'); nl != std::string::npos; nl = lines.find('\n', start)) {
            const std::string_view line{lines.data() + start, nl - start};
            start = nl + 1;
            if (!on_line(line, received)) co_return "";
        }
        lines.erase(0, start);
    }
    co_return "";
}

asio::awaitable<void> floor_chat_turn(
    beast::tcp_stream& stream,
    beast::flat_buffer& buffer,
    unsigned short port,
    stream_shape shape,
    turn_record& turn,
    std::vector<std::int64_t>& relay
) {
    json message{{"role", "user"}, {"content", chat_directive(turn.label, shape, false)}};
    json body{{"model", "llama3.2"}, {"stream", true}, {"messages", json::array({message})}};
    auto on_line = [&](std::string_view line, std::int64_t received) {
        if (line.find(R"("done":true)") != std::string_view::npos) {
            turn.end_ns = received;
            return true;
        }
        auto at = line.find(content_key);
        if (at == std::string_view::npos) return true;
        auto content = line.substr(at + content_key.size());
        content = content.substr(0, content.find('"'));
        const auto stamps = add_stamps(content, received, relay);
        if (turn.tokens == 0 && stamps > 0) turn.first_chunk_ns = received;
        turn.tokens += stamps;
        return true;
    };
    auto request = post(port, "/api/chat", std::move(body));
    auto error = co_await read_ndjson(stream, buffer, std::move(request), on_line);
    if (!error.empty()) turn.error = "chat: " + error;
}

asio::awaitable<void> floor_theme_turn(unsigned short port, turn_record& turn) {
    beast::tcp_stream stream(co_await asio::this_coro::executor);
    auto ec = co_await connect(stream, port);
    if (ec) {
        turn.error = "theme connect: " + ec.message();
        co_return;
    }
    json body{
        {"model", "llama3.2"},
        {"stream", true},
        {"prompt", "[[mock reply=theme id=" + turn.label + "]]"},
    };
    // moodring's own decoder and extractor: the floor does the work moodring does.
    theme::theme_extractor extractor;
    bool closed = false;
    llm::stream_handlers handlers;
    handlers.on_text = [&](std::string_view delta) {
        if (!closed && extractor.feed(delta)) closed = true;
    };
    llm::ollama_decoder decoder(handlers, 1 << 20);
    auto on_line = [&](std::string_view line, std::int64_t received) {
        decoder.feed(line);
        decoder.feed("\n");
        if (!closed) return true;
        turn.theme_ns = received;
        return false;
    };
    beast::flat_buffer buffer;
    auto request = post(port, "/api/generate", std::move(body));
    auto error = co_await read_ndjson(stream, buffer, std::move(request), on_line);
    if (!error.empty()) turn.error = "theme: " + error;
    if (turn.theme_ns == 0) turn.theme_failed = true;
    // As moodring does: closing the connection is how the model learns to stop.
    stream.socket().close(ec);
}

}  // namespace

std::string moodring_label(int conversation, int turn) {
    return "c" + std::to_string(conversation) + "t" + std::to_string(turn);
}

std::string floor_label(int conversation, int turn) {
    return "f" + std::to_string(conversation) + "t" + std::to_string(turn);
}

namespace {

using ws_stream = websocket::stream<beast::tcp_stream>;

// A WebSocket on /ws/{id}, handshaken (with the shape's cookie, if any); the error, if any.
asio::awaitable<std::string> open_conversation(
    ws_stream& ws,
    unsigned short port,
    const std::string& conversation_id,
    const stream_shape& shape
) {
    auto ec = co_await connect(beast::get_lowest_layer(ws), port);
    if (ec) co_return "connect: " + ec.message();
    beast::get_lowest_layer(ws).expires_never();
    ws.set_option(websocket::stream_base::timeout{io_timeout, io_timeout, false});
    const auto host = "127.0.0.1:" + std::to_string(port);
    if (!shape.cookie.empty()) {
        ws.set_option(websocket::stream_base::decorator(
            [cookie = shape.cookie, origin = "http://" + host](websocket::request_type& req) {
                req.set(http::field::cookie, cookie);
                req.set(http::field::origin, origin);
            }
        ));
    }
    auto [hec] = co_await ws.async_handshake(host, "/ws/" + conversation_id, use_tuple);
    if (hec) co_return "handshake: " + hec.message();
    ws.text(true);
    co_return "";
}

// How far a turn is, for one reader.
struct turn_progress {
    bool ended = false;
    bool themed = false;
};

// What one frame tells of `turn`, read at `received`.
void record_frame(
    std::string_view frame,
    std::int64_t received,
    turn_record& turn,
    conversation_record& out,
    turn_progress& progress
) {
    if (frame.starts_with(chunk_prefix)) {
        if (turn.tokens == 0) turn.first_chunk_ns = received;
        turn.tokens += add_stamps(frame.substr(chunk_prefix.size()), received, out.relay_ns);
        return;
    }
    const auto parsed = json::parse(frame, nullptr, false);
    const auto type = parsed.is_object() ? parsed.value("type", "") : "";
    if (type == "end") {
        turn.end_ns = received;
        progress.ended = true;
        turn.server_ttft_ms = server_ttft(parsed);
        if (parsed.value("status", "") != "complete")
            turn.error = "reply " + parsed.value("status", "?");
    } else if (type == "theme_update") {
        turn.theme_ns = received;
        progress.themed = true;
    } else if (type == "status") {
        // Behind an earlier turn, or for a slot at the model (replies first).
        if (parsed.value("stage", "") == "queued") turn.queued = true;
    } else if (type == "theme_error") {
        turn.theme_failed = true;
        progress.themed = true;
    } else if (type == "error") {
        turn.error = "error frame: " + parsed.value("message", "");
        progress.ended = progress.themed = true;
    }
}

// Reads one turn's frames, until its end and (with themes) its theme.
asio::awaitable<bool> read_turn(
    ws_stream& ws, const stream_shape& shape, turn_record& turn, conversation_record& out
) {
    beast::flat_buffer buffer;
    turn_progress progress{.ended = false, .themed = !shape.themes};
    while (!progress.ended || !progress.themed) {
        auto [rec, n] = co_await ws.async_read(buffer, use_tuple);
        const auto received = now_ns();
        if (rec) {
            out.error = turn.error = "read: " + rec.message();
            co_return false;
        }
        const std::string_view frame{static_cast<const char*>(buffer.data().data()), buffer.size()};
        record_frame(frame, received, turn, out, progress);
        buffer.consume(buffer.size());
    }
    co_return true;
}

}  // namespace

asio::awaitable<void> moodring_conversation(
    unsigned short port,
    std::string conversation_id,
    int index,
    stream_shape shape,
    std::chrono::steady_clock::time_point first_turn_at,
    conversation_record& out
) {
    ws_stream ws(co_await asio::this_coro::executor);
    out.error = co_await open_conversation(ws, port, conversation_id, shape);
    if (!out.error.empty()) co_return;
    co_await wait_until(first_turn_at + shape.spread * index / shape.conversations);
    for (int t = 0; t < shape.turns; ++t) {
        auto& turn = out.turns.emplace_back();
        turn.label = moodring_label(index, t);
        const auto text = json{{"message", user_message(turn.label, shape)}}.dump();
        turn.sent_ns = now_ns();
        auto [wec, written] = co_await ws.async_write(asio::buffer(text), use_tuple);
        if (wec) {
            out.error = turn.error = "write: " + wec.message();
            co_return;
        }
        if (!co_await read_turn(ws, shape, turn, out)) co_return;
    }
    co_await ws.async_close(websocket::close_code::normal, use_tuple);
}

asio::awaitable<void> watching_conversation(
    unsigned short port, std::string conversation_id, stream_shape shape, conversation_record& out
) {
    ws_stream ws(co_await asio::this_coro::executor);
    out.error = co_await open_conversation(ws, port, conversation_id, shape);
    if (!out.error.empty()) co_return;
    for (int t = 0; t < shape.turns; ++t) {
        auto& turn = out.turns.emplace_back();
        if (!co_await read_turn(ws, shape, turn, out)) co_return;
    }
    co_await ws.async_close(websocket::close_code::normal, use_tuple);
}

asio::awaitable<void> floor_conversation(
    unsigned short mock_port,
    int index,
    stream_shape shape,
    std::chrono::steady_clock::time_point first_turn_at,
    conversation_record& out
) {
    beast::tcp_stream chat(co_await asio::this_coro::executor);
    auto ec = co_await connect(chat, mock_port);
    if (ec) {
        out.error = "connect: " + ec.message();
        co_return;
    }
    co_await wait_until(first_turn_at + shape.spread * index / shape.conversations);
    beast::flat_buffer buffer;
    for (int t = 0; t < shape.turns; ++t) {
        auto& turn = out.turns.emplace_back();
        turn.label = floor_label(index, t);
        turn.sent_ns = now_ns();
        auto reply = floor_chat_turn(chat, buffer, mock_port, shape, turn, out.relay_ns);
        if (shape.themes) {
            auto theme = floor_theme_turn(mock_port, turn);
            co_await (std::move(reply) && std::move(theme));
        } else {
            co_await std::move(reply);
        }
        if (!turn.error.empty()) {
            out.error = turn.error;
            co_return;
        }
    }
}

}  // namespace moodring::bench
