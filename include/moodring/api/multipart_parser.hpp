#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moodring::api {

struct multipart_part {
    std::string name;                     // Content-Disposition name
    std::optional<std::string> filename;  // Content-Disposition filename, if any
    std::string content_type;             // lower-case, without parameters; empty if absent
    std::string body;
};

struct multipart_limits {
    std::size_t max_part_bytes = 1'000'000;
    std::size_t max_parts = 16;
    std::size_t max_header_bytes = 8 * 1024;
};

// The boundary parameter of a `multipart/form-data; boundary=...` Content-Type, or nullopt.
std::optional<std::string> multipart_boundary(std::string_view content_type);

// multipart/form-data (RFC 7578 over RFC 2046), sans-I/O: bytes go in as they arrive, split
// anywhere, and complete parts come out. Each byte is looked at a bounded number of times.
class multipart_parser {
public:
    enum class status { ok, too_large, malformed };

    multipart_parser(std::string boundary, multipart_limits limits);

    // Consumes `bytes`; after an error further input is ignored.
    status feed(std::string_view bytes);

    // The body has ended: anything short of the closing delimiter is malformed.
    status finish();

    const std::vector<multipart_part>& parts() const { return parts_; }
    const std::string& error() const { return error_; }

private:
    enum class state { preamble, after_delimiter, headers, body, epilogue, failed };

    status fail(status s, std::string message);
    bool parse_headers(std::string_view block);
    status step();
    // The steps of `step`, one per state: nullopt once the state has changed, else what
    // `feed` returns. `pos` is how far `pending_` has been consumed.
    std::optional<status> find_delimiter(std::size_t& pos);
    std::optional<status> after_delimiter(std::size_t& pos);
    std::optional<status> read_headers(std::size_t& pos);
    std::optional<status> take_body(std::size_t pos, std::size_t end);

    std::string delimiter_;  // CRLF "--" boundary
    multipart_limits limits_;
    state state_ = state::preamble;
    std::string pending_;  // bytes not yet consumed
    std::size_t scan_from_ = 0;
    std::vector<multipart_part> parts_;
    std::string error_;
    status failure_ = status::ok;
};

}  // namespace moodring::api
