#include <moodring/api/static_files.hpp>

#include <array>
#include <fstream>
#include <sstream>

namespace moodring::api {
namespace {

// The page loads only its own scripts, styles and connections: a reply rendered into it
// cannot pull anything in from elsewhere.
constexpr const char* content_security_policy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'";

struct mime_entry {
    std::string_view extension;
    std::string_view type;
};

constexpr std::array<mime_entry, 14> mime_types{{
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".map", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".webp", "image/webp"},
    {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},
    {".md", "text/markdown; charset=utf-8"},
    {".webmanifest", "application/manifest+json"},
}};

bool inside(const std::filesystem::path& root, const std::filesystem::path& file) {
    auto r = root.begin();
    auto f = file.begin();
    for (; r != root.end(); ++r, ++f) {
        if (f == file.end() || *r != *f) return false;
    }
    return true;
}

}  // namespace

std::string_view mime_type_for(const std::filesystem::path& file) {
    const auto extension = file.extension().string();
    for (const auto& entry : mime_types) {
        if (entry.extension == extension) return entry.type;
    }
    return "application/octet-stream";
}

static_files::static_files(std::filesystem::path root) : root_(std::move(root)) {}

boost::asio::awaitable<http_response> static_files::serve(http_request request) const {
    std::error_code ec;
    const auto root = std::filesystem::weakly_canonical(root_, ec);
    std::string relative = request.path;
    while (!relative.empty() && relative.front() == '/') relative.erase(0, 1);
    if (relative.find('\0') != std::string::npos) co_return error_response(404, "Not found");
    auto file = std::filesystem::weakly_canonical(root / relative, ec);
    if (ec || !inside(root, file)) co_return error_response(404, "Not found");
    if (std::filesystem::is_directory(file, ec)) file /= "index.html";
    if (!std::filesystem::is_regular_file(file, ec)) co_return error_response(404, "Not found");

    const auto size = std::filesystem::file_size(file, ec);
    const auto mtime = std::filesystem::last_write_time(file, ec).time_since_epoch().count();
    std::ostringstream tag;
    tag << '"' << std::hex << size << '-' << mtime << '"';
    http_response response;
    response.content_type = std::string(mime_type_for(file));
    response.with_header("ETag", tag.str());
    response.with_header("Cache-Control", "no-cache");
    response.with_header("X-Content-Type-Options", "nosniff");
    if (file.extension() == ".html") {
        response.with_header("Content-Security-Policy", content_security_policy);
        response.with_header("Referrer-Policy", "no-referrer");
    }
    if (request.header("if-none-match") == tag.str()) {
        response.status = 304;
        response.content_type.clear();
        co_return response;
    }
    std::ifstream in(file, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    response.body = content.str();
    co_return response;
}

}  // namespace moodring::api
