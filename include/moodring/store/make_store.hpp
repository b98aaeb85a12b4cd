#pragma once

#include <moodring/store/account_store.hpp>
#include <moodring/store/database_options.hpp>
#include <moodring/store/store.hpp>

#include <memory>

namespace moodring::store {

class store_metrics;

// One database seen through its two interfaces: both pointers share one object, which is
// destroyed when the last of them goes.
struct stores {
    std::shared_ptr<store> conversations;
    std::shared_ptr<account_store> accounts;
};

// Who opens the database. Only the server marks the replies a crash left `streaming` as
// `interrupted`: a tool (`moodring user …`) may run beside a server whose replies are live.
// An instance of a cluster does not either: the replies `streaming` in the shared database may be
// other instances' live ones, and one whose instance died is ended by the bus (its lease).
enum class opened_by { server, tool, cluster_instance };

// The store the configuration asks for (SQLite at `path`, or Postgres when `url` is set),
// ready to serve: the database opened and migrated, and (for the server) the replies a crash
// left `streaming` marked `interrupted`. Throws, naming the database, if it cannot be used:
// the server must not start; a malformed `url` is a `config_error`. Postgres not answering
// yet is waited for (postgres/start_up.hpp). `metrics` (null: not measured) must outlive the
// store.
stores make_store(
    const database_options& options,
    store_metrics* metrics = nullptr,
    opened_by opener = opened_by::server
);

}  // namespace moodring::store
