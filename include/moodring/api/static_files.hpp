#pragma once

#include <moodring/api/http_types.hpp>

#include <boost/asio/awaitable.hpp>

#include <filesystem>

namespace moodring::api {

// The bundled browser page: files under the web root with their MIME type, an ETag for
// revalidation, and the page's security headers. Nothing outside the root is reachable.
class static_files {
public:
    explicit static_files(std::filesystem::path root);

    boost::asio::awaitable<http_response> serve(http_request request) const;

private:
    std::filesystem::path root_;
};

std::string_view mime_type_for(const std::filesystem::path& file);

}  // namespace moodring::api
