#pragma once

#include <moodring/store/postgres/connection.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace moodring::store::postgres {

// The store's connections, one per thread of the store (so one is always free to a thread
// that asks). A connection found lost (Postgres restarted) reconnects before its next use, and
// so does every other connection of the pool, since they were lost with it: the operation
// that met the loss fails, the next one after Postgres is back works.
class connection_pool {
public:
    // `first` is the connection start-up waited for and migrated with; the others are opened
    // beside it, `size` in all.
    connection_pool(std::unique_ptr<connection> first, int size);

    // `work(connection&)` on a connection of the pool, made sure of first.
    template <class F>
    auto use(F& work) {
        auto held = acquire();
        const returned give_back{*this, held};
        try {
            refresh(held);
            return work(*held.db);
        } catch (const database_error&) {
            if (held.db->broken()) ++lost_;
            throw;
        }
    }

    // Closes every connection (none is in use).
    void close();

private:
    struct entry {
        std::unique_ptr<connection> db;
        std::uint64_t seen_lost = 0;  // `lost_` when it last connected
    };

    // Gives a connection back to the pool however its work ended.
    struct returned {
        connection_pool& pool;
        entry& held;
        ~returned() { pool.release(std::move(held)); }
    };

    entry acquire();
    void release(entry held);
    void refresh(entry& held);

    std::mutex mutex_;
    std::vector<entry> idle_;
    std::atomic<std::uint64_t> lost_{0};
};

}  // namespace moodring::store::postgres
