// The store on Postgres against the store on SQLite (docs/benchmarks.md "Store"): the same
// operations, in the same order, through the store's interface as the server awaits them,
// one at a time, each timed from the call to the caller's resumption. Postgres is the one of
// MOODRING_BENCH_POSTGRES_URL (an empty database), else a private cluster started here
// (tests/support/postgres_server, Debian's postgresql 15) on loopback.

#include "postgres_server.hpp"
#include "scenarios.hpp"
#include "stats.hpp"
#include "test_paths.hpp"
#include <moodring/store/make_store.hpp>
#include <moodring/store/postgres/connection.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>

namespace moodring::bench {
namespace {

using nlohmann::json;
using clock_type = std::chrono::steady_clock;
namespace asio = boost::asio;

const char* const operations[] = {
    "begin_turn",
    "finish_reply",
    "get_conversation",
    "list_messages",
    "search_conversations",
    "healthy"};

using samples = std::map<std::string, std::vector<std::int64_t>>;

// Adds the time from its making to its end to `into`.
struct stopwatch {
    std::vector<std::int64_t>& into;
    clock_type::time_point began = clock_type::now();
    ~stopwatch() {
        const auto took = clock_type::now() - began;
        into.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(took).count());
    }
};

// Runs `operation` to its end on `io`, adding its time to `into`.
template <class T>
T timed(asio::io_context& io, asio::awaitable<T> operation, std::vector<std::int64_t>& into) {
    const stopwatch watch{into};
    auto done = asio::co_spawn(io, std::move(operation), asio::use_future);
    io.restart();
    io.run();
    return done.get();
}

// `turns` turns spread over 50 conversations, each followed by the reads a page makes.
samples measure(const store::database_options& where, int turns) {
    auto db = store::make_store(where).conversations;
    asio::io_context io;
    std::vector<std::string> ids;
    for (int c = 0; c < 50; ++c) {
        std::vector<std::int64_t> ignored;
        ids.push_back(timed(io, db->create_conversation("trip to lisbon", "", {}), ignored).id);
    }
    samples took;
    const std::string reply(600, 'x');
    for (int i = 0; i < turns; ++i) {
        const auto& id = ids[static_cast<std::size_t>(i) % ids.size()];
        store::turn_request turn{id, "what should we see in lisbon by train", 20, 1};
        const auto begun = timed(io, db->begin_turn(turn), took["begin_turn"]);
        timed(
            io,
            db->finish_reply(begun->reply_message_id, reply, store::message_status::complete),
            took["finish_reply"]
        );
        timed(io, db->get_conversation(id, {}), took["get_conversation"]);
        timed(io, db->list_messages(id, std::nullopt, 50, {}), took["list_messages"]);
        timed(
            io, db->search_conversations("lisbon train", 50, 1000, {}), took["search_conversations"]
        );
        timed(io, db->healthy(), took["healthy"]);
    }
    db->stop();
    return took;
}

// `SELECT 1` on a connection of the caller's own thread: the round trip alone, what `healthy`
// costs without the hand-over to the store's thread and back. The difference is all that
// running libpq asynchronously on the I/O threads could save.
std::vector<std::int64_t> round_trips(const std::string& url, int count) {
    store::postgres::connection db(url, 5);
    std::vector<std::int64_t> took;
    for (int i = 0; i < count; ++i) {
        const stopwatch watch{took};
        db.exec("SELECT 1");
    }
    return took;
}

}  // namespace

json run_store_scenario(bool quick) {
    const int turns = quick ? 200 : 2000;
    test::temp_dir dir;
    store::database_options sqlite{(dir / "bench.db").string(), 5000};
    store::database_options postgres = sqlite;
    std::unique_ptr<test::postgres_server> own;
    if (const char* url = std::getenv("MOODRING_BENCH_POSTGRES_URL"); url && *url) {
        postgres.url = url;
    } else {
        own = std::make_unique<test::postgres_server>();
        postgres.url = own->create_database();
    }
    const auto on_sqlite = measure(sqlite, turns);
    const auto on_postgres = measure(postgres, turns);
    json result{{"scenario", "store"}, {"ok", true}, {"turns", turns}, {"conversations", 50}};
    for (const char* op : operations) {
        const auto lite = summarize(on_sqlite.at(op));
        const auto pg = summarize(on_postgres.at(op));
        result["operations"][op] = {
            {"sqlite", to_json(lite)},
            {"postgres", to_json(pg)},
            {"p50_ratio", ratio(pg.p50_ms, lite.p50_ms)},
        };
    }
    const auto direct = summarize(round_trips(postgres.url, turns));
    const auto pooled = summarize(on_postgres.at("healthy"));
    result["select_1"] = {
        {"through_store", to_json(pooled)},
        {"on_caller_thread", to_json(direct)},
        {"p50_ratio", ratio(pooled.p50_ms, direct.p50_ms)},
    };
    return result;
}

}  // namespace moodring::bench
