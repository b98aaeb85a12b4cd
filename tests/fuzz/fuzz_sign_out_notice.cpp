// A sign-out notice as it arrives on the cluster's Redis `notices` channel: anyone who can
// reach Redis can publish there, so the text is not trusted. Reading never crashes; what it
// accepts is one of the two shapes and writes back to a notice that reads the same; the relay
// closes sockets for an accepted notice only, and nothing for a refused one.

#include "fuzz_input.hpp"
#include <moodring/api/sign_out_relay.hpp>

#include <spdlog/spdlog.h>

namespace {

using namespace moodring;
using namespace moodring::api;
using fuzz::check;

struct counting_sockets final : signed_out_sockets {
    void close_credentials(auth::credential_kind, std::vector<std::int64_t>) override { ++closes; }
    void close_user(std::int64_t) override { ++closes; }
    int closes = 0;
};

bool same(const sign_out& a, const sign_out& b) {
    if (a.index() != b.index()) return false;
    if (const auto* user = std::get_if<user_signed_out>(&a)) {
        return user->user_id == std::get<user_signed_out>(b).user_id;
    }
    const auto& x = std::get<credentials_signed_out>(a);
    const auto& y = std::get<credentials_signed_out>(b);
    return x.kind == y.kind && x.ids == y.ids;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // A refused notice is logged: millions of lines would only slow the run.
    static const bool quiet = [] {
        spdlog::set_level(spdlog::level::off);
        return true;
    }();
    (void)quiet;
    const std::string_view notice(reinterpret_cast<const char*>(data), size);
    const auto read = read_sign_out_notice(notice);
    if (read) {
        const auto again = read_sign_out_notice(sign_out_notice(*read));
        check(again.has_value(), "a written notice does not read back");
        check(same(*read, *again), "a notice changed on its way back");
    }
    auto sockets = std::make_shared<counting_sockets>();
    sign_out_relay relay(sockets, [](std::string) {
        check(false, "a received notice was sent on");
    });
    relay.received(notice);
    check(sockets->closes == (read ? 1 : 0), "sockets closed for a notice that was refused");
    return 0;
}
