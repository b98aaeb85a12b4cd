#pragma once

#include <moodring/api/http_types.hpp>

#include <boost/asio/awaitable.hpp>

#include <string>

namespace moodring::llm {
class backend;
}

namespace moodring::api {

// GET /api/models: what the LLM backend offers, and which models moodring uses.
class models_api {
public:
    models_api(llm::backend& llm, std::string chat_model, std::string theme_model);

    boost::asio::awaitable<http_response> list(http_request request);

private:
    llm::backend& llm_;
    std::string chat_model_;
    std::string theme_model_;
};

}  // namespace moodring::api
