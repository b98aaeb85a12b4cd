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
            case error::preempted:
                return "gave its slot to a reply";
        }
        return "unknown language model error";
    }
};

}  // namespace

const boost::system::error_category& llm_category() noexcept {
    static const category_impl instance;
    return instance;
}

std::string_view to_string(error e) noexcept {
    switch (e) {
        case error::ok:
            return "ok";
        case error::connect_failed:
            return "connect_failed";
        case error::timeout_connect:
            return "timeout_connect";
        case error::timeout_first_byte:
            return "timeout_first_byte";
        case error::timeout_idle:
            return "timeout_idle";
        case error::model_not_found:
            return "model_not_found";
        case error::bad_request:
            return "bad_request";
        case error::server_error:
            return "server_error";
        case error::busy:
            return "busy";
        case error::stream_truncated:
            return "stream_truncated";
        case error::malformed_stream:
            return "malformed_stream";
        case error::line_too_long:
            return "line_too_long";
        case error::backend_error:
            return "backend_error";
        case error::cancelled:
            return "cancelled";
        case error::preempted:
            return "preempted";
    }
    return "unknown";
}

std::vector<std::string> failure_kinds() {
    std::vector<std::string> kinds;
    for (int e = static_cast<int>(error::connect_failed); e < static_cast<int>(error::cancelled);
         ++e) {
        kinds.emplace_back(to_string(static_cast<error>(e)));
    }
    kinds.emplace_back("other");
    return kinds;
}

std::size_t failure_index(boost::system::error_code ec) noexcept {
    constexpr auto first = static_cast<int>(error::connect_failed);
    constexpr auto last = static_cast<int>(error::cancelled);  // one past the failures
    if (ec.category() != llm_category() || ec.value() < first || ec.value() >= last)
        return static_cast<std::size_t>(last - first);  // "other"
    return static_cast<std::size_t>(ec.value() - first);
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
        case error::preempted:
            return moodring::errc::llm_error;
    }
    return moodring::errc::llm_error;
}

bool is_retryable(boost::system::error_code ec) noexcept {
    return ec == error::connect_failed || ec == error::timeout_connect || ec == error::busy;
}

}  // namespace moodring::llm
