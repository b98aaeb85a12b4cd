#include <moodring/api/health_api.hpp>
#include <moodring/store/store.hpp>

#include <nlohmann/json.hpp>

namespace moodring::api {

health_api::health_api(std::shared_ptr<store::store> db, probe llm_reachable)
    : db_(std::move(db)), llm_reachable_(std::move(llm_reachable)) {}

boost::asio::awaitable<http_response> health_api::health(http_request) {
    bool db_ok = false;
    try {
        db_ok = co_await db_->run([](store::repository& r) { return r.healthy(); });
    } catch (const std::exception&) {
        db_ok = false;
    }
    const bool llm_ok = co_await llm_reachable_();
    const auto uptime = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::steady_clock::now() - started_
    );
    nlohmann::json body{
        {"status", db_ok ? "ok" : "unavailable"},
        {"db", db_ok ? "ok" : "unavailable"},
        {"llm", llm_ok ? "ok" : "unreachable"},
        {"uptime_s", uptime.count()},
    };
    co_return json_response(db_ok ? 200 : 503, body);
}

}  // namespace moodring::api
