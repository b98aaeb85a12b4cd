// Issue 17: the crash-durability run on a cluster. Three instances on one Postgres and one
// Redis; clients on every instance share conversations; kill -9 of a random instance at a
// random moment, again and again, while the others keep serving. What any instance
// acknowledged (`start` for a user message, `end` for a reply, 201 for a conversation) is
// stored exactly once with its content; a reply the killed instance was streaming is ended by
// a survivor, its watchers there shown the text that is stored; nothing stays `streaming`.
//
// CLUSTER_CRASH_SEED and CLUSTER_CRASH_CYCLES change the run.
#include "conversations.hpp"
#include "crash_run.hpp"
#include "database_inspector.hpp"
#include "durability_client.hpp"
#include "eventually.hpp"
#include "http_client.hpp"
#include "mock_ollama_process.hpp"
#include "moodring_cluster.hpp"
#include "postgres_server.hpp"
#include "redis_server.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <signal.h>

#include <cstdlib>
#include <future>
#include <iostream>
#include <random>
#include <set>
#include <thread>

using namespace moodring::test;
using nlohmann::json;

namespace {

// Conversations made on `port` until it goes away: each acknowledged by its 201.
std::vector<std::string> create_until_gone(unsigned short port) {
    std::vector<std::string> created;
    try {
        for (;;) {
            auto reply = http_post(port, "/api/conversations", R"({"title": "more"})");
            if (reply.status != 201) break;
            created.push_back(json::parse(reply.body)["conversation_id"]);
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    } catch (const std::exception&) {
    }
    return created;
}

class cluster_run {
public:
    explicit cluster_run(unsigned seed) : random_(seed) {
        moodring_cluster::options options;
        options.database_url = database_;
        options.redis_url = redis_.url();
        options.llm_url = mock_.base_url();
        nodes_ = std::make_unique<moodring_cluster>(options);
        for (int i = 0; i < 3; ++i) {
            conversations_.push_back(create_conversation(nodes_->instance(0).port(), "shared"));
        }
    }

    // Clients on every instance, a kill -9 of one, the survivors let finish, the killed one
    // started again.
    void cycle(unsigned number) {
        const auto victim = random_() % nodes_->size();
        auto creator = std::async(std::launch::async, create_until_gone, port(victim));
        std::atomic<bool> stop{false};
        std::vector<acknowledged> results(2 * nodes_->size());
        std::vector<std::thread> clients;
        for (std::size_t k = 0; k < results.size(); ++k) {
            clients.emplace_back(
                durability_client,
                port(k % nodes_->size()),
                conversations_[random_() % conversations_.size()],
                "c" + std::to_string(number) + "k" + std::to_string(k),
                static_cast<unsigned>(random_()),
                std::ref(results[k]),
                &stop
            );
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(30 + random_() % 400));
        nodes_->instance(victim).process().signal(SIGKILL);
        EXPECT_EQ(nodes_->instance(victim).process().wait(std::chrono::seconds(10)), 128 + SIGKILL);
        // Long enough for a survivor to end the killed one's reply (its lease runs out).
        std::this_thread::sleep_for(std::chrono::milliseconds(4500));
        stop = true;
        for (auto& c : clients) c.join();
        const auto created = creator.get();
        conversations_.insert(conversations_.end(), created.begin(), created.end());
        for (const auto& r : results) seen_.add(r);
        nodes_->instance(victim).restart();
    }

    std::int64_t streaming() const {
        return count_of(database_, "SELECT count(*) FROM messages WHERE status = 'streaming'");
    }
    unsigned short port(std::size_t instance) { return nodes_->instance(instance).port(); }
    const acknowledged& seen() const { return seen_; }
    const std::vector<std::string>& conversations() const { return conversations_; }
    const std::string& database() const { return database_; }

private:
    std::mt19937 random_;
    mock_ollama_process mock_{{"--interval-ms", "1"}};
    redis_server redis_;
    std::string database_ = postgres_server::shared().create_database();
    std::unique_ptr<moodring_cluster> nodes_;
    std::vector<std::string> conversations_;
    acknowledged seen_;
};

}  // namespace

TEST(cluster_durability, kill_9_of_any_instance_loses_nothing_that_was_acknowledged) {
    const auto size =
        crash_run_from_environment("cluster_durability", "CLUSTER_CRASH", 20261203, 8);
    const unsigned seed = size.seed;
    const unsigned cycles = size.cycles;
    cluster_run run(seed);
    for (unsigned cycle = 0; cycle < cycles; ++cycle) run.cycle(cycle);

    // The last kill's orphan, if nobody watched it, is the sweep's: within a few leases.
    const auto every = std::chrono::milliseconds(100);
    EXPECT_TRUE(eventually([&] { return run.streaming() == 0; }, std::chrono::seconds(15), every));
    const auto& seen = run.seen();
    std::cout << "cluster_durability: " << seen.user_messages.size() << " user messages and "
              << seen.replies.size() << " replies acknowledged; clients cut off mid-reply "
              << seen.cut_streaming << " times, waiting for a start " << seen.cut_waiting
              << " times; replies seen to end interrupted " << seen.interrupted_seen << std::endl;
    EXPECT_GT(seen.cut_streaming, 0);
    EXPECT_GT(seen.replies.size(), static_cast<std::size_t>(cycles));

    auto listed = json::parse(http_get(run.port(1), "/api/conversations").body)["conversations"];
    std::set<std::string> ids;
    for (const auto& c : listed) ids.insert(c["id"].get<std::string>());
    for (const auto& id : run.conversations()) EXPECT_TRUE(ids.contains(id)) << id;
    expect_stored_once(seen, stored_messages(run.database()));
}
