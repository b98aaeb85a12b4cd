// Arbitrary bytes from a client, through the server's own HTTP request loop (Beast's parser,
// the limits, Expect: 100-continue, keep-alive, the origin policy, the router and the static
// files), over Beast's in-memory test stream instead of a socket. The client writes the input
// in the chunks it chooses, the server reads in the sizes it chooses, then the client closes.
// The session must answer or close, never crash or hang: it ends once the client has closed,
// no exception leaves it, no handler fails with an internal error, what it writes is a sequence
// of well-formed responses (none with a body after HEAD), one for each request it reads, and it
// never serves a byte from outside the web root or leaks an internal error's detail.
//
// The routes are the server's table with stand-in handlers: the real ones need the database,
// whose thread and state would make inputs irreproducible. The stand-ins do what the real ones
// do before the database: read the JSON body or the upload, the query and the path parameter.

#include "fuzz_input.hpp"
#include "net/http_request_loop.hpp"
#include <moodring/api/context_upload.hpp>
#include <moodring/api/json_body.hpp>
#include <moodring/api/static_files.hpp>
#include <moodring/net/router.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/_experimental/test/stream.hpp>

#include <spdlog/details/null_mutex.h>
#include <spdlog/sinks/base_sink.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>

namespace {

using namespace moodring;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using api::http_request;
using api::http_response;
using fuzz::check;

constexpr std::string_view secret = "MOODRING-FUZZ-SECRET-OUTSIDE-THE-ROOT";
constexpr std::string_view internal_detail = "deliberate failure of a stand-in handler";

// Fails on any error-level log line but the deliberate one: handle() logs every exception
// that escapes a handler before answering 500.
class error_log_sink final : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        const std::string_view text(msg.payload.data(), msg.payload.size());
        if (msg.level >= spdlog::level::err &&
            text.find(internal_detail) == std::string_view::npos) {
            std::fprintf(stderr, "%.*s\n", static_cast<int>(text.size()), text.data());
            fuzz::fail("a request failed with an internal error");
        }
    }
    void flush_() override {}
};

// A web root (`web/`) with a page, a sub-directory and a link to a secret beside the root.
std::filesystem::path make_site() {
    char dir_template[] = "/tmp/moodring-fuzz-http-XXXXXX";
    check(mkdtemp(dir_template) != nullptr, "cannot make a temporary directory");
    const std::filesystem::path dir = dir_template;
    const auto root = dir / "web";
    std::filesystem::create_directories(root / "assets");
    std::ofstream(root / "index.html") << "<!doctype html><title>moodring</title>";
    std::ofstream(root / "assets" / "app.js") << "console.log('moodring');";
    std::ofstream(dir / "secret.txt") << secret;
    std::filesystem::create_symlink(dir / "secret.txt", root / "secret-link.txt");
    return dir;
}

http_response echo(const http_request& request) {
    return api::json_response(
        200, nlohmann::json{{"params", request.params}, {"query", request.query}}
    );
}

http_response read_body(const http_request& request) {
    auto parsed = api::json_object_body(request);
    if (auto* answer = std::get_if<http_response>(&parsed)) return std::move(*answer);
    std::optional<http_response> error;
    const auto title = api::string_field(std::get<nlohmann::json>(parsed), "title", error);
    if (error) return std::move(*error);
    return api::json_response(201, nlohmann::json{{"title", title.value_or("")}});
}

http_response read_upload(const http_request& request) {
    auto read = api::read_context_upload(request, 4096);
    if (auto* answer = std::get_if<http_response>(&read)) return std::move(*answer);
    return api::json_response(
        200, nlohmann::json{{"filename", std::get<api::context_file>(read).filename}}
    );
}

net::http_handler handler(http_response (*respond)(const http_request&)) {
    return [respond](http_request request) -> asio::awaitable<http_response> {
        co_return respond(request);
    };
}

std::shared_ptr<net::router> make_routes(std::filesystem::path web_root) {
    auto r = std::make_shared<net::router>();
    r->add("GET", "/api/conversations", handler(echo));
    r->add("POST", "/api/conversations", handler(read_body));
    r->add("GET", "/api/conversations/{id}", handler(echo));
    r->add("PUT", "/api/conversations/{id}", handler(read_body));
    r->add("DELETE", "/api/conversations/{id}", [](http_request) -> asio::awaitable<http_response> {
        throw service_error(errc::database_unavailable, std::string(internal_detail));
        co_return http_response{};
    });
    r->add("GET", "/api/conversations/{id}/messages", handler(echo));
    r->add("POST", "/api/conversations/{id}/files", handler(read_upload));
    r->add("GET", "/health", handler(echo));
    r->add("GET", "/api/models", handler(echo));
    auto files = std::make_shared<api::static_files>(std::move(web_root));
    r->set_fallback([files](http_request request) { return files->serve(std::move(request)); });
    return r;
}

struct fixture {
    std::filesystem::path site = make_site();
    std::shared_ptr<const net::router> routes = make_routes(site / "web");
    std::shared_ptr<const api::origin_policy> origins =
        std::make_shared<api::origin_policy>(std::vector<std::string>{"http://allowed.example"});
    std::atomic<bool> stopping{false};

    fixture() {
        auto logger = std::make_shared<spdlog::logger>("fuzz", std::make_shared<error_log_sink>());
        logger->set_level(spdlog::level::err);
        spdlog::set_default_logger(std::move(logger));
    }
    ~fixture() {
        std::error_code ignored;
        std::filesystem::remove_all(site, ignored);
    }
};

asio::awaitable<void> send(beast::test::stream& client, std::vector<std::string_view> chunks) {
    for (const auto chunk : chunks) {
        auto [ec, n] = co_await asio::async_write(
            client, asio::buffer(chunk.data(), chunk.size()), asio::as_tuple(asio::use_awaitable)
        );
        if (ec) break;
        // Let the server read what has arrived before the next chunk.
        co_await asio::post(client.get_executor(), asio::use_awaitable);
    }
    client.close();
}

// Feeds `bytes` to `parser` as a stream that ends there, up to the end of the header or of
// the message; false if it does not get there.
template <class Parser>
bool parse(Parser& parser, std::string_view& bytes, bool header_only) {
    beast::error_code ec;
    parser.eager(!header_only);
    while (!(header_only ? parser.is_header_done() : parser.is_done())) {
        const auto used = parser.put(asio::buffer(bytes.data(), bytes.size()), ec);
        bytes.remove_prefix(used);
        if (ec && ec != http::error::need_more) return false;
        if (used == 0) {
            // It has seen all there is and wants more: the stream ends here.
            parser.put_eof(ec);
            return !ec && (header_only ? parser.is_header_done() : parser.is_done());
        }
    }
    return true;
}

// The methods of the requests the server reads from `bytes`, read the way it reads them, up to
// the one after which it closes: each gets exactly one final answer.
std::vector<std::string> requests_in(std::string_view bytes, const net::http_limits& limits) {
    std::vector<std::string> methods;
    while (!bytes.empty()) {
        http::request_parser<http::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
        parser.body_limit(limits.max_body_bytes);
        const auto before = bytes.size();
        if (!parse(parser, bytes, true) || before - bytes.size() > limits.max_header_bytes) break;
        if (!parse(parser, bytes, false)) break;
        methods.emplace_back(parser.get().method_string());
        const auto target = parser.get().target();
        if (!boost::urls::parse_origin_form({target.data(), target.size()})) break;
        if (!parser.get().keep_alive()) break;
    }
    return methods;
}

// What the server wrote is a sequence of complete responses, interim ones aside one per
// request, plus perhaps the answer to one it could not read; an answer to HEAD has no body.
void check_responses(std::string_view output, const std::vector<std::string>& methods) {
    const auto fail = [&](const char* what) {
        std::fprintf(stderr, "requests read:");
        for (const auto& m : methods) std::fprintf(stderr, " %s", m.c_str());
        std::fprintf(
            stderr, "\nserver wrote:\n%.*s\n", static_cast<int>(output.size()), output.data()
        );
        fuzz::fail(what);
    };
    std::size_t answered = 0;
    for (std::string_view rest = output; !rest.empty();) {
        http::response_parser<http::string_body> parser;
        parser.body_limit(boost::none);
        parser.skip(answered < methods.size() && methods[answered] == "HEAD");
        if (!parse(parser, rest, false)) fail("the server wrote something that is not a response");
        const unsigned status = parser.get().result_int();
        if (status < 100 || status > 599) fail("a response with an impossible status");
        if (status >= 200) ++answered;
    }
    if (answered > methods.size() + 1) fail("more answers than requests");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static fixture f;
    FuzzedDataProvider in(data, size);
    net::session_context context;
    context.limits.max_header_bytes = fuzz::pick_limit(in, context.limits.max_header_bytes);
    context.limits.max_body_bytes = fuzz::pick_limit(in, context.limits.max_body_bytes);
    context.routes = f.routes;
    context.origins = f.origins;
    context.stopping = &f.stopping;
    const auto read_size = in.ConsumeIntegral<std::uint8_t>();
    const fuzz::chunk_plan plan(in);
    const std::string bytes = in.ConsumeRemainingBytesAsString();

    asio::io_context io;
    beast::test::stream server(io.get_executor());
    beast::test::stream client(io.get_executor());
    server.connect(client);
    if (read_size != 0) server.read_size(read_size);

    bool ended = false;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            beast::flat_buffer buffer;
            auto upgrade = co_await net::detail::serve_http_requests(server, buffer, context);
            check(!upgrade, "an upgrade handed over without a WebSocket endpoint");
        },
        [&](std::exception_ptr error) {
            if (error) fuzz::fail("an exception escaped the session");
            ended = true;
        }
    );
    asio::co_spawn(io, send(client, plan.split(bytes)), asio::detached);
    io.run();
    check(ended, "the session still waits after the client has closed");

    const std::string_view output = client.str();
    // Unless the client sent them itself (an echoed method, say): libFuzzer learns the strings
    // this compares with and tries them.
    const auto leaked = [&](std::string_view text) {
        return output.find(text) != std::string_view::npos && bytes.find(text) == std::string::npos;
    };
    check(!leaked(secret), "a file outside the web root was served");
    check(!leaked(internal_detail), "an internal error was disclosed");
    check_responses(output, requests_in(bytes, context.limits));
    return 0;
}
