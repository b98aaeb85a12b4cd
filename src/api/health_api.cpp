#include <moodring/api/health_api.hpp>
#include <moodring/llm/backend.hpp>
#include <moodring/llm/model_name.hpp>
#include <moodring/store/store.hpp>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <nlohmann/json.hpp>

namespace moodring::api {

namespace {

// The backend's model list, which does not queue for a slot, or a timeout: a busy backend still
// answers it, a dead one does not.
boost::asio::awaitable<bool> reachable(llm::backend& llm, std::chrono::milliseconds timeout) {
    using namespace boost::asio::experimental::awaitable_operators;
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, timeout);
    auto ask = llm.list_models();
    auto give_up = timer.async_wait(boost::asio::use_awaitable);
    auto first = co_await (std::move(ask) || std::move(give_up));
    co_return first.index() == 0 && !std::get<0>(first).error;
}

// Every endpoint, and whether one that is ok serves the chat model.
std::pair<nlohmann::json, bool> endpoints_report(
    const std::vector<llm::endpoint_snapshot>& endpoints, const std::string& chat_model
) {
    auto list = nlohmann::json::array();
    bool serves_chat = false;
    for (const auto& e : endpoints) {
        const bool has_model = llm::serves_model(e.models, chat_model);
        serves_chat = serves_chat || (e.state == llm::endpoint_state::ok && has_model);
        list.push_back({
            {"url", e.url},
            {"state", llm::to_string(e.state)},
            {"slots", e.slots},
            {"slots_source",
             e.slots_configured ? "configured"
             : e.slots_proven   ? "learned"
                                : "learning"},
            {"in_use", e.in_use},
            {"waiting", e.waiting},
            {"models", e.models},
            {"serves_chat_model", has_model},
        });
        if (!e.last_error.empty() && e.state != llm::endpoint_state::ok)
            list.back()["last_error"] = e.last_error;
    }
    return {list, serves_chat};
}

}  // namespace

health_api::health_api(
    std::shared_ptr<store::store> db,
    llm::backend& llm,
    std::string chat_model,
    std::chrono::milliseconds llm_timeout,
    std::function<bool()> bus_connected
)
    : db_(std::move(db)),
      llm_(llm),
      chat_model_(std::move(chat_model)),
      llm_timeout_(llm_timeout),
      bus_connected_(std::move(bus_connected)) {}

boost::asio::awaitable<http_response> health_api::health(http_request) {
    bool db_ok = false;
    try {
        db_ok = co_await db_->healthy();
    } catch (const std::exception&) {
        db_ok = false;
    }
    const bool answered = co_await reachable(llm_, llm_timeout_);
    auto [endpoints, serves_chat] = endpoints_report(llm_.endpoints(), chat_model_);
    const bool llm_ok = answered && (endpoints.empty() || serves_chat);
    const auto uptime = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::steady_clock::now() - started_
    );
    const bool bus_ok = !bus_connected_ || bus_connected_();
    nlohmann::json body{
        {"status",
         !db_ok   ? "unavailable"
         : bus_ok ? "ok"
                  : "degraded"},
        {"db", db_ok ? "ok" : "unavailable"},
        {"bus",
         !bus_connected_ ? "memory"
         : bus_ok        ? "ok"
                         : "unavailable"},
        {"llm", llm_ok ? "ok" : "unreachable"},
        {"uptime_s", uptime.count()},
    };
    if (!endpoints.empty()) body["endpoints"] = std::move(endpoints);
    co_return json_response(db_ok ? 200 : 503, body);
}

}  // namespace moodring::api
