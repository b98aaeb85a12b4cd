#include "http_client.hpp"
#include "mock_ollama_process.hpp"
#include "test_paths.hpp"
#include <moodring/llm/backend.hpp>
#include <moodring/llm/endpoint_pool.hpp>
#include <moodring/store/sqlite/sqlite_store.hpp>
#include <moodring/theme/theme.hpp>
#include <moodring/theme/theme_service.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <future>
#include <iterator>
#include <memory>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace moodring::theme {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using nlohmann::json;

// Forwards to the real client and lets a test act on each delta, e.g. cancel mid-stream.
class spy_backend : public llm::backend {
public:
    explicit spy_backend(llm::backend& real) : real_(real) {}

    std::function<void(int)> on_delta;           // the 1-based count of deltas so far
    std::function<void(std::size_t)> on_queued;  // the request's place in moodring's queue

    asio::awaitable<llm::stream_result> chat(
        llm::chat_request request, llm::stream_handlers handlers
    ) override {
        return real_.chat(std::move(request), std::move(handlers));
    }
    asio::awaitable<llm::stream_result> generate(
        llm::generate_request request, llm::stream_handlers handlers
    ) override {
        ++generates;
        last_priority = request.prio;
        auto inner = std::move(handlers.on_text);
        handlers.on_text = [this, inner = std::move(inner), count = 0](std::string_view t) mutable {
            inner(t);
            if (on_delta) on_delta(++count);
        };
        auto inner_position = std::move(handlers.on_queue_position);
        handlers.on_queue_position =
            [this, inner_position = std::move(inner_position)](std::size_t position) {
                if (inner_position) inner_position(position);
                if (on_queued) on_queued(position);
            };
        return real_.generate(std::move(request), std::move(handlers));
    }
    asio::awaitable<llm::models_result> list_models() override { return real_.list_models(); }
    asio::awaitable<llm::warm_up_result> warm_up(std::string model) override {
        return real_.warm_up(std::move(model));
    }
    const llm::backend_options& options() const override { return real_.options(); }

    int generates = 0;
    std::optional<llm::priority> last_priority;

private:
    llm::backend& real_;
};

struct job_run {
    theme_outcome outcome = theme_outcome::failed;
    std::vector<json> frames;
    std::vector<std::chrono::steady_clock::time_point> published_at;
};

std::string read_template() {
    std::ifstream in{test::source_dir() / "prompts" / "theme.txt"};
    return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

class ThemeJob : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        mock_ = std::make_unique<test::mock_ollama_process>(std::vector<std::string>{
            "--interval-ms", "1"});
    }
    static void TearDownTestSuite() { mock_.reset(); }

    void SetUp() override {
        mock_->reset();
        conversation_id_ =
            on_db([](store::sqlite::repository& r) {
                return r.create_conversation("theme test", "", store::viewer::anyone());
            }).id;
    }

    static llm::backend_options backend_options(std::string base_url) {
        llm::backend_options o;
        o.base_url = std::move(base_url);
        o.max_retries = 0;
        return o;
    }

    theme_job_settings settings() const {
        theme_job_settings s;
        s.model = "qwen2.5:0.5b";
        s.max_chars_per_message = 200;  // room for the mock's directives
        return s;
    }

    template <class F, class R = std::invoke_result_t<F&, store::sqlite::repository&>>
    R on_db(F work) {
        std::optional<R> out;
        asio::co_spawn(
            io_,
            [&]() -> asio::awaitable<void> {
                auto op = db_.run(std::move(work));
                out = co_await std::move(op);
            },
            [](std::exception_ptr e) {
                if (e) std::rethrow_exception(e);
            }
        );
        io_.restart();
        io_.run();
        return std::move(*out);
    }

    std::optional<std::string> stored_theme() {
        auto id = conversation_id_;
        auto c = on_db([id](store::sqlite::repository& r) {
            return r.get_conversation(id, store::viewer::anyone());
        });
        EXPECT_TRUE(c.has_value());
        return c ? c->current_theme_json : std::nullopt;
    }

    // Runs one job to its end; `cancel` is handed to the job's co_spawn.
    job_run run_job(
        theme_service& service,
        std::string user_text,
        asio::cancellation_signal* cancel = nullptr,
        const std::function<void()>& after_spawn = {}
    ) {
        job_run out;
        theme_job_input input{
            conversation_id_, 1, {std::move(user_text)}, std::chrono::steady_clock::now()};
        auto done = [&out](std::exception_ptr e, theme_job_result result) {
            if (e) std::rethrow_exception(e);
            out.outcome = result.outcome;
            if (!result.frame) return;
            out.published_at.push_back(std::chrono::steady_clock::now());
            out.frames.push_back(json::parse(*result.frame));
        };
        auto job = service.run(std::move(input));
        if (cancel) {
            asio::co_spawn(
                io_, std::move(job), asio::bind_cancellation_slot(cancel->slot(), std::move(done))
            );
        } else {
            asio::co_spawn(io_, std::move(job), std::move(done));
        }
        if (after_spawn) after_spawn();
        io_.restart();
        io_.run();
        return out;
    }

    static json requests() { return mock_->settled_requests()["requests"]; }

    static void expect_safe_theme(const json& t) {
        theme parsed;
        EXPECT_NO_THROW(from_json(t, parsed)) << t.dump();
        const std::regex hex{"^#[0-9a-f]{6}$"};
        for (const auto& field : model_color_fields) {
            ASSERT_TRUE(t.contains(field.key)) << field.key;
            EXPECT_TRUE(std::regex_match(t[field.key].get<std::string>(), hex))
                << field.key << "=" << t[field.key];
        }
        const auto name = t["name"].get<std::string>();
        EXPECT_EQ(name.find_first_of(";{}<>\"'`\\()@"), std::string::npos) << name;
        EXPECT_LE(name.size(), 40u * 4);
        EXPECT_TRUE(std::regex_match(t["id"].get<std::string>(), std::regex{"^[a-z0-9-]{1,40}$"}));
    }

    static std::unique_ptr<test::mock_ollama_process> mock_;
    asio::io_context io_;
    test::temp_dir dir_;
    store::sqlite::sqlite_store db_{{(dir_ / "t.db").string(), 5000}};
    std::unique_ptr<llm::backend> llm_ = llm::make_backend(backend_options(mock_->base_url()));
    spy_backend spy_{*llm_};
    std::string conversation_id_;
};

std::unique_ptr<test::mock_ollama_process> ThemeJob::mock_;

TEST_F(ThemeJob, ThemeReplyIsStoredPublishedAndTheRequestCancelledAtTheBrace) {
    theme_service service{spy_, db_, settings(), read_template()};
    const auto run = run_job(service, "so happy today [[mock reply=theme interval_ms=10 id=t1]]");

    EXPECT_EQ(run.outcome, theme_outcome::generated);
    ASSERT_EQ(run.frames.size(), 1u);
    const auto& frame = run.frames[0];
    EXPECT_EQ(frame["type"], "theme_update");
    EXPECT_EQ(frame["cached"], false);
    EXPECT_GE(frame["elapsed_ms"].get<std::int64_t>(), 0);
    expect_safe_theme(frame["theme"]);

    const auto stored = stored_theme();
    ASSERT_TRUE(stored);
    EXPECT_EQ(json::parse(*stored), frame["theme"]);

    const auto log = requests();
    ASSERT_EQ(log.size(), 1u);
    const auto& r = log[0];
    EXPECT_EQ(r["path"], "/api/generate");
    EXPECT_EQ(r["model"], "qwen2.5:0.5b");
    EXPECT_TRUE(r["client_gone"].get<bool>()) << r.dump();
    EXPECT_EQ(r["outcome"], "client_gone");
    EXPECT_FALSE(r["brace_sent_ns"].is_null());
    // The same reply read whole, to compare: it goes on for 220+ tokens after the object.
    const auto whole = test::http_post(
        mock_->port(),
        "/api/generate",
        json{
            {"model", "qwen2.5:0.5b"},
            {"prompt", r["body"]["prompt"].get<std::string>() + " [[mock interval_ms=0]]"},
            {"stream", false}}
            .dump()
    );
    (void)whole;
    const auto all = requests();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[1]["outcome"], "completed");
    EXPECT_LT(r["tokens_sent"].get<int>() + 100, all[1]["tokens_sent"].get<int>())
        << r.dump() << "\n"
        << all[1].dump();
    EXPECT_EQ(spy_.last_priority, llm::priority::background);

    const auto& body = r["body"];
    EXPECT_DOUBLE_EQ(body["options"]["temperature"].get<double>(), 0.3);
    EXPECT_DOUBLE_EQ(body["options"]["top_p"].get<double>(), 0.8);
    EXPECT_EQ(body["options"]["num_predict"], 300);
    EXPECT_FALSE(body.contains("format"));
    EXPECT_NE(body["prompt"].get<std::string>().find("so happy today"), std::string::npos);
}

TEST_F(ThemeJob, SameMoodTextIsACacheHitThatAsksNoModel) {
    theme_service service{spy_, db_, settings(), read_template()};
    const auto first = run_job(service, "rainy  Monday [[mock reply=theme id=c1]]");
    ASSERT_EQ(first.outcome, theme_outcome::generated);
    ASSERT_EQ(requests().size(), 1u);

    // Differs only in case and spacing: the same normalised mood text.
    const auto second = run_job(service, "Rainy Monday [[mock reply=theme id=c1]]");
    EXPECT_EQ(second.outcome, theme_outcome::cached);
    ASSERT_EQ(second.frames.size(), 1u);
    EXPECT_EQ(second.frames[0]["type"], "theme_update");
    EXPECT_EQ(second.frames[0]["cached"], true);
    EXPECT_EQ(second.frames[0]["theme"], first.frames[0]["theme"]);
    EXPECT_EQ(requests().size(), 1u);
    EXPECT_EQ(spy_.generates, 1);
    const auto stored = stored_theme();
    ASSERT_TRUE(stored);
    EXPECT_EQ(json::parse(*stored), second.frames[0]["theme"]);
}

TEST_F(ThemeJob, UnclosedObjectGivesThemeErrorAndKeepsThePreviousTheme) {
    theme_service service{spy_, db_, settings(), read_template()};
    ASSERT_EQ(run_job(service, "[[mock reply=theme id=p]]").outcome, theme_outcome::generated);
    const auto previous = stored_theme();
    ASSERT_TRUE(previous);

    const auto run = run_job(service, "[[mock reply=theme_unclosed id=u]]");
    EXPECT_EQ(run.outcome, theme_outcome::failed);
    ASSERT_EQ(run.frames.size(), 1u);
    EXPECT_EQ(run.frames[0]["type"], "theme_error");
    EXPECT_FALSE(run.frames[0]["message"].get<std::string>().empty());
    EXPECT_EQ(stored_theme(), previous);
}

TEST_F(ThemeJob, HostileThemeIsRepairedBeforeItIsStored) {
    theme_service service{spy_, db_, settings(), read_template()};
    const auto run = run_job(service, "[[mock reply=theme_hostile id=h]]");
    EXPECT_EQ(run.outcome, theme_outcome::generated);
    ASSERT_EQ(run.frames.size(), 1u);
    ASSERT_EQ(run.frames[0]["type"], "theme_update");
    expect_safe_theme(run.frames[0]["theme"]);
    const auto stored = stored_theme();
    ASSERT_TRUE(stored);
    expect_safe_theme(json::parse(*stored));
}

TEST_F(ThemeJob, BackendFaultGivesThemeError) {
    theme_service service{spy_, db_, settings(), read_template()};
    const auto run = run_job(service, "[[mock fault=500 id=f]]");
    EXPECT_EQ(run.outcome, theme_outcome::failed);
    ASSERT_EQ(run.frames.size(), 1u);
    EXPECT_EQ(run.frames[0]["type"], "theme_error");
    EXPECT_FALSE(stored_theme());
}

TEST_F(ThemeJob, UnreachableBackendGivesThemeError) {
    // A port that was free a moment ago: nothing listens there.
    auto unreachable = llm::make_backend(backend_options("http://127.0.0.1:9"));
    theme_service service{*unreachable, db_, settings(), read_template()};
    const auto run = run_job(service, "[[mock reply=theme]]");
    EXPECT_EQ(run.outcome, theme_outcome::failed);
    ASSERT_EQ(run.frames.size(), 1u);
    EXPECT_EQ(run.frames[0]["type"], "theme_error");
    EXPECT_FALSE(stored_theme());
}

TEST_F(ThemeJob, StreamWithoutAnyObjectGivesThemeError) {
    theme_service service{spy_, db_, settings(), read_template()};
    const auto run = run_job(service, "[[mock reply=counter tokens=5]]");
    EXPECT_EQ(run.outcome, theme_outcome::failed);
    ASSERT_EQ(run.frames.size(), 1u);
    EXPECT_EQ(run.frames[0]["type"], "theme_error");
}

TEST_F(ThemeJob, TimeoutGivesThemeErrorAndLeavesTheModel) {
    auto s = settings();
    s.timeout = 200ms;
    theme_service service{spy_, db_, s, read_template()};
    const auto run = run_job(service, "[[mock fault=hang_body id=slow]]");
    EXPECT_EQ(run.outcome, theme_outcome::failed);
    ASSERT_EQ(run.frames.size(), 1u);
    EXPECT_EQ(run.frames[0]["type"], "theme_error");
    const auto log = requests();
    ASSERT_EQ(log.size(), 1u);
    EXPECT_TRUE(log[0]["client_gone"].get<bool>()) << log[0].dump();
}

TEST_F(ThemeJob, CancelledMidStreamPublishesAndStoresNothing) {
    theme_service service{spy_, db_, settings(), read_template()};
    asio::cancellation_signal cancel;
    spy_.on_delta = [&cancel](int n) {
        if (n == 3) cancel.emit(asio::cancellation_type::terminal);
    };
    const auto run = run_job(service, "[[mock reply=theme interval_ms=50 id=x]]", &cancel);
    EXPECT_EQ(run.outcome, theme_outcome::cancelled);
    EXPECT_TRUE(run.frames.empty());
    EXPECT_FALSE(stored_theme());
    const auto log = requests();
    ASSERT_EQ(log.size(), 1u);
    EXPECT_TRUE(log[0]["client_gone"].get<bool>()) << log[0].dump();
    EXPECT_TRUE(log[0]["brace_sent_ns"].is_null());
}

TEST_F(ThemeJob, CancelledWhileTheSaveIsInFlightPublishesNothing) {
    theme_service service{spy_, db_, settings(), read_template()};
    ASSERT_EQ(run_job(service, "[[mock reply=theme id=w]]").outcome, theme_outcome::generated);

    // Hold the database thread so the job's save (a cache hit goes straight to it) is queued
    // when the cancellation comes; then let it through.
    std::promise<void> release;
    auto gate = release.get_future().share();
    asio::co_spawn(
        io_,
        [this, gate]() -> asio::awaitable<void> {
            auto block = [gate](store::sqlite::repository&) { gate.wait(); };
            co_await db_.run(std::move(block));
        },
        asio::detached
    );
    asio::cancellation_signal cancel;
    const auto run = run_job(service, "[[mock reply=theme id=w]]", &cancel, [&] {
        asio::post(io_, [&] {
            cancel.emit(asio::cancellation_type::terminal);
            release.set_value();
        });
    });
    EXPECT_EQ(run.outcome, theme_outcome::cancelled);
    EXPECT_TRUE(run.frames.empty());
    EXPECT_EQ(spy_.generates, 1);
}

TEST_F(ThemeJob, DeletedConversationGetsNoFrame) {
    theme_service service{spy_, db_, settings(), read_template()};
    auto id = conversation_id_;
    ASSERT_TRUE(on_db([id](store::sqlite::repository& r) {
        return r.delete_conversation(id, store::viewer::anyone());
    }));
    const auto run = run_job(service, "[[mock reply=theme id=d]]");
    EXPECT_EQ(run.outcome, theme_outcome::conversation_gone);
    EXPECT_TRUE(run.frames.empty());
}

TEST_F(ThemeJob, ChatModelSettingsAndSchemaAreSent) {
    auto s = settings();
    s.num_ctx = 4096;
    s.keep_alive = "1h";
    s.structured_output = true;
    theme_service service{spy_, db_, s, read_template()};
    ASSERT_EQ(run_job(service, "[[mock reply=theme id=o]]").outcome, theme_outcome::generated);
    const auto log = requests();
    ASSERT_EQ(log.size(), 1u);
    const auto& body = log[0]["body"];
    EXPECT_EQ(body["options"]["num_ctx"], 4096);
    EXPECT_EQ(body["keep_alive"], "1h");
    EXPECT_TRUE(body["format"].is_object());
}

TEST_F(ThemeJob, WaitsBehindInteractiveRepliesWhenTheOnlySlotIsTaken) {
    // moodring's own queue, one generation at a time (llm.max_in_flight 1).
    auto narrow = std::make_unique<llm::endpoint_pool>(
        std::vector<llm::endpoint_config>{
            {.options = backend_options(mock_->base_url()), .slots = 0, .models = {}}},
        llm::pool_settings{.scheduling = {.max_slots = 1}, .max_retries = 0}
    );
    spy_backend spy{*narrow};
    theme_service service{spy, db_, settings(), read_template()};

    std::vector<llm::stream_result> chats;
    auto chat = [&](std::string text) -> asio::awaitable<void> {
        llm::chat_request req;
        req.model = "qwen2.5:0.5b";
        req.messages = {{"user", std::move(text)}};
        llm::stream_handlers h;
        h.on_text = [](std::string_view) {};
        auto op = narrow->chat(std::move(req), std::move(h));
        chats.push_back(co_await std::move(op));
    };
    // The first reply holds the only slot; the theme job queues, then a second reply does,
    // and is admitted first.
    asio::co_spawn(io_, chat("[[mock tokens=20 interval_ms=5 id=first]]"), asio::detached);
    bool second_sent = false;
    spy.on_queued = [&](std::size_t) {
        if (std::exchange(second_sent, true)) return;
        asio::co_spawn(io_, chat("[[mock tokens=2 id=second]]"), asio::detached);
    };
    const auto run = run_job(service, "[[mock reply=theme id=theme]]");
    EXPECT_EQ(run.outcome, theme_outcome::generated);
    ASSERT_EQ(chats.size(), 2u);

    const auto log = requests();
    ASSERT_EQ(log.size(), 3u);
    EXPECT_EQ(log[0]["label"], "first");
    EXPECT_EQ(log[1]["label"], "second");
    EXPECT_EQ(log[2]["label"], "theme");
}

// Not a check: how long from the mock writing the closing brace to the publish call.
// Run with --gtest_also_run_disabled_tests --gtest_filter='*Measure*'.
TEST_F(ThemeJob, DISABLED_MeasureBraceToPublishDelay) {
    theme_service service{spy_, db_, settings(), read_template()};
    std::vector<double> delays_us;
    for (int i = 0; i < 50; ++i) {
        mock_->reset();
        const auto run = run_job(
            service, "measure " + std::to_string(i) + " [[mock reply=theme interval_ms=2 id=m]]"
        );
        ASSERT_EQ(run.outcome, theme_outcome::generated);
        const auto log = mock_->requests()["requests"];
        ASSERT_EQ(log.size(), 1u);
        const auto brace = log[0]["brace_sent_ns"].get<std::int64_t>();
        const auto published = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   run.published_at[0].time_since_epoch()
        )
                                   .count();
        delays_us.push_back(static_cast<double>(published - brace) / 1000.0);
    }
    std::sort(delays_us.begin(), delays_us.end());
    const auto at = [&](double q) {
        return delays_us[static_cast<std::size_t>(q * static_cast<double>(delays_us.size() - 1))];
    };
    std::printf(
        "brace->publish over %zu jobs: min %.0f us, median %.0f us, p99 %.0f us, max %.0f us\n",
        delays_us.size(),
        delays_us.front(),
        at(0.5),
        at(0.99),
        delays_us.back()
    );
}

}  // namespace
}  // namespace moodring::theme
