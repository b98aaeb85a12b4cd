#include "completion.hpp"

#include "replies.hpp"
#include "reply_format.hpp"
#include "request_fields.hpp"
#include "responses.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace mock_ollama {

using boost::asio::awaitable;
using nlohmann::json;

namespace {

constexpr char busy_message[] = "server busy, please try again.  maximum pending requests exceeded";
constexpr char runner_error[] = "an error was encountered while running the model";
constexpr char crash_message[] = "llama runner process has terminated: exit status 2";
constexpr std::int64_t fake_load_ns = 1'234'567;
constexpr std::int64_t fake_prompt_ns_per_word = 250'000;
// What a stream:false request announces before a hang_body fault stops it.
constexpr std::size_t hang_body_length = 1024;

// One generation request from its first byte to its last.
class completion {
public:
    completion(session& io, mock_state& state, http_request req, endpoint kind)
        : io_{io}, state_{state}, req_{std::move(req)}, kind_{kind}, script_{state.defaults} {}

    awaitable<bool> run();

private:
    struct rejection {
        unsigned status;
        std::string message;
        const char* outcome;
    };

    // Reads and checks the request, up to the reply's plan; a rejection is answered at once.
    std::optional<rejection> prepare();
    // Queues the request for its model's slot (or load); false when the queue is full.
    bool enter_scheduler();
    awaitable<bool> fail(unsigned status, std::string message, const char* outcome);
    awaitable<bool> load_reply();
    awaitable<bool> stream_reply();
    awaitable<bool> whole_reply();
    awaitable<bool> send_token(std::size_t i);
    bool finish(const char* outcome);
    reply_metrics metrics() const;

    session& io_;
    mock_state& state_;
    http_request req_;
    endpoint kind_;
    std::shared_ptr<request_record> record_;
    std::unique_ptr<reply_format> format_;
    script script_;
    bool keep_alive_ = false;
    std::int64_t prompt_words_ = 1;
    std::string done_reason_ = "stop";
    std::string load_request_;   // "load" or "unload" for an empty request
    bool unload_after_ = false;  // keep_alive 0
    reply_plan plan_;
    bool streaming_ = true;
    // Held from admission to finish(); null while not with the scheduler.
    std::unique_ptr<model_scheduler::ticket> ticket_;
};

std::optional<completion::rejection> completion::prepare() {
    const std::string_view target = req_.target();
    record_ = state_.requests.start(
        std::string{req_.method_string()}, std::string{target.substr(0, target.find('?'))}, io_.id()
    );
    keep_alive_ = req_.keep_alive();
    const bool openai = kind_ == endpoint::openai_chat;
    format_ = openai ? make_openai_format("", false) : make_chat_format("");
    if (req_.body().empty()) return rejection{400, "missing request body", "completed"};
    const auto body = json::parse(req_.body(), nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
        return rejection{400, "invalid JSON in request body", "completed"};
    }
    record_->body = body;
    const auto model = string_field(body, "model");
    record_->model = model;
    if (model.empty()) return rejection{400, "model is required", "completed"};

    const auto prompt = read_prompt(body, kind_);
    const std::string_view endpoint_name = kind_ == endpoint::generate ? "generate" : "chat";
    for (const auto& problem : apply_directives(prompt.directives, script_, endpoint_name)) {
        spdlog::warn("#{} {}", record_->seq, problem);
    }
    record_->label = script_.label;
    prompt_words_ = word_count(prompt.directives);
    unload_after_ = asks_unload(body);

    const bool known = state_.catalog.has(model);
    if (script_.fault == fault_kind::not_found || !known) {
        return rejection{404, "model '" + model + "' not found", known ? "fault" : "completed"};
    }
    if (script_.fail_first > 0 && ++state_.attempts[script_.label] <= script_.fail_first) {
        return rejection{503, std::string{busy_message}, "fault"};
    }

    if (kind_ == endpoint::chat) format_ = make_chat_format(model);
    if (kind_ == endpoint::generate) {
        const auto raw = body.find("raw");
        format_ = make_generate_format(model, raw == body.end() || !raw->is_boolean() || !*raw);
    }
    if (openai) {
        const auto options = body.find("stream_options");
        const bool usage = options != body.end() && options->is_object() &&
                           options->value("include_usage", json{}) == true;
        format_ = make_openai_format(model, usage);
        if (prompt.empty) return rejection{400, "[] is too short - 'messages'", "completed"};
    } else if (prompt.empty) {
        load_request_ = unload_after_ ? "unload" : "load";
        return std::nullopt;
    }

    plan_ = make_reply(script_, strip_directives(prompt.user));
    if (const auto limit = token_limit(body, kind_); limit && *limit < plan_.tokens.size()) {
        plan_.tokens.resize(*limit);
        if (plan_.brace_token >= *limit) plan_.brace_token.reset();
        done_reason_ = "length";
    }
    const auto stream = body.find("stream");
    streaming_ = stream != body.end() && stream->is_boolean() ? stream->get<bool>() : !openai;
    return std::nullopt;
}

awaitable<bool> completion::run() {
    if (auto r = prepare()) {
        // A scripted header delay holds back error responses too, as a slow server would.
        if (!co_await io_.pause(script_.header_delay)) co_return finish("client_gone");
        co_return co_await fail(r->status, r->message, r->outcome);
    }
    // Ollama expires the model of an unload request before any scheduling.
    if (load_request_ == "unload") co_return co_await load_reply();
    if (!enter_scheduler()) co_return co_await fail(503, busy_message, "rejected");
    // Inline, not a coroutine of its own: GCC 12 resumed such a helper with a broken frame.
    while (!ticket_->admitted()) {
        if (!co_await io_.wait_on(ticket_->wake())) co_return finish("client_gone");
    }
    if (!load_request_.empty()) co_return co_await load_reply();

    // Ollama sends the headers once the request has its slot, so the delay starts there.
    if (!co_await io_.pause(script_.header_delay)) co_return finish("client_gone");
    switch (script_.fault) {
        case fault_kind::hang_headers:
            co_await io_.pause(std::nullopt);
            co_return finish("client_gone");
        case fault_kind::internal:
            co_return co_await fail(500, crash_message, "fault");
        case fault_kind::busy:
            co_return co_await fail(503, busy_message, "fault");
        default:
            break;
    }
    if (streaming_) co_return co_await stream_reply();
    co_return co_await whole_reply();
}

bool completion::enter_scheduler() {
    ticket_ = state_.scheduler.enter(
        io_.executor(),
        model_catalog::full_name(record_->model),
        load_request_.empty(),
        unload_after_,
        record_
    );
    return ticket_ != nullptr;
}

// Records the end of the request and gives its slot to the next one at once; the result is
// whether the connection can be reused.
bool completion::finish(const char* outcome) {
    record_->finish(outcome);
    ticket_.reset();
    log_request(*record_);
    return keep_alive_ && record_->outcome != "client_gone";
}

awaitable<bool> completion::fail(unsigned status, std::string message, const char* outcome) {
    record_->status = status;
    const bool reusable = finish(outcome);
    auto res = make_response(req_, status, json_type, format_->error_body(status, message));
    co_return co_await io_.send(std::move(res)) && reusable;
}

// Ollama answers an empty request with one JSON object, even when streaming.
awaitable<bool> completion::load_reply() {
    if (load_request_ == "unload") {
        state_.scheduler.unload(model_catalog::full_name(record_->model));
    }
    reply_metrics m;
    m.done_reason = load_request_;
    record_->status = 200;
    const bool reusable = finish("completed");
    auto res = make_response(req_, 200, json_type, format_->whole_body("", m));
    co_return co_await io_.send(std::move(res)) && reusable;
}

awaitable<bool> completion::send_token(std::size_t i) {
    const auto& plan = plan_;
    const auto at = mono_ns();
    const auto event =
        format_->token_event(plan.stamped ? std::to_string(at) + " " : plan.tokens[i]);
    const auto cut = plan.split_utf8 ? utf8_split_point(event) : 0;
    if (cut > 0) {
        if (!co_await io_.send_chunk(std::string_view{event}.substr(0, cut))) co_return false;
        if (!co_await io_.send_chunk(std::string_view{event}.substr(cut))) co_return false;
    } else if (!co_await io_.send_chunk(event)) {
        co_return false;
    }
    record_->token_sent(at);
    if (plan.brace_token == i) record_->brace_sent_ns = at;
    co_return true;
}

awaitable<bool> completion::stream_reply() {
    if (!co_await io_.send_header(format_->stream_content_type(), keep_alive_, std::nullopt)) {
        co_return finish("client_gone");
    }
    record_->status = 200;
    if (!co_await io_.pause(script_.ttft)) co_return finish("client_gone");

    const auto fault = script_.fault;
    const bool mid_fault = fault == fault_kind::hang_body || fault == fault_kind::drop ||
                           fault == fault_kind::error_line || fault == fault_kind::malformed;
    const auto n = plan_.tokens.size();
    const auto fault_at =
        std::min(static_cast<std::size_t>(std::max(script_.tokens_before_fault(), 0)), n);
    for (std::size_t i = 0; i < n || (mid_fault && i == fault_at); ++i) {
        if (i > 0 && !co_await io_.pause(script_.interval)) co_return finish("client_gone");
        if (mid_fault && i == fault_at) {
            if (fault == fault_kind::hang_body) {
                co_await io_.pause(std::nullopt);
                co_return finish("client_gone");
            }
            if (fault == fault_kind::drop) {
                io_.drop();
                finish("fault");
                co_return false;
            }
            if (fault == fault_kind::error_line) {
                if (!co_await io_.send_chunk(format_->error_event(runner_error)) ||
                    !co_await io_.send_last_chunk()) {
                    co_return finish("client_gone");
                }
                co_return finish("fault");
            }
            if (!co_await io_.send_chunk(format_->malformed_event())) {
                co_return finish("client_gone");
            }
            if (i == n) break;
        }
        if (!co_await send_token(i)) co_return finish("client_gone");
    }
    if (fault != fault_kind::no_done &&
        !co_await io_.send_chunk(format_->finish_events(metrics()))) {
        co_return finish("client_gone");
    }
    if (!co_await io_.send_last_chunk()) co_return finish("client_gone");
    co_return finish(fault == fault_kind::none ? "completed" : "fault");
}

awaitable<bool> completion::whole_reply() {
    const auto& plan = plan_;
    // Unsent tokens take as long to "generate" as streamed ones.
    const auto n = static_cast<int>(plan.tokens.size());
    if (!co_await io_.pause(script_.ttft + script_.interval * std::max(n - 1, 0))) {
        co_return finish("client_gone");
    }
    switch (script_.fault) {
        case fault_kind::hang_body:
            if (co_await io_.send_header(json_type, keep_alive_, hang_body_length)) {
                record_->status = 200;
                co_await io_.pause(std::nullopt);
            }
            co_return finish("client_gone");
        case fault_kind::drop:
            io_.drop();
            finish("fault");
            co_return false;
        case fault_kind::error_line:
            co_return co_await fail(500, runner_error, "fault");
        case fault_kind::malformed: {
            record_->status = 200;
            const bool reusable = finish("fault");
            co_return co_await io_.send(
                make_response(req_, 200, json_type, format_->malformed_event())
            ) && reusable;
        }
        default:
            break;
    }
    std::string text;
    for (std::size_t i = 0; i < plan.tokens.size(); ++i) {
        const auto at = mono_ns();
        text += plan.stamped ? std::to_string(at) + " " : plan.tokens[i];
        record_->token_sent(at);
        if (plan.brace_token == i) record_->brace_sent_ns = at;
    }
    record_->status = 200;
    auto res = make_response(req_, 200, json_type, format_->whole_body(text, metrics()));
    const bool reusable = finish(script_.fault == fault_kind::none ? "completed" : "fault");
    co_return co_await io_.send(std::move(res)) && reusable;
}

reply_metrics completion::metrics() const {
    reply_metrics m;
    m.done_reason = done_reason_;
    m.total_ns = mono_ns() - record_->started_ns;
    // With --load-ms, the time this request really waited for its model (0 if it was loaded).
    m.load_ns =
        state_.scheduler.limits().load_time.count() > 0 ? record_->load_wait_ns : fake_load_ns;
    m.prompt_count = prompt_words_;
    m.prompt_ns = prompt_words_ * fake_prompt_ns_per_word;
    m.eval_count = record_->tokens_sent;
    if (record_->first_token_ns) {
        m.eval_ns = std::max<std::int64_t>(*record_->last_token_ns - *record_->first_token_ns, 1);
    }
    return m;
}

}  // namespace

awaitable<bool> serve_completion(session& io, mock_state& state, http_request req, endpoint kind) {
    completion c{io, state, std::move(req), kind};
    co_return co_await c.run();
}

}  // namespace mock_ollama
