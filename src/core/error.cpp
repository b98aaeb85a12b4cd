#include <moodring/core/error.hpp>

#include <string>

namespace moodring {
namespace {

class category_impl final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "moodring"; }

    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
            case errc::ok:
                return "success";
            case errc::bad_request:
                return "bad request";
            case errc::not_found:
                return "not found";
            case errc::conflict:
                return "conflict";
            case errc::too_large:
                return "too large";
            case errc::unsupported_media_type:
                return "unsupported media type";
            case errc::method_not_allowed:
                return "method not allowed";
            case errc::busy:
                return "busy";
            case errc::rate_limited:
                return "rate limited";
            case errc::llm_unavailable:
                return "language model unavailable";
            case errc::llm_error:
                return "language model error";
            case errc::database_unavailable:
                return "database unavailable";
            case errc::internal:
                return "internal error";
        }
        return "unknown moodring error";
    }
};

}  // namespace

const boost::system::error_category& moodring_category() noexcept {
    static const category_impl instance;
    return instance;
}

std::string_view protocol_code(errc e) noexcept {
    switch (e) {
        case errc::bad_request:
        case errc::not_found:
        case errc::conflict:
        case errc::unsupported_media_type:
        case errc::method_not_allowed:
            return "bad_request";
        case errc::too_large:
            return "too_large";
        case errc::busy:
            return "busy";
        case errc::rate_limited:
            return "rate_limited";
        case errc::llm_unavailable:
            return "llm_unavailable";
        case errc::llm_error:
            return "llm_error";
        case errc::ok:
        case errc::database_unavailable:
        case errc::internal:
            return "internal";
    }
    return "internal";
}

std::string_view public_message(errc e) noexcept {
    switch (e) {
        case errc::database_unavailable:
            return "The database is unavailable; try again shortly";
        case errc::llm_unavailable:
            return "The language model cannot be reached";
        case errc::llm_error:
            return "The language model failed to answer";
        case errc::busy:
            return "The server is busy; try again shortly";
        case errc::rate_limited:
            return "Too many requests; slow down";
        default:
            return "Internal server error";
    }
}

unsigned http_status(errc e) noexcept {
    switch (e) {
        case errc::ok:
            return 200;
        case errc::bad_request:
            return 400;
        case errc::not_found:
            return 404;
        case errc::conflict:
            return 409;
        case errc::method_not_allowed:
            return 405;
        case errc::too_large:
            return 413;
        case errc::unsupported_media_type:
            return 415;
        case errc::rate_limited:
            return 429;
        case errc::llm_error:
            return 502;
        case errc::busy:
        case errc::llm_unavailable:
        case errc::database_unavailable:
            return 503;
        case errc::internal:
            return 500;
    }
    return 500;
}

}  // namespace moodring
