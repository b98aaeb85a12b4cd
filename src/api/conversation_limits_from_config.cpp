#include <moodring/api/conversation_limits_from_config.hpp>

namespace moodring::api {

conversation_limits conversation_limits_from(const config& configuration) {
    return {
        .max_title_bytes = configuration.http.max_title_bytes,
        .max_custom_context_bytes = configuration.http.max_custom_context_bytes,
        .max_upload_bytes = configuration.http.max_upload_bytes,
        // max_page_size is not configurable
        .max_json_depth = configuration.http.max_json_depth,
        .max_model_name_bytes = configuration.http.max_model_name_bytes,
        .max_search_query_bytes = configuration.http.max_search_query_bytes,
        .max_search_results = static_cast<int>(configuration.http.max_search_results),
        .max_search_candidates = static_cast<int>(configuration.http.max_search_candidates),
        .max_import_messages = configuration.http.max_import_messages,
        .max_message_bytes = configuration.chat.max_message_bytes,
    };
}

}  // namespace moodring::api
