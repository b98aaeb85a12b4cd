#include "recorder.hpp"

#include <moodring/core/clock.hpp>

#include <chrono>

namespace mock_ollama {
namespace {

nlohmann::json optional_ns(const std::optional<std::int64_t>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

std::int64_t mono_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               moodring::mono_clock::now().time_since_epoch()
    )
        .count();
}

void request_record::token_sent(std::int64_t at_ns) {
    ++tokens_sent;
    if (!first_token_ns) first_token_ns = at_ns;
    last_token_ns = at_ns;
}

void request_record::finish(std::string how) {
    outcome = std::move(how);
    client_gone = outcome == "client_gone";
    finished_ns = mono_ns();
}

double request_record::queue_wait_ms() const {
    if (!queued_ns) return 0;
    const auto end = admitted_ns ? *admitted_ns : finished_ns ? *finished_ns : mono_ns();
    return static_cast<double>(end - *queued_ns) / 1e6;
}

std::shared_ptr<request_record> recorder::start(
    std::string method, std::string path, std::uint64_t connection_id
) {
    auto record = std::make_shared<request_record>();
    record->seq = next_seq_++;
    record->method = std::move(method);
    record->path = std::move(path);
    record->connection_id = connection_id;
    record->started_ns = mono_ns();
    records_.push_back(record);
    return record;
}

void recorder::reset() { records_.clear(); }

nlohmann::json recorder::to_json() const {
    auto list = nlohmann::json::array();
    for (const auto& r : records_) {
        list.push_back({
            {"seq", r->seq},
            {"label", r->label},
            {"method", r->method},
            {"path", r->path},
            {"model", r->model},
            {"body", r->body},
            {"connection_id", r->connection_id},
            {"status", r->status},
            {"started_ns", r->started_ns},
            {"finished_ns", optional_ns(r->finished_ns)},
            {"tokens_sent", r->tokens_sent},
            {"outcome", r->outcome},
            {"client_gone", r->client_gone},
            {"brace_sent_ns", optional_ns(r->brace_sent_ns)},
            {"first_token_ns", optional_ns(r->first_token_ns)},
            {"last_token_ns", optional_ns(r->last_token_ns)},
            {"queued_ns", optional_ns(r->queued_ns)},
            {"admitted_ns", optional_ns(r->admitted_ns)},
            {"queue_wait_ms", r->queue_wait_ms()},
            {"load_ms", static_cast<double>(r->load_wait_ns) / 1e6},
        });
    }
    return {{"requests", std::move(list)}};
}

}  // namespace mock_ollama
