// Search over a full database (docs/benchmarks.md "Search"): 10,000 conversations of 20
// messages each are imported over the wire (the triggers index them as they go), then a few
// hundred searches of one to three words, common and rare, are timed over one keep-alive
// connection, as a page would send them.

#include "http_client.hpp"
#include "scenarios.hpp"
#include "stats.hpp"
#include "targets.hpp"

#include <chrono>
#include <filesystem>
#include <random>

namespace moodring::bench {
namespace {

using nlohmann::json;
using clock_type = std::chrono::steady_clock;

// Words in the order of how often they are drawn (Zipf, s = 1): function words first, then
// topics. Texts made from them have the skew of real chat: a few words in most messages, most
// words in few.
const std::vector<std::string>& vocabulary() {
    static const std::vector<std::string> words = [] {
        std::vector<std::string> out;
        const char* common[] = {"the",  "to",    "and",  "a",    "of",   "is",   "in",    "you",
                                "it",   "that",  "for",  "i",    "on",   "with", "this",  "be",
                                "can",  "are",   "your", "have", "not",  "or",   "but",   "what",
                                "if",   "do",    "at",   "as",   "how",  "my",   "we",    "will",
                                "so",   "about", "one",  "more", "like", "use",  "would", "should",
                                "some", "time",  "make", "good", "need", "also", "could"};
        for (const char* w : common) out.emplace_back(w);
        const char* topics[] = {
            "recipe",   "bread",     "oven",      "flour",     "garden",   "tomato",    "soil",
            "water",    "trip",      "lisbon",    "train",     "hotel",    "budget",    "tax",
            "invoice",  "salary",    "python",    "rust",      "compile",  "error",     "function",
            "database", "index",     "query",     "server",    "network",  "music",     "guitar",
            "chord",    "piano",     "song",      "running",   "knee",     "stretch",   "sleep",
            "coffee",   "tea",       "book",      "novel",     "chapter",  "poem",      "history",
            "rome",     "empire",    "battery",   "solar",     "engine",   "bicycle",   "repair",
            "paint",    "wall",      "kitchen",   "cat",       "dog",      "vet",       "birthday",
            "gift",     "party",     "email",     "meeting",   "deadline", "report",    "slides",
            "resume",   "interview", "letter",    "translate", "french",   "german",    "spanish",
            "grammar",  "physics",   "energy",    "orbit",     "planet",   "telescope", "camera",
            "photo",    "light",     "lens",      "movie",     "series",   "weekend",   "hiking",
            "mountain", "snow",      "river",     "fishing",   "boat",     "sailing",   "wind",
            "storm",    "forecast",  "insurance", "mortgage",  "rent",     "apartment", "furniture",
            "lamp",     "chair",     "sofa",      "carpet"};
        for (const char* w : topics) out.emplace_back(w);
        // A long tail of rarer words (made up, but word-shaped), as real texts have.
        const char* parts[] = {"ka", "lo", "mi", "ren", "sto", "vel", "dar", "qui", "po", "zen"};
        for (const char* a : parts) {
            for (const char* b : parts) {
                for (const char* c : parts) out.push_back(std::string(a) + b + c);
            }
        }
        return out;
    }();
    return words;
}

class text_maker {
public:
    explicit text_maker(unsigned seed) : random_(seed) {
        std::vector<double> weights;
        for (std::size_t i = 0; i < vocabulary().size(); ++i) weights.push_back(1.0 / (i + 1.0));
        zipf_ = std::discrete_distribution<std::size_t>(weights.begin(), weights.end());
    }

    std::string words(int count) {
        std::string out;
        for (int i = 0; i < count; ++i) {
            if (i) out += ' ';
            out += vocabulary()[zipf_(random_)];
        }
        return out;
    }

    int between(int low, int high) { return std::uniform_int_distribution(low, high)(random_); }

private:
    std::mt19937 random_;
    std::discrete_distribution<std::size_t> zipf_;
};

json an_export(text_maker& text, int messages) {
    json list = json::array();
    for (int m = 0; m < messages; ++m) {
        list.push_back(
            {{"role", m % 2 == 0 ? "user" : "assistant"},
             {"content", text.words(m % 2 == 0 ? text.between(5, 30) : text.between(30, 120))},
             {"timestamp", "2026-03-01T12:00:00.000Z"},
             {"status", "complete"}}
        );
    }
    return {
        {"format", "moodring.conversation"},
        {"version", 1},
        {"conversation", {{"title", text.words(text.between(2, 5))}, {"messages", list}}},
    };
}

// 1 to 3 words: a third from the most common words, a third from the topics, a third rare.
std::vector<std::string> queries(std::size_t count) {
    std::mt19937 random(7);
    const auto& words = vocabulary();
    auto pick = [&](std::size_t low, std::size_t high) {
        return words[std::uniform_int_distribution(low, high - 1)(random)];
    };
    std::vector<std::string> out;
    for (std::size_t i = 0; i < count; ++i) {
        const int length = static_cast<int>(i % 3) + 1;
        std::string q;
        for (int w = 0; w < length; ++w) {
            if (w) q += '+';
            switch ((i / 3 + w) % 3) {
                case 0:
                    q += pick(0, 47);
                    break;
                case 1:
                    q += pick(47, 150);
                    break;
                default:
                    q += pick(150, words.size());
                    break;
            }
        }
        out.push_back(std::move(q));
    }
    return out;
}

// The floor: one conversation of 20 messages read through the same connection, store
// thread and JSON writer, right after each search, so that the machine's load in that moment
// weighs on both.
std::int64_t timed_read(test::http_connection& reader, const std::string& target) {
    const auto start = clock_type::now();
    auto reply = reader.request("GET", target);
    const auto ns = std::chrono::nanoseconds(clock_type::now() - start).count();
    if (reply.status != 200) throw std::runtime_error("read refused: " + reply.body);
    return ns;
}

}  // namespace

json run_search_scenario(bool quick, unsigned threads) {
    const int conversations = quick ? 1000 : 10000;
    const int messages = 20;
    const std::size_t searches = quick ? 100 : 400;
    target_settings settings;
    settings.server_args = {"--server.io_threads", std::to_string(threads)};
    targets t(settings);

    text_maker text(42);
    test::http_connection filler(t.server_port());
    const auto fill_start = clock_type::now();
    std::string last_imported;
    for (int i = 0; i < conversations; ++i) {
        auto reply =
            filler.request("POST", "/api/conversations/import", an_export(text, messages).dump());
        if (reply.status != 201) throw std::runtime_error("import refused: " + reply.body);
        if (i == conversations - 1) last_imported = json::parse(reply.body)["conversation"]["id"];
    }
    const double fill_s = std::chrono::duration<double>(clock_type::now() - fill_start).count();

    test::http_connection reader(t.server_port());
    for (int i = 0; i < 10; ++i) reader.request("GET", "/api/conversations?q=warm+up");
    std::vector<std::int64_t> all, by_length[3], floor;
    std::size_t results = 0, empty = 0;
    const auto list = queries(searches);
    for (std::size_t i = 0; i < list.size(); ++i) {
        const auto start = clock_type::now();
        auto reply = reader.request("GET", "/api/conversations?q=" + list[i]);
        const auto ns = std::chrono::nanoseconds(clock_type::now() - start).count();
        if (reply.status != 200) throw std::runtime_error("search refused: " + reply.body);
        const auto found = json::parse(reply.body)["conversations"].size();
        results += found;
        empty += found == 0;
        all.push_back(ns);
        by_length[i % 3].push_back(ns);
        floor.push_back(timed_read(reader, "/api/conversations/" + last_imported));
    }
    const auto overall = summarize(all);
    const auto floor_summary = summarize(floor);
    return {
        {"scenario", "search"},
        {"ok", true},
        {"conversations", conversations},
        {"messages_per_conversation", messages},
        {"fill_s", fill_s},
        {"searches", list.size()},
        {"mean_results", static_cast<double>(results) / list.size()},
        {"empty_results", empty},
        {"latency_ms", to_json(overall)},
        {"floor_latency_ms", to_json(floor_summary)},
        {"latency_ms_by_words",
         {to_json(summarize(by_length[0])),
          to_json(summarize(by_length[1])),
          to_json(summarize(by_length[2]))}},
        {"database_mib", std::filesystem::file_size(t.server().database()) / (1024.0 * 1024.0)},
    };
}

}  // namespace moodring::bench
