// What arrives on a conversation's Redis channel: anyone who can reach Redis can publish there,
// so the bytes are not trusted. The input is a series of messages, each a length byte and that
// many bytes. decode never crashes; what it accepts encodes back to the same envelope; and the
// mirror of another instance's reply, fed the decoded frames in order, only ever shows a
// watcher text that is the concatenation of the chunks it delivered.

#include "fuzz_input.hpp"
#include <moodring/cluster/envelope.hpp>
#include <moodring/cluster/reply_mirror.hpp>

namespace {

using namespace moodring;
using namespace moodring::cluster;
using fuzz::check;

void check_round_trip(const envelope& e) {
    const auto again = decode(encode(e));
    check(again.has_value(), "an encoded envelope does not decode");
    check(again->type == e.type && again->instance == e.instance, "kind or instance changed");
    check(again->generation == e.generation && again->seq == e.seq, "generation or seq changed");
    check(again->turn == e.turn && again->payload == e.payload, "turn or payload changed");
}

// Feeds the mirror as the channel does and keeps the text it was shown.
void feed(reply_mirror& mirror, std::string& shown, const envelope& e) {
    if (e.type == envelope::kind::begin) {
        mirror.begin(e.generation, e.payload);
        shown.clear();
        return;
    }
    if (e.type == envelope::kind::end) {
        mirror.end(e.generation);
        return;
    }
    if (e.type != envelope::kind::chunk && e.type != envelope::kind::json) return;
    const auto before = mirror.generation();
    if (mirror.check(e) == reply_mirror::verdict::deliver && e.type == envelope::kind::chunk) {
        check(e.generation == before, "a chunk of another generation delivered");
        shown += e.payload;
    }
    if (mirror.live()) check(mirror.text() == shown, "the mirror's text is not what was shown");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    reply_mirror mirror;
    std::string shown;
    while (!input.empty()) {
        const std::size_t length =
            std::min<std::size_t>(static_cast<std::uint8_t>(input[0]), input.size() - 1);
        const auto message = input.substr(1, length);
        input.remove_prefix(1 + length);
        std::string why;
        const auto e = decode(message, &why);
        if (!e) {
            check(!why.empty(), "a refusal without a reason");
            continue;
        }
        check_round_trip(*e);
        feed(mirror, shown, *e);
    }
    return 0;
}
