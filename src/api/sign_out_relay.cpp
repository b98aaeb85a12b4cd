#include <moodring/api/sign_out_relay.hpp>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace moodring::api {

namespace {

using nlohmann::json;

std::optional<auth::credential_kind> kind_named(const std::string& name) {
    if (name == "session") return auth::credential_kind::session;
    if (name == "key") return auth::credential_kind::key;
    return std::nullopt;
}

std::optional<std::vector<std::int64_t>> ids_in(const json& list) {
    if (!list.is_array()) return std::nullopt;
    std::vector<std::int64_t> ids;
    for (const auto& id : list) {
        if (!id.is_number_integer()) return std::nullopt;
        ids.push_back(id.get<std::int64_t>());
    }
    return ids;
}

}  // namespace

std::string sign_out_notice(const sign_out& what) {
    if (const auto* user = std::get_if<user_signed_out>(&what)) {
        return json{{"close", "user"}, {"id", user->user_id}}.dump();
    }
    const auto& credentials = std::get<credentials_signed_out>(what);
    const bool session = credentials.kind == auth::credential_kind::session;
    return json{{"close", session ? "session" : "key"}, {"ids", credentials.ids}}.dump();
}

std::optional<sign_out> read_sign_out_notice(std::string_view notice) {
    const auto parsed = json::parse(notice, nullptr, false);
    if (!parsed.is_object() || parsed.size() != 2) return std::nullopt;
    const auto close = parsed.find("close");
    if (close == parsed.end() || !close->is_string()) return std::nullopt;
    if (*close == "user") {
        const auto id = parsed.find("id");
        if (id == parsed.end() || !id->is_number_integer()) return std::nullopt;
        return user_signed_out{id->get<std::int64_t>()};
    }
    const auto kind = kind_named(close->get<std::string>());
    const auto ids = parsed.find("ids");
    if (!kind || ids == parsed.end()) return std::nullopt;
    auto list = ids_in(*ids);
    if (!list) return std::nullopt;
    return credentials_signed_out{*kind, std::move(*list)};
}

sign_out_relay::sign_out_relay(std::shared_ptr<signed_out_sockets> local, publisher publish)
    : local_(std::move(local)), publish_(std::move(publish)) {}

void sign_out_relay::close_credentials(auth::credential_kind kind, std::vector<std::int64_t> ids) {
    if (ids.empty()) return;
    publish_(sign_out_notice(credentials_signed_out{kind, ids}));
    local_->close_credentials(kind, std::move(ids));
}

void sign_out_relay::close_user(std::int64_t user_id) {
    publish_(sign_out_notice(user_signed_out{user_id}));
    local_->close_user(user_id);
}

void sign_out_relay::received(std::string_view notice) {
    auto what = read_sign_out_notice(notice);
    if (!what) {
        spdlog::warn("a sign-out notice from another instance ignored: it cannot be read");
        return;
    }
    if (auto* user = std::get_if<user_signed_out>(&*what)) {
        local_->close_user(user->user_id);
        return;
    }
    auto& credentials = std::get<credentials_signed_out>(*what);
    local_->close_credentials(credentials.kind, std::move(credentials.ids));
}

}  // namespace moodring::api
