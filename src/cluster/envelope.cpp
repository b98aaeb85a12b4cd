#include <moodring/cluster/envelope.hpp>

namespace moodring::cluster {
namespace {

constexpr char magic = 'm';
constexpr char version = 1;

void put_number(std::string& out, std::uint64_t value) {
    while (value >= 0x80) {
        out.push_back(static_cast<char>((value & 0x7f) | 0x80));
        value >>= 7;
    }
    out.push_back(static_cast<char>(value));
}

// Reads one LEB128 number from the front of `in`; false if cut off or over 64 bits.
bool take_number(std::string_view& in, std::uint64_t& value) {
    value = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (in.empty()) return false;
        const auto byte = static_cast<std::uint8_t>(in.front());
        in.remove_prefix(1);
        const std::uint64_t bits = byte & 0x7f;
        if (shift == 63 && bits > 1) return false;
        value |= bits << shift;
        if ((byte & 0x80) == 0) return true;
    }
    return false;
}

bool known_kind(std::uint8_t k) { return k >= 1 && k <= 6; }

std::optional<envelope> refuse(std::string* why, const char* reason) {
    if (why) *why = reason;
    return std::nullopt;
}

}  // namespace

std::string encode(const envelope& e) {
    std::string out;
    out.reserve(3 + 5 * 10 + e.payload.size());
    out.push_back(magic);
    out.push_back(version);
    out.push_back(static_cast<char>(e.type));
    put_number(out, e.instance);
    put_number(out, e.generation);
    put_number(out, e.seq);
    put_number(out, e.turn);
    put_number(out, e.payload.size());
    out.append(e.payload);
    return out;
}

std::optional<envelope> decode(std::string_view in, std::string* why) {
    if (in.size() < 3) return refuse(why, "too short");
    if (in[0] != magic) return refuse(why, "not an envelope");
    if (in[1] != version) return refuse(why, "another version");
    const auto type = static_cast<std::uint8_t>(in[2]);
    if (!known_kind(type)) return refuse(why, "an unknown kind");
    in.remove_prefix(3);
    envelope e;
    e.type = static_cast<envelope::kind>(type);
    std::uint64_t size = 0;
    if (!take_number(in, e.instance) || !take_number(in, e.generation) || !take_number(in, e.seq) ||
        !take_number(in, e.turn) || !take_number(in, size)) {
        return refuse(why, "a bad number");
    }
    if (size != in.size()) return refuse(why, "the payload's length is wrong");
    e.payload.assign(in);
    return e;
}

}  // namespace moodring::cluster
