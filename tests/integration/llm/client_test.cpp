#include "http_client.hpp"
#include "mock_ollama_process.hpp"
#include <moodring/llm/backend.hpp>
#include <moodring/llm/endpoint_pool.hpp>
#include <moodring/llm/error.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace moodring::llm {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using nlohmann::json;

// What a test saw of one streamed request.
struct seen {
    std::string text;
    int deltas = 0;
    std::vector<std::size_t> positions;
    stream_result result;
};

class LlmClient : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        mock_ = std::make_unique<test::mock_ollama_process>(std::vector<std::string>{
            "--interval-ms", "2"});
    }
    static void TearDownTestSuite() { mock_.reset(); }
    void SetUp() override { mock_->reset(); }

    backend_options options(std::string kind = "ollama") const {
        backend_options o;
        o.base_url = mock_->base_url();
        o.kind = std::move(kind);
        o.retry_backoff = 20ms;
        return o;
    }

    // The mock behind moodring's own queue, one generation at a time (llm.max_in_flight 1).
    std::unique_ptr<backend> one_slot_queue() const {
        return std::make_unique<endpoint_pool>(
            std::vector<endpoint_config>{{.options = options(), .slots = 0, .models = {}}},
            pool_settings{
                .scheduling = {.max_slots = 1},
                .models_refresh = 60s,
                .max_retries = 2,
                .retry_backoff = 20ms,
            }
        );
    }

    template <class T>
    T run(asio::awaitable<T> op) {
        std::optional<T> out;
        asio::co_spawn(io_, std::move(op), [&](std::exception_ptr e, T value) {
            if (e) std::rethrow_exception(e);
            out = std::move(value);
        });
        io_.restart();
        io_.run();
        return std::move(*out);
    }

    static chat_request chat(std::string user_text, std::string model = "llama3.2") {
        chat_request r;
        r.model = std::move(model);
        r.messages = {{"system", "You are terse."}, {"user", std::move(user_text)}};
        return r;
    }

    // Streams one chat into a `seen`, for use inside co_spawn.
    static asio::awaitable<void> stream_into(backend& b, chat_request req, seen& out) {
        stream_handlers h;
        h.on_text = [&out](std::string_view t) {
            out.text += t;
            ++out.deltas;
        };
        h.on_queue_position = [&out](std::size_t p) { out.positions.push_back(p); };
        auto op = b.chat(std::move(req), std::move(h));
        out.result = co_await std::move(op);
    }

    seen stream_chat(backend& b, chat_request req) {
        seen out;
        asio::co_spawn(io_, stream_into(b, std::move(req), out), asio::detached);
        io_.restart();
        io_.run();
        return out;
    }

    static json requests() { return mock_->settled_requests()["requests"]; }

    static std::unique_ptr<test::mock_ollama_process> mock_;
    asio::io_context io_;
};

std::unique_ptr<test::mock_ollama_process> LlmClient::mock_;

TEST_F(LlmClient, ChatStreamsEveryTokenThenTheFinalResult) {
    auto b = make_backend(options());
    chat_request req = chat("hello [[mock tokens=5 id=basic]]");
    req.options.temperature = 0.3;
    req.options.num_ctx = 2048;
    const auto out = stream_chat(*b, req);
    ASSERT_FALSE(out.result.error) << out.result.error.message() << ": " << out.result.error_text;
    EXPECT_GE(out.deltas, 5);
    EXPECT_FALSE(out.text.empty());
    EXPECT_TRUE(out.result.streamed);
    EXPECT_EQ(out.result.attempts, 1);
    EXPECT_EQ(out.result.final.done_reason, "stop");
    EXPECT_EQ(out.result.final.eval_count, 5);
    EXPECT_TRUE(out.result.final.prompt_eval_count);
    EXPECT_TRUE(out.result.final.total_duration);

    const auto log = requests();
    ASSERT_EQ(log.size(), 1u);
    EXPECT_EQ(log[0]["path"], "/api/chat");
    EXPECT_EQ(log[0]["label"], "basic");
    EXPECT_EQ(log[0]["body"]["stream"], true);
    EXPECT_EQ(log[0]["body"]["keep_alive"], "30m");
    EXPECT_EQ(log[0]["body"]["options"]["num_ctx"], 2048);
    EXPECT_EQ(log[0]["tokens_sent"], 5);
}

TEST_F(LlmClient, GenerateStreamsTheResponseField) {
    auto b = make_backend(options());
    generate_request req;
    req.model = "llama3.2";
    req.prompt = "a theme please [[mock tokens=4]]";
    std::string text;
    stream_handlers h;
    h.on_text = [&](std::string_view t) { text += t; };
    const auto r = run(b->generate(req, h));
    ASSERT_FALSE(r.error) << r.error_text;
    EXPECT_FALSE(text.empty());
    EXPECT_EQ(r.final.eval_count, 4);
    EXPECT_EQ(requests()[0]["path"], "/api/generate");
}

TEST_F(LlmClient, UnicodeSplitAcrossChunksReassemblesExactly) {
    auto b = make_backend(options());
    const auto out = stream_chat(*b, chat("[[mock reply=unicode tokens=24]]"));
    ASSERT_FALSE(out.result.error) << out.result.error_text;
    // The same reply, unstreamed, is the reference.
    json whole = {
        {"model", "llama3.2"},
        {"stream", false},
        {"messages", {{{"role", "user"}, {"content", "[[mock reply=unicode tokens=24]]"}}}},
    };
    const auto reference = test::http_post(mock_->port(), "/api/chat", whole.dump());
    ASSERT_EQ(reference.status, 200u);
    EXPECT_EQ(out.text, json::parse(reference.body)["message"]["content"].get<std::string>());
    EXPECT_NE(out.text.find("日本語"), std::string::npos);
}

struct fault_case {
    const char* name;
    const char* directive;
    error expected;
    bool streamed;
};

class LlmClientFault : public LlmClient, public ::testing::WithParamInterface<fault_case> {};

TEST_P(LlmClientFault, GivesItsTypedError) {
    auto o = options();
    o.first_byte_timeout = 400ms;
    o.idle_timeout = 400ms;
    o.max_retries = 0;
    auto b = make_backend(o);
    const auto& c = GetParam();
    const auto out = stream_chat(*b, chat(std::string{"go "} + c.directive));
    EXPECT_EQ(out.result.error, c.expected)
        << c.directive << " gave " << out.result.error.message() << ": " << out.result.error_text;
    EXPECT_EQ(out.result.streamed, c.streamed) << c.directive;
    EXPECT_EQ(out.result.attempts, 1);
}

INSTANTIATE_TEST_SUITE_P(
    Modes,
    LlmClientFault,
    ::testing::Values(
        fault_case{"not_found", "[[mock fault=404]]", error::model_not_found, false},
        fault_case{"server_error", "[[mock fault=500]]", error::server_error, false},
        fault_case{"busy", "[[mock fault=503]]", error::busy, false},
        fault_case{"hang_headers", "[[mock fault=hang_headers]]", error::timeout_first_byte, false},
        fault_case{
            "slow_headers", "[[mock header_delay_ms=5000]]", error::timeout_first_byte, false},
        fault_case{"slow_first_token", "[[mock ttft_ms=5000]]", error::timeout_first_byte, false},
        fault_case{
            "hang_body_at_start", "[[mock fault=hang_body]]", error::timeout_first_byte, false},
        fault_case{
            "hang_body_midway",
            "[[mock fault=hang_body fault_after=3]]",
            error::timeout_idle,
            true},
        fault_case{"drop", "[[mock fault=drop]]", error::stream_truncated, true},
        fault_case{"malformed", "[[mock fault=malformed]]", error::malformed_stream, true},
        fault_case{"error_line", "[[mock fault=error_line]]", error::backend_error, true},
        fault_case{"no_done", "[[mock fault=no_done]]", error::stream_truncated, true}
    ),
    [](const auto& info) { return std::string{info.param.name}; }
);

// The idle timeout bounds a silence, not the reply: a reply that lasts several times the
// limit, its tokens never that far apart, completes.
TEST_F(LlmClient, AReplyLongerThanTheIdleTimeoutCompletesWhileTokensKeepComing) {
    auto o = options();
    o.idle_timeout = 300ms;
    auto b = make_backend(o);
    const auto out = stream_chat(*b, chat("[[mock tokens=10 interval_ms=100]]"));
    ASSERT_FALSE(out.result.error) << out.result.error.message() << ": " << out.result.error_text;
    EXPECT_EQ(out.result.final.eval_count, 10);
    EXPECT_EQ(requests()[0]["outcome"], "completed");
}

// After a timed-out stream the client is as good as new: the next request gets a working
// connection and its own full idle allowance.
TEST_F(LlmClient, TheRequestAfterAnIdleTimeoutStreamsNormally) {
    auto o = options();
    o.idle_timeout = 300ms;
    o.max_retries = 0;
    auto b = make_backend(o);
    auto out = stream_chat(*b, chat("[[mock fault=hang_body fault_after=2]]"));
    ASSERT_EQ(out.result.error, error::timeout_idle) << out.result.error_text;
    EXPECT_EQ(out.result.error_text, "nothing read within the idle timeout");
    out = stream_chat(*b, chat("[[mock tokens=4 interval_ms=100]]"));
    ASSERT_FALSE(out.result.error) << out.result.error_text;
    EXPECT_EQ(out.result.final.eval_count, 4);
}

TEST_F(LlmClient, ErrorTextOfTheBackendTravelsAlong) {
    auto b = make_backend(options());
    auto out = stream_chat(*b, chat("hi", "no-such-model"));
    EXPECT_EQ(out.result.error, error::model_not_found);
    EXPECT_EQ(out.result.http_status, 404u);
    EXPECT_NE(out.result.error_text.find("not found"), std::string::npos) << out.result.error_text;
    EXPECT_EQ(to_errc(out.result.error), moodring::errc::llm_unavailable);

    out = stream_chat(*b, chat("[[mock fault=error_line]]"));
    EXPECT_EQ(out.result.error_text, "an error was encountered while running the model");
    EXPECT_EQ(to_errc(out.result.error), moodring::errc::llm_error);
}

TEST_F(LlmClient, ConnectionRefusedIsRetriedThenReported) {
    unsigned short closed_port = 0;
    {
        asio::ip::tcp::acceptor a{io_, {asio::ip::make_address("127.0.0.1"), 0}};
        closed_port = a.local_endpoint().port();
    }
    auto o = options();
    o.base_url = "http://127.0.0.1:" + std::to_string(closed_port);
    auto b = make_backend(o);
    const auto out = stream_chat(*b, chat("hi"));
    EXPECT_EQ(out.result.error, error::connect_failed);
    EXPECT_EQ(out.result.attempts, 3);
    EXPECT_EQ(to_errc(out.result.error), moodring::errc::llm_unavailable);
}

TEST_F(LlmClient, RetriesBusyOnlyBeforeTheFirstDelta) {
    auto b = make_backend(options());
    auto out = stream_chat(*b, chat("[[mock fail_first=2 id=ff tokens=3]]"));
    ASSERT_FALSE(out.result.error) << out.result.error_text;
    EXPECT_EQ(out.result.attempts, 3);
    EXPECT_EQ(requests().size(), 3u);

    mock_->reset();
    out = stream_chat(*b, chat("[[mock fail_first=5 id=ff2]]"));
    EXPECT_EQ(out.result.error, error::busy);
    EXPECT_EQ(out.result.attempts, 3);

    // A stream that broke after text had gone out is never sent again.
    mock_->reset();
    out = stream_chat(*b, chat("[[mock fault=drop]]"));
    EXPECT_EQ(out.result.error, error::stream_truncated);
    EXPECT_TRUE(out.result.streamed);
    EXPECT_EQ(out.result.attempts, 1);
    EXPECT_EQ(requests().size(), 1u);
}

TEST_F(LlmClient, SequentialRequestsShareOneKeptAliveConnection) {
    auto b = make_backend(options());
    for (int i = 0; i < 3; ++i) {
        const auto out = stream_chat(*b, chat("[[mock tokens=3]]"));
        ASSERT_FALSE(out.result.error) << out.result.error_text;
    }
    const auto models = run(b->list_models());
    ASSERT_FALSE(models.error);
    EXPECT_FALSE(stream_chat(*b, chat("[[mock fault=404]]")).result.error == error::ok);
    EXPECT_FALSE(stream_chat(*b, chat("[[mock tokens=2]]")).result.error);
    const auto log = requests();
    ASSERT_EQ(log.size(), 6u);
    for (const auto& r : log) EXPECT_EQ(r["connection_id"], log[0]["connection_id"]) << r.dump();
}

TEST_F(LlmClient, ConnectionMovesBetweenStrandsOfItsUsers) {
    auto b = make_backend(options());
    for (int i = 0; i < 3; ++i) {
        seen out;
        asio::co_spawn(
            asio::make_strand(io_), stream_into(*b, chat("[[mock tokens=2]]"), out), asio::detached
        );
        io_.restart();
        io_.run();
        ASSERT_FALSE(out.result.error) << out.result.error_text;
    }
    const auto log = requests();
    ASSERT_EQ(log.size(), 3u);
    for (const auto& r : log) EXPECT_EQ(r["connection_id"], log[0]["connection_id"]);
}

TEST_F(LlmClient, CancelClosesTheConnectionAndTheMockSeesTheClientGo) {
    auto b = make_backend(options());
    seen out;
    asio::cancellation_signal cancel;
    auto req = chat("[[mock tokens=500 interval_ms=20 id=long]]");
    stream_handlers h;
    h.on_text = [&](std::string_view t) {
        out.text += t;
        if (++out.deltas == 3) cancel.emit(asio::cancellation_type::terminal);
    };
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
            auto op = b->chat(req, h);
            out.result = co_await std::move(op);
        },
        asio::bind_cancellation_slot(cancel.slot(), asio::detached)
    );
    io_.run();
    EXPECT_EQ(out.result.error, error::cancelled);
    EXPECT_EQ(out.deltas, 3);

    // The next request needs, and gets, a fresh connection.
    const auto next = stream_chat(*b, chat("[[mock tokens=2]]"));
    ASSERT_FALSE(next.result.error) << next.result.error_text;
    const auto log = requests();
    ASSERT_EQ(log.size(), 2u);
    EXPECT_EQ(log[0]["label"], "long");
    EXPECT_EQ(log[0]["client_gone"], true);
    EXPECT_LT(log[0]["tokens_sent"].get<int>(), 500);
    EXPECT_NE(log[1]["connection_id"], log[0]["connection_id"]);
}

TEST_F(LlmClient, RacingATimerCancelsTheRequest) {
    using namespace asio::experimental::awaitable_operators;
    auto b = make_backend(options());
    std::optional<std::variant<stream_result, std::monostate>> winner;
    auto req = chat("[[mock fault=hang_headers id=raced]]");
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
            asio::steady_timer t{co_await asio::this_coro::executor, 100ms};
            auto request = b->chat(req, {});
            auto timer = t.async_wait(asio::use_awaitable);
            winner = co_await (std::move(request) || std::move(timer));
        },
        asio::detached
    );
    io_.run();
    ASSERT_TRUE(winner);
    EXPECT_EQ(winner->index(), 1u);
    const auto log = requests();
    ASSERT_EQ(log.size(), 1u);
    EXPECT_EQ(log[0]["client_gone"], true);
}

TEST_F(LlmClient, QueueOfOneSlotIsFifoWithRepliesFirst) {
    auto b = one_slot_queue();
    seen first, theme1, reply1, theme2, reply2;
    auto with_prio = [](chat_request r, priority p) {
        r.prio = p;
        return r;
    };
    asio::co_spawn(
        io_,
        stream_into(*b, chat("[[mock tokens=20 interval_ms=20 id=first]]"), first),
        asio::detached
    );
    io_.poll();
    asio::co_spawn(
        io_,
        stream_into(
            *b, with_prio(chat("[[mock tokens=1 id=theme1]]"), priority::background), theme1
        ),
        asio::detached
    );
    io_.poll();
    asio::co_spawn(
        io_, stream_into(*b, chat("[[mock tokens=1 id=reply1]]"), reply1), asio::detached
    );
    io_.poll();
    asio::co_spawn(
        io_,
        stream_into(
            *b, with_prio(chat("[[mock tokens=1 id=theme2]]"), priority::background), theme2
        ),
        asio::detached
    );
    io_.poll();
    asio::co_spawn(
        io_, stream_into(*b, chat("[[mock tokens=1 id=reply2]]"), reply2), asio::detached
    );
    io_.run();

    for (auto* s : {&first, &theme1, &reply1, &theme2, &reply2})
        EXPECT_FALSE(s->result.error) << s->result.error_text;
    EXPECT_TRUE(first.positions.empty());
    EXPECT_EQ(reply1.positions, (std::vector<std::size_t>{1}));
    EXPECT_EQ(reply2.positions, (std::vector<std::size_t>{2, 1}));
    EXPECT_EQ(theme1.positions, (std::vector<std::size_t>{1, 2, 3, 2, 1}));
    EXPECT_EQ(theme2.positions, (std::vector<std::size_t>{3, 4, 3, 2, 1}));

    std::vector<std::string> order;
    for (const auto& r : requests()) order.push_back(r["label"]);
    EXPECT_EQ(order, (std::vector<std::string>{"first", "reply1", "reply2", "theme1", "theme2"}));
}

TEST_F(LlmClient, CancelWhileQueuedLeavesTheQueueAndSendsNothing) {
    auto b = one_slot_queue();
    seen running, queued, behind;
    asio::cancellation_signal cancel;
    asio::co_spawn(
        io_,
        stream_into(*b, chat("[[mock tokens=10 interval_ms=20 id=running]]"), running),
        asio::detached
    );
    io_.poll();
    asio::co_spawn(
        io_,
        stream_into(*b, chat("[[mock id=queued]]"), queued),
        asio::bind_cancellation_slot(cancel.slot(), asio::detached)
    );
    io_.poll();
    asio::co_spawn(
        io_, stream_into(*b, chat("[[mock tokens=1 id=behind]]"), behind), asio::detached
    );
    io_.poll();
    cancel.emit(asio::cancellation_type::terminal);
    io_.run();

    EXPECT_FALSE(running.result.error);
    EXPECT_EQ(queued.result.error, error::cancelled);
    EXPECT_EQ(queued.result.attempts, 0);
    EXPECT_FALSE(behind.result.error);
    EXPECT_EQ(behind.positions, (std::vector<std::size_t>{2, 1}));
    std::vector<std::string> labels;
    for (const auto& r : requests()) labels.push_back(r["label"]);
    EXPECT_EQ(labels, (std::vector<std::string>{"running", "behind"}));
}

TEST_F(LlmClient, ListModelsAndWarmUp) {
    auto b = make_backend(options());
    const auto models = run(b->list_models());
    ASSERT_FALSE(models.error) << models.error_text;
    ASSERT_FALSE(models.models.empty());
    EXPECT_EQ(models.models[0].name, "llama3.2:latest");

    const auto warm = run(b->warm_up("llama3.2"));
    ASSERT_FALSE(warm.error) << warm.error_text;
    EXPECT_EQ(warm.done_reason, "load");
    const auto log = requests();
    ASSERT_EQ(log.size(), 2u);
    EXPECT_EQ(log[1]["path"], "/api/chat");
    EXPECT_TRUE(log[1]["body"]["messages"].empty());
    EXPECT_EQ(log[1]["body"]["keep_alive"], "30m");

    EXPECT_EQ(run(b->warm_up("missing-model")).error, error::model_not_found);
}

TEST_F(LlmClient, OpenaiBackendStreamsChatCompletions) {
    auto b = make_backend(options("openai"));
    chat_request req = chat("[[mock tokens=6 id=oa]]");
    req.options.num_predict = 4;
    const auto out = stream_chat(*b, req);
    ASSERT_FALSE(out.result.error) << out.result.error.message() << ": " << out.result.error_text;
    EXPECT_FALSE(out.text.empty());
    EXPECT_EQ(out.result.final.done_reason, "length");
    EXPECT_EQ(out.result.final.eval_count, 4);
    const auto log = requests();
    ASSERT_EQ(log.size(), 1u);
    EXPECT_EQ(log[0]["path"], "/v1/chat/completions");
    EXPECT_EQ(log[0]["body"]["max_tokens"], 4);

    mock_->reset();
    EXPECT_EQ(
        stream_chat(*b, chat("[[mock fault=error_line]]")).result.error, error::backend_error
    );
    EXPECT_EQ(
        stream_chat(*b, chat("[[mock fault=no_done]]")).result.error, error::stream_truncated
    );
    EXPECT_EQ(
        stream_chat(*b, chat("[[mock fault=malformed]]")).result.error, error::malformed_stream
    );
    EXPECT_EQ(stream_chat(*b, chat("hi", "nope")).result.error, error::model_not_found);

    const auto unicode = stream_chat(*b, chat("[[mock reply=unicode tokens=12]]"));
    ASSERT_FALSE(unicode.result.error);
    EXPECT_NE(unicode.text.find("日本語"), std::string::npos);

    const auto models = run(b->list_models());
    ASSERT_FALSE(models.error) << models.error_text;
    EXPECT_FALSE(models.models.empty());
}

}  // namespace
}  // namespace moodring::llm
