#pragma once

#include <moodring/store/database_options.hpp>
#include <moodring/store/store.hpp>

#include <memory>

namespace moodring::store {

class store_metrics;

// The store the configuration asks for (SQLite, the only one so far), ready to serve: the
// database opened and migrated, and the replies a crash left `streaming` marked
// `interrupted`. Throws, naming the database, if it cannot be used: the server must not
// start. `metrics` (null: not measured) must outlive the store.
std::unique_ptr<store> make_store(
    const database_options& options, store_metrics* metrics = nullptr
);

}  // namespace moodring::store
