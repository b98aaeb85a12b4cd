// moodring as a cluster (docs/benchmarks.md "A cluster"): three instances on one Postgres and one
// Redis. Each conversation's turns are sent to one instance (the owner, whose reader is the
// sender) while a second reader watches it on another instance: the bus's added delay is the
// other reader's relay delay (the mock's stamp to the read) against the owner's, in the same run,
// on the same tokens; likewise for each turn's `end` and theme frames.

#include "client_pool.hpp"
#include "moodring_cluster.hpp"
#include "postgres_server.hpp"
#include "redis_server.hpp"
#include "scenarios.hpp"
#include "stats.hpp"
#include "stream_load.hpp"
#include "targets.hpp"

#include <cmath>
#include <cstdio>
#include <vector>

namespace moodring::bench {
namespace {

using nlohmann::json;

// The same readings from both readers of every conversation.
struct readers {
    std::vector<conversation_record> owner;
    std::vector<conversation_record> other;
};

// Each turn's `field` (end_ns or theme_ns) as the other reader saw it, minus as the owner did.
std::vector<std::int64_t> later_by(const readers& r, std::int64_t turn_record::*field) {
    std::vector<std::int64_t> added;
    for (std::size_t c = 0; c < r.owner.size(); ++c) {
        const auto& mine = r.owner[c].turns;
        const auto& theirs = r.other[c].turns;
        for (std::size_t t = 0; t < std::min(mine.size(), theirs.size()); ++t) {
            if (mine[t].*field != 0 && theirs[t].*field != 0)
                added.push_back(theirs[t].*field - mine[t].*field);
        }
    }
    return added;
}

void stream_all(
    test::moodring_cluster& nodes,
    const std::vector<std::string>& ids,
    const stream_shape& shape,
    unsigned threads,
    readers& out
) {
    out.owner.resize(ids.size());
    out.other.resize(ids.size());
    client_pool pool(threads);
    const auto first_turn_at =
        std::chrono::steady_clock::now() +
        std::max(
            std::chrono::milliseconds(500), std::chrono::milliseconds(shape.conversations * 2)
        );
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const auto owner = nodes.instance(i % nodes.size()).port();
        const auto other = nodes.instance((i + 1) % nodes.size()).port();
        pool.spawn(pool.make_strand(), watching_conversation(other, ids[i], shape, out.other[i]));
        pool.spawn(
            pool.make_strand(),
            moodring_conversation(
                owner, ids[i], static_cast<int>(i), shape, first_turn_at, out.owner[i]
            )
        );
    }
    pool.join();
}

json reader_summary(const std::vector<conversation_record>& records, std::size_t tokens) {
    std::vector<std::int64_t> relay;
    std::size_t complete = 0;
    auto errors = json::array();
    for (const auto& record : records) {
        relay.insert(relay.end(), record.relay_ns.begin(), record.relay_ns.end());
        if (!record.error.empty() && errors.size() < 5) errors.push_back(record.error);
        for (const auto& turn : record.turns) {
            if (turn.error.empty() && turn.end_ns != 0 && turn.tokens == tokens) ++complete;
        }
    }
    return {
        {"relay_ms", to_json(summarize(relay))}, {"turns_complete", complete}, {"errors", errors}};
}

}  // namespace

json run_cluster_scenario(bool quick, unsigned threads) {
    stream_shape shape;
    shape.conversations = 100;
    shape.turns = quick ? 1 : 3;
    shape.tokens = quick ? 30 : 60;
    shape.token_interval_ms = 33;
    json out{
        {"scenario", "cluster"},
        {"instances", 3},
        {"conversations", shape.conversations},
        {"turns_per_conversation", shape.turns},
        {"tokens_per_turn", shape.tokens},
        {"token_interval_ms", shape.token_interval_ms},
        {"ok", false},
    };
    test::redis_server redis;
    test::mock_ollama_process mock({"--interval-ms", "10"});
    test::moodring_cluster::options options;
    options.database_url = test::postgres_server::shared().create_database();
    options.redis_url = redis.url();
    options.llm_url = mock.base_url();
    options.back_to_back = false;
    options.extra_args = server_bench_args();
    test::moodring_cluster nodes(options);
    const auto ids = create_conversations(
        nodes.instance(0).port(), static_cast<std::size_t>(shape.conversations)
    );
    readers seen;
    stream_all(nodes, ids, shape, threads, seen);

    const auto tokens = static_cast<std::size_t>(shape.tokens);
    out["same_instance"] = reader_summary(seen.owner, tokens);
    out["other_instance"] = reader_summary(seen.other, tokens);
    const auto& mine = out["same_instance"]["relay_ms"];
    const auto& theirs = out["other_instance"]["relay_ms"];
    const auto round_to = [](double v, double unit) { return std::round(v / unit) * unit; };
    out["added_ms"] = {
        {"p50", round_to(theirs["p50"].get<double>() - mine["p50"].get<double>(), 0.001)},
        {"p99", round_to(theirs["p99"].get<double>() - mine["p99"].get<double>(), 0.001)},
    };
    out["end_later_on_other_ms"] = to_json(summarize(later_by(seen, &turn_record::end_ns)));
    out["theme_later_on_other_ms"] = to_json(summarize(later_by(seen, &turn_record::theme_ns)));
    const auto turns = static_cast<std::size_t>(shape.conversations * shape.turns);
    out["ok"] = out["same_instance"]["turns_complete"] == turns &&
                out["other_instance"]["turns_complete"] == turns;
    return out;
}

}  // namespace moodring::bench
