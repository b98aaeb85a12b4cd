#pragma once

#include "http_client.hpp"

#include <memory>
#include <stdexcept>

namespace moodring::llm::detail {

inline std::unique_ptr<http_client> make_client(backend_options options) {
    auto url = parse_base_url(options.base_url);
    if (!url) throw std::invalid_argument{"invalid llm base_url \"" + options.base_url + "\""};
    return std::make_unique<http_client>(std::move(*url), std::move(options));
}

}  // namespace moodring::llm::detail
