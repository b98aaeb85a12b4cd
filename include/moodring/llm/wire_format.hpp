#pragma once

#include <moodring/llm/options.hpp>
#include <moodring/llm/request.hpp>
#include <moodring/llm/result.hpp>
#include <moodring/llm/stream_decoder.hpp>

#include <boost/beast/http/verb.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moodring::llm {

// One HTTP request as a wire format writes it. The client puts the base URL's path prefix in
// front of `path`.
struct wire_request {
    boost::beast::http::verb method = boost::beast::http::verb::get;
    std::string path;  // "/api/chat"
    std::string body;  // JSON; empty for GET
};

// Where a server lists its models, and how its answer names them: `{"<list>": [{"<name>":
// "llama3.2"}, ...]}`.
struct model_listing {
    std::string_view path;
    std::string_view list_key;
    std::string_view name_key;
};

// How one kind of model server speaks HTTP: the paths and bodies of its requests, the decoder
// of its streams and the shape of its model list. Sans-I/O: http_backend sends what it writes
// and reads the answers through it, so the request, stream and error path is written once for
// every kind. Errors in a non-2xx body are read by error_body_text(), which knows both forms.
class wire_format {
public:
    virtual ~wire_format() = default;

    virtual wire_request chat(const chat_request& request) const = 0;
    virtual wire_request generate(const generate_request& request) const = 0;
    // Reads the body of a 2xx answer to chat() or generate().
    virtual std::unique_ptr<stream_decoder> decoder(const stream_handlers& handlers) const = 0;
    virtual model_listing models() const = 0;
    // A request that loads `model` and is answered like a stream (read by decoder()); nullopt
    // when the server has no separate preload, so that asking for its models stands in.
    virtual std::optional<wire_request> warm_up(std::string_view model) const = 0;
};

// The format `options.kind` names ("ollama", "openai"); std::invalid_argument for another.
std::unique_ptr<wire_format> make_wire_format(const backend_options& options);

// The model names in a model list's body; nullopt when the body has no such list.
std::optional<std::vector<std::string>> model_names(
    std::string_view body, const model_listing& listing
);

}  // namespace moodring::llm
