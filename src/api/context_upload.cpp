#include <moodring/api/context_upload.hpp>
#include <moodring/api/multipart_parser.hpp>
#include <moodring/core/utf8.hpp>

#include <algorithm>
#include <array>
#include <cctype>

namespace moodring::api {
namespace {

struct allowed_type {
    std::string_view extension;
    std::array<std::string_view, 2> content_types;
};

constexpr std::array<allowed_type, 3> allowed_types{{
    {".txt", {"text/plain", "text/plain"}},
    {".md", {"text/markdown", "text/x-markdown"}},
    {".json", {"application/json", "application/json"}},
}};

std::string lower(std::string_view text) {
    std::string out(text);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Browsers send the client's path on some systems; only the last component is a name.
std::string base_name(std::string_view name) {
    const auto slash = name.find_last_of("/\\");
    if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
    std::string out;
    for (char c : name) {
        if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out += c;
    }
    return out;
}

}  // namespace

std::variant<context_file, http_response> read_context_upload(
    const http_request& request, std::size_t max_bytes
) {
    auto boundary = multipart_boundary(request.header("content-type"));
    if (!boundary) {
        return error_response(415, "Expected multipart/form-data with a boundary");
    }
    multipart_limits limits;
    limits.max_part_bytes = max_bytes;
    multipart_parser parser(*boundary, limits);
    auto status = parser.feed(request.body);
    if (status == multipart_parser::status::ok) status = parser.finish();
    if (status == multipart_parser::status::too_large) {
        return error_response(
            413, "The file is larger than " + std::to_string(max_bytes) + " bytes"
        );
    }
    if (status != multipart_parser::status::ok) {
        return error_response(400, "Malformed multipart body: " + parser.error());
    }
    const auto& parts = parser.parts();
    auto file = std::find_if(parts.begin(), parts.end(), [](const multipart_part& p) {
        return p.name == "file";
    });
    if (file == parts.end() || !file->filename) {
        return error_response(400, "The upload has no \"file\" field");
    }
    context_file out{base_name(*file->filename), file->body};
    if (out.filename.empty()) return error_response(400, "The file has no name");

    const std::string name = lower(out.filename);
    auto type = std::find_if(allowed_types.begin(), allowed_types.end(), [&](const auto& t) {
        return name.size() > t.extension.size() && name.ends_with(t.extension);
    });
    if (type == allowed_types.end()) {
        return error_response(415, "Only .txt, .md and .json files can be uploaded");
    }
    // Browsers without a MIME mapping for the extension send none or octet-stream.
    const auto& ct = file->content_type;
    const bool type_fits = ct.empty() || ct == "application/octet-stream" ||
                           std::find(type->content_types.begin(), type->content_types.end(), ct) !=
                               type->content_types.end();
    if (!type_fits) {
        return error_response(
            415, "A " + std::string(type->extension) + " file cannot have type " + ct
        );
    }
    if (!is_valid_utf8(out.text)) return error_response(400, "The file is not valid UTF-8 text");
    if (out.text.find('\0') != std::string::npos) {
        return error_response(400, "The file holds a NUL character: it is not text");
    }
    return out;
}

std::string context_addition(const context_file& file) {
    return "\n\n[File: " + file.filename + "]\n" + file.text;
}

}  // namespace moodring::api
