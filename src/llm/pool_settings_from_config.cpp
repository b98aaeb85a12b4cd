#include <moodring/llm/pool_settings_from_config.hpp>

namespace moodring::llm {
namespace {

// What every endpoint shares; `url` and `kind` say which one it is.
backend_options backend_options_from(
    const config::llm_section& llm, std::string url, std::string kind
) {
    return {
        .base_url = std::move(url),
        .kind = std::move(kind),
        .connect_timeout = llm.connect_timeout,
        .first_byte_timeout = llm.first_byte_timeout,
        .idle_timeout = llm.idle_timeout,
        .max_line_bytes = llm.max_line_bytes,
        .pool_size = llm.pool_size,
        .max_retries = static_cast<int>(llm.max_retries),
        .retry_backoff = llm.retry_backoff,
        .keep_alive = llm.keep_alive,
    };
}

}  // namespace

std::vector<endpoint_config> endpoints_from(const config& configuration) {
    const auto& llm = configuration.llm;
    std::vector<endpoint_config> endpoints;
    if (llm.endpoints.empty()) {
        endpoints.push_back({
            .options = backend_options_from(llm, llm.url, llm.kind),
            .slots = llm.slots,
            .models = {},
        });
        return endpoints;
    }
    for (const auto& endpoint : llm.endpoints) {
        endpoints.push_back({
            .options = backend_options_from(llm, endpoint.url, endpoint.kind),
            .slots = endpoint.slots,
            .models = endpoint.models,
        });
    }
    return endpoints;
}

pool_settings pool_settings_from(const config& configuration) {
    const auto& llm = configuration.llm;
    return {
        .scheduling =
            {
                .max_slots = llm.max_in_flight,
                .cooldown = llm.cooldown,
                .cooldown_max = llm.cooldown_max,
                .theme_yield = llm.theme_yield,
            },
        .models_refresh = llm.models_refresh,
        .max_retries = static_cast<int>(llm.max_retries),
        .retry_backoff = llm.retry_backoff,
    };
}

}  // namespace moodring::llm
