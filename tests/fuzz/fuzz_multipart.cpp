// A multipart/form-data upload. The payload's first line is the Content-Type value (its
// boundary is read by multipart_boundary), the rest the body, fed to the parser in the chunks
// the input chooses: the outcome and every part's bytes must equal a one-shot parse. The same
// request then goes through read_context_upload, which either returns a file that keeps the
// upload rules or a 4xx answer.

#include "fuzz_input.hpp"
#include <moodring/api/context_upload.hpp>
#include <moodring/api/multipart_parser.hpp>
#include <moodring/core/utf8.hpp>

#include <nlohmann/json.hpp>

namespace {

using namespace moodring;
using api::multipart_parser;
using fuzz::check;
using status = multipart_parser::status;

struct parsed {
    status result = status::ok;
    std::vector<api::multipart_part> parts;
};

parsed parse(
    const std::string& boundary,
    const api::multipart_limits& limits,
    const std::vector<std::string_view>& chunks
) {
    multipart_parser parser(boundary, limits);
    parsed out;
    for (const auto chunk : chunks) {
        out.result = parser.feed(chunk);
        if (out.result != status::ok) break;
    }
    if (out.result == status::ok) out.result = parser.finish();
    check(parser.finish() == out.result, "finish() changed its mind");
    check(out.result == status::ok || !parser.error().empty(), "a failure without a message");
    out.parts = parser.parts();
    return out;
}

bool same_parts(
    const std::vector<api::multipart_part>& a, const std::vector<api::multipart_part>& b
) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i].name != b[i].name || a[i].filename != b[i].filename ||
            a[i].content_type != b[i].content_type || a[i].body != b[i].body) {
            return false;
        }
    }
    return true;
}

void check_upload(const api::http_request& request, std::size_t max_bytes) {
    auto result = api::read_context_upload(request, max_bytes);
    if (auto* file = std::get_if<api::context_file>(&result)) {
        check(!file->filename.empty(), "an uploaded file without a name");
        for (const char c : file->filename) {
            const auto u = static_cast<unsigned char>(c);
            check(c != '/' && c != '\\' && u >= 0x20 && u != 0x7f, "a file name with a path");
        }
        check(file->text.size() <= max_bytes, "an uploaded file over the limit");
        check(is_valid_utf8(file->text), "an uploaded file that is not UTF-8");
        return;
    }
    const auto& answer = std::get<api::http_response>(result);
    check(answer.status == 400 || answer.status == 413 || answer.status == 415, "not a 4xx");
    const auto body = nlohmann::json::parse(answer.body, nullptr, false);
    check(body.is_object() && body.contains("error"), "a refusal without an error message");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    api::multipart_limits limits;
    limits.max_part_bytes = fuzz::pick_limit(in, limits.max_part_bytes);
    limits.max_header_bytes = fuzz::pick_limit(in, limits.max_header_bytes);
    limits.max_parts = in.ConsumeIntegralInRange<std::size_t>(1, limits.max_parts);
    const fuzz::chunk_plan plan(in);
    const std::string payload = in.ConsumeRemainingBytesAsString();
    const auto newline = payload.find('\n');
    const std::string content_type = payload.substr(0, newline);
    const std::string body = newline == std::string::npos ? "" : payload.substr(newline + 1);

    const std::string boundary = api::multipart_boundary(content_type).value_or("boundary");
    check(!boundary.empty() && boundary.size() <= 70, "a boundary outside RFC 2046's length");

    const parsed whole = parse(boundary, limits, {body});
    const parsed split = parse(boundary, limits, plan.split(body));
    check(whole.result == split.result, "the outcome depends on the chunking");
    if (whole.result == status::ok) {
        check(same_parts(whole.parts, split.parts), "the parts depend on the chunking");
        check(whole.parts.size() <= limits.max_parts, "more parts than allowed");
        for (const auto& part : whole.parts) {
            check(part.body.size() <= limits.max_part_bytes, "a part over the limit");
            check(part.content_type.find(';') == std::string::npos, "a type with parameters");
        }
    }

    api::http_request request;
    request.method = "POST";
    request.headers.emplace_back("content-type", content_type);
    request.body = body;
    check_upload(request, limits.max_part_bytes);
    return 0;
}
