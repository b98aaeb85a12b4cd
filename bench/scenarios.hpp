#pragma once

#include "stream_load.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace moodring::bench {

struct stream_scenario {
    std::string name;  // "single", "conv100", "conv1000"
    stream_shape shape;
    int theme_interval_ms = 33;
};

// Both paths of a streaming scenario on a fresh mock and server: the floor (the generator
// reading the mock) first, then moodring; one JSON object with both and their ratios.
nlohmann::json run_stream_scenario(const stream_scenario& scenario, unsigned threads);

// `count` WebSockets opened and left idle on a fresh server: its RSS per connection.
nlohmann::json run_idle_scenario(std::size_t count, unsigned threads);

// `count` WebSockets opened at once: the time until every one is upgraded, beside the time
// the mock takes to answer as many fresh connections with one HTTP request each.
nlohmann::json run_burst_scenario(std::size_t count, unsigned threads);

// LLM scheduling (docs/benchmarks.md): the mock schedules like Ollama (--parallel) and the
// server learns its slots. Each returns one JSON object; `quick` runs fewer turns.
//
// A one-slot backend, 1 and 2 conversations, themes off and on at once on separate processes:
// time to first token with themes beside without, and how many turns got their theme.
nlohmann::json run_oneslot_scenario(bool quick, unsigned threads);

// A four-slot backend, 1 and 4 conversations: how often the theme comes before the reply's
// end, and the slots the server learned.
nlohmann::json run_fourslot_scenario(bool quick, unsigned threads);

// 12 conversations back to back against three two-slot backends, then against one: throughput,
// time to first token, and how the requests spread over the three.
nlohmann::json run_endpoints_scenario(bool quick, unsigned threads);

// Mode `accounts`: one conversation's relay delay without sign-ins and beside 50 correct
// sign-ins a second, with one and with two hashing threads.
nlohmann::json run_loginflood_scenario(bool quick, unsigned threads);

// Search (docs/benchmarks.md "Search"): 10,000 conversations of 20 messages imported, then a
// few hundred searches of 1 to 3 words timed over the wire (`quick`: 1,000 and 100).
nlohmann::json run_search_scenario(bool quick, unsigned threads);

// The store on Postgres against the store on SQLite, per operation (begin_turn, finish_reply,
// get_conversation, list_messages, search), in the same run.
nlohmann::json run_store_scenario(bool quick);

// moodring behind nginx (deploy/nginx/moodring.conf): 100 conversations' relay delay straight
// from moodring and through nginx, in the same run.
nlohmann::json run_nginx_scenario(bool quick, unsigned threads);

// The Redis bus: 100 conversations' chunks to a watcher on the owner's bus instance and to one
// on another instance through Redis on loopback, in the same run: what the bus adds.
nlohmann::json run_bus_scenario(bool quick, unsigned threads);

// Three instances on one Postgres and one Redis: each conversation sent to one instance and
// watched on another; the bus's added relay delay and how much later `end` and themes arrive
// there (docs/benchmarks.md "A cluster").
nlohmann::json run_cluster_scenario(bool quick, unsigned threads);

}  // namespace moodring::bench
