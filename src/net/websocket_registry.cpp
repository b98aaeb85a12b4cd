#include <moodring/net/websocket_registry.hpp>

#include <algorithm>
#include <vector>

namespace moodring::net {

std::uint64_t websocket_registry::add(closer close, std::optional<websocket_owner> owner) {
    std::lock_guard lock(mutex_);
    sessions_.emplace(next_id_, entry{std::move(close), owner});
    return next_id_++;
}

void websocket_registry::remove(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    sessions_.erase(id);
}

void websocket_registry::close_where(
    close_cause cause, const std::function<bool(const websocket_owner&)>& matches
) {
    std::vector<closer> closing;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [id, session] : sessions_) {
            if (!matches || (session.owner && matches(*session.owner))) {
                closing.push_back(session.close);
            }
        }
    }
    for (auto& close : closing) close(cause);
}

void websocket_registry::close_all() { close_where(close_cause::shutdown, nullptr); }

void websocket_registry::close_credentials(
    auth::credential_kind kind, std::vector<std::int64_t> ids
) {
    if (ids.empty()) return;
    close_where(close_cause::signed_out, [&](const websocket_owner& owner) {
        return owner.kind == kind &&
               std::find(ids.begin(), ids.end(), owner.credential_id) != ids.end();
    });
}

void websocket_registry::close_user(std::int64_t user_id) {
    close_where(close_cause::signed_out, [&](const websocket_owner& owner) {
        return owner.user_id == user_id;
    });
}

std::size_t websocket_registry::size() const {
    std::lock_guard lock(mutex_);
    return sessions_.size();
}

}  // namespace moodring::net
