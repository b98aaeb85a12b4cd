#include <moodring/api/metrics_api.hpp>
#include <moodring/core/metrics.hpp>

namespace moodring::api {

bool is_loopback_address(std::string_view address) noexcept {
    constexpr std::string_view mapped = "::ffff:";
    if (address.starts_with(mapped)) address.remove_prefix(mapped.size());
    return address.starts_with("127.") || address == "::1";
}

metrics_api::metrics_api(const metrics::registry& registry, bool loopback_only)
    : registry_(registry), loopback_only_(loopback_only) {}

boost::asio::awaitable<http_response> metrics_api::metrics(http_request request) {
    if (loopback_only_ && !is_loopback_address(request.remote_address)) {
        co_return error_response(
            403, "Metrics are served only to clients on this machine (metrics.loopback_only)"
        );
    }
    http_response response;
    response.content_type = std::string(metrics::registry::content_type);
    response.body = registry_.render();
    response.headers.emplace_back("Cache-Control", "no-store");
    co_return response;
}

}  // namespace moodring::api
