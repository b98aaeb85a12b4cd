#include <moodring/llm/error.hpp>

#include <string>

namespace moodring::llm {
namespace {

class category_impl final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "moodring.llm"; }

    std::string message(int ev) const override {
        switch (static_cast<error>(ev)) {
            case error::ok:
                return "success";
            case error::connect_failed:
                return "cannot connect to the language model";
            case error::timeout_connect:
                return "timed out connecting to the language model";
            case error::timeout_first_byte:
                return "the language model did not start answering in time";
            case error::timeout_idle:
                return "the language model stopped sending";
            case error::model_not_found:
                return "model not found";
            case error::bad_request:
                return "the language model rejected the request";
            case error::server_error:
                return "the language model failed";
            case error::busy:
                return "the language model is busy";
            case error::stream_truncated:
                return "the reply stream ended early";
            case error::malformed_stream:
                return "the reply stream is malformed";
            case error::line_too_long:
                return "a line of the reply stream is too long";
            case error::backend_error:
                return "the language model reported an error while streaming";
            case error::cancelled:
                return "cancelled";
        }
        return "unknown language model error";
    }
};

}  // namespace

const boost::system::error_category& llm_category() noexcept {
    static const category_impl instance;
    return instance;
}

moodring::errc to_errc(boost::system::error_code ec) noexcept {
    if (!ec) return moodring::errc::ok;
    if (ec.category() != llm_category()) return moodring::errc::llm_error;
    switch (static_cast<error>(ec.value())) {
        case error::ok:
            return moodring::errc::ok;
        case error::connect_failed:
        case error::timeout_connect:
        case error::timeout_first_byte:
        case error::model_not_found:
        case error::busy:
            return moodring::errc::llm_unavailable;
        case error::timeout_idle:
        case error::bad_request:
        case error::server_error:
        case error::stream_truncated:
        case error::malformed_stream:
        case error::line_too_long:
        case error::backend_error:
        case error::cancelled:
            return moodring::errc::llm_error;
    }
    return moodring::errc::llm_error;
}

bool is_retryable(boost::system::error_code ec) noexcept {
    return ec == error::connect_failed || ec == error::timeout_connect || ec == error::busy;
}

}  // namespace moodring::llm
