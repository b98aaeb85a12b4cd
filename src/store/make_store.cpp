#include <moodring/store/make_store.hpp>
#include <moodring/store/sqlite/sqlite_store.hpp>

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace moodring::store {

stores make_store(const database_options& options, store_metrics* metrics, opened_by opener) {
    auto db = std::make_shared<sqlite::sqlite_store>(options, metrics);
    if (opener == opened_by::tool) return stores{db, db};
    // Before any request is served, and failing the start if it fails (the file locked by
    // another process): a reply left `streaming` by a crash will never finish.
    try {
        if (const int marked = db->mark_streaming_interrupted(); marked > 0) {
            spdlog::warn("marked {} unfinished replies interrupted", marked);
        }
    } catch (const std::exception& e) {
        throw std::runtime_error("database " + options.path + ": " + e.what());
    }
    return stores{db, db};
}

}  // namespace moodring::store
