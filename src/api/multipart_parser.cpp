#include <moodring/api/multipart_parser.hpp>

#include <algorithm>
#include <cctype>

namespace moodring::api {
namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// Splits `a=b; c="d"` parameters after the first `;`, unquoting quoted strings.
std::vector<std::pair<std::string, std::string>> parameters(std::string_view value) {
    std::vector<std::pair<std::string, std::string>> out;
    auto pos = value.find(';');
    while (pos != std::string_view::npos && pos < value.size()) {
        ++pos;
        while (pos < value.size() && (value[pos] == ' ' || value[pos] == '\t')) ++pos;
        const auto eq = value.find('=', pos);
        if (eq == std::string_view::npos) break;
        std::string key = lower(trim(value.substr(pos, eq - pos)));
        std::string val;
        pos = eq + 1;
        if (pos < value.size() && value[pos] == '"') {
            ++pos;
            // Browsers send backslashes literally (Windows paths) and percent-encode quotes;
            // only a backslash before a quote is read as an escape.
            while (pos < value.size() && value[pos] != '"') {
                if (value[pos] == '\\' && pos + 1 < value.size() && value[pos + 1] == '"') ++pos;
                val += value[pos++];
            }
            pos = value.find(';', pos);
        } else {
            const auto end = value.find(';', pos);
            val = std::string(trim(value.substr(pos, end - pos)));
            pos = end;
        }
        out.emplace_back(std::move(key), std::move(val));
    }
    return out;
}

}  // namespace

std::optional<std::string> multipart_boundary(std::string_view content_type) {
    const auto semicolon = content_type.find(';');
    if (lower(trim(content_type.substr(0, semicolon))) != "multipart/form-data") {
        return std::nullopt;
    }
    for (auto& [key, value] : parameters(content_type)) {
        // RFC 2046: 1 to 70 characters, not ending in a space.
        if (key == "boundary" && !value.empty() && value.size() <= 70 && value.back() != ' ') {
            return value;
        }
    }
    return std::nullopt;
}

multipart_parser::multipart_parser(std::string boundary, multipart_limits limits)
    : delimiter_("\r\n--" + boundary), limits_(limits), pending_("\r\n") {
    // The leading CRLF lets the first delimiter, which has none before it, match like the rest.
}

multipart_parser::status multipart_parser::fail(status s, std::string message) {
    state_ = state::failed;
    failure_ = s;
    error_ = std::move(message);
    pending_.clear();
    return s;
}

bool multipart_parser::parse_headers(std::string_view block) {
    multipart_part part;
    bool has_disposition = false;
    while (!block.empty()) {
        auto eol = block.find("\r\n");
        std::string_view line = block.substr(0, eol);
        block.remove_prefix(eol == std::string_view::npos ? block.size() : eol + 2);
        if (line.empty()) continue;
        const auto colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0) return false;
        const std::string name = lower(trim(line.substr(0, colon)));
        const std::string_view value = trim(line.substr(colon + 1));
        if (name == "content-disposition") {
            const auto semicolon = value.find(';');
            if (lower(trim(value.substr(0, semicolon))) != "form-data") return false;
            for (auto& [key, val] : parameters(value)) {
                if (key == "name") {
                    part.name = val;
                    has_disposition = true;
                } else if (key == "filename") {
                    part.filename = val;
                }
            }
        } else if (name == "content-type") {
            part.content_type = lower(trim(value.substr(0, value.find(';'))));
        }
    }
    if (!has_disposition) return false;
    parts_.push_back(std::move(part));
    return true;
}

multipart_parser::status multipart_parser::feed(std::string_view bytes) {
    if (state_ == state::failed) return failure_;
    if (state_ == state::epilogue) return status::ok;
    pending_.append(bytes);
    const auto s = step();
    return s;
}

// Consumes as much of `pending_` as can be decided, keeping only what could still be the
// start of a delimiter (or an incomplete header block). Each state's step either moves to the
// next state (nullopt) or says what `feed` returns.
multipart_parser::status multipart_parser::step() {
    std::size_t pos = 0;
    for (;;) {
        std::optional<status> done;
        switch (state_) {
            case state::preamble:
            case state::body:
                done = find_delimiter(pos);
                break;
            case state::after_delimiter:
                done = after_delimiter(pos);
                break;
            case state::headers:
                done = read_headers(pos);
                break;
            case state::epilogue:
                return status::ok;
            case state::failed:
                return failure_;
        }
        if (done) return *done;
    }
}

// Body bytes [pos, end) belong to the current part; preamble bytes are dropped.
std::optional<multipart_parser::status> multipart_parser::take_body(
    std::size_t pos, std::size_t end
) {
    if (state_ != state::body) return std::nullopt;
    auto& body = parts_.back().body;
    if (body.size() + (end - pos) > limits_.max_part_bytes) {
        return fail(status::too_large, "a part is larger than allowed");
    }
    body.append(pending_, pos, end - pos);
    return std::nullopt;
}

// Preamble or body: up to the next delimiter.
std::optional<multipart_parser::status> multipart_parser::find_delimiter(std::size_t& pos) {
    const auto found = pending_.find(delimiter_, std::max(pos, scan_from_));
    if (found == std::string::npos) {
        // Everything but a possible delimiter prefix at the end is settled.
        const auto keep = std::min(pending_.size() - pos, delimiter_.size() - 1);
        const auto settled = pending_.size() - keep;
        if (auto failed = take_body(pos, settled)) return failed;
        pending_.erase(0, settled);
        scan_from_ = 0;
        return status::ok;
    }
    if (auto failed = take_body(pos, found)) return failed;
    pos = found + delimiter_.size();
    scan_from_ = 0;
    state_ = state::after_delimiter;
    return std::nullopt;
}

// The end of a delimiter line: "--" closes the body, CRLF starts a part.
std::optional<multipart_parser::status> multipart_parser::after_delimiter(std::size_t& pos) {
    // Transport padding (spaces, tabs) may follow a delimiter before its CRLF.
    while (pos < pending_.size() && (pending_[pos] == ' ' || pending_[pos] == '\t')) {
        ++pos;
    }
    if (pending_.size() - pos < 2) {
        pending_.erase(0, pos);
        return status::ok;
    }
    if (pending_.compare(pos, 2, "--") == 0) {
        state_ = state::epilogue;
        pending_.clear();
        return status::ok;
    }
    if (pending_.compare(pos, 2, "\r\n") != 0) {
        return fail(status::malformed, "a boundary is followed by garbage");
    }
    if (parts_.size() >= limits_.max_parts) {
        return fail(status::too_large, "too many parts");
    }
    pos += 2;
    state_ = state::headers;
    return std::nullopt;
}

// A part's header block, up to the blank line that ends it.
std::optional<multipart_parser::status> multipart_parser::read_headers(std::size_t& pos) {
    std::size_t end = std::string::npos;
    std::size_t after = 0;
    if (pending_.compare(pos, 2, "\r\n") == 0) {
        end = pos;  // a part without headers
        after = pos + 2;
    } else if (auto blank = pending_.find("\r\n\r\n", std::max(pos, scan_from_));
               blank != std::string::npos) {
        end = blank;
        after = blank + 4;
    }
    if (end == std::string::npos) {
        // Up to three of the bytes held may be the start of the blank line that ends the
        // block, so they do not count against the limit yet.
        if (pending_.size() - pos > limits_.max_header_bytes + 3) {
            return fail(status::malformed, "part headers are too long");
        }
        pending_.erase(0, pos);
        scan_from_ = pending_.size() >= 3 ? pending_.size() - 3 : 0;
        return status::ok;
    }
    if (end - pos > limits_.max_header_bytes) {
        return fail(status::malformed, "part headers are too long");
    }
    if (!parse_headers(std::string_view(pending_).substr(pos, end - pos))) {
        return fail(status::malformed, "a part has no valid Content-Disposition");
    }
    pos = after;
    scan_from_ = 0;
    state_ = state::body;
    return std::nullopt;
}

multipart_parser::status multipart_parser::finish() {
    if (state_ == state::failed) return failure_;
    if (state_ != state::epilogue)
        return fail(status::malformed, "the body ends before its closing boundary");
    return status::ok;
}

}  // namespace moodring::api
