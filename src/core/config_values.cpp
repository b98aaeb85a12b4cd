#include "config_values.hpp"

#include <boost/url/parse.hpp>

#include <algorithm>
#include <charconv>
#include <sstream>

namespace moodring::config_values {

void fail(const std::string& message) { throw config_error(message); }

json integer_text(const std::string& text) {
    std::uint64_t number = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) {
        fail("must be a whole number, got \"" + text + "\"");
    }
    return number;
}

std::string codec<std::string>::decode(const json& value) {
    if (!value.is_string()) fail("must be a string");
    return value.get<std::string>();
}

std::vector<std::string> codec<std::vector<std::string>>::decode(const json& value) {
    if (!value.is_array()) fail("must be a list of strings");
    std::vector<std::string> items;
    for (const auto& item : value) {
        if (!item.is_string()) fail("must be a list of strings");
        items.push_back(item.get<std::string>());
    }
    return items;
}

json codec<std::vector<std::string>>::from_text(const std::string& text) {
    json list = json::array();
    std::stringstream in(text);
    for (std::string item; std::getline(in, item, ',');) {
        if (!item.empty()) list.push_back(item);
    }
    return list;
}

bool codec<bool>::decode(const json& value) {
    if (!value.is_boolean()) fail("must be true or false");
    return value.get<bool>();
}

json codec<bool>::from_text(const std::string& text) {
    if (text == "true" || text == "1") return true;
    if (text == "false" || text == "0") return false;
    fail("must be true or false, got \"" + text + "\"");
}

double codec<double>::decode(const json& value) {
    if (!value.is_number()) fail("must be a number");
    return value.get<double>();
}

json codec<double>::from_text(const std::string& text) {
    auto value = json::parse(text, nullptr, false);
    if (value.is_discarded() || !value.is_number()) {
        fail("must be a number, got \"" + text + "\"");
    }
    return value;
}

void not_empty(const std::string& value) {
    if (value.empty()) fail("must not be empty");
}

void positive_ms(const std::chrono::milliseconds& value) {
    if (value.count() <= 0) fail("must be a positive number of milliseconds");
}

void positive_number(const double& value) {
    if (!(value > 0)) fail("must be a positive number");
}

void origin_list(const std::vector<std::string>& origins) {
    for (const auto& origin : origins) {
        auto url = boost::urls::parse_absolute_uri(origin);
        if (!url || url->host().empty() || !url->encoded_path().empty() || url->has_query()) {
            fail("must hold origins like \"http://localhost:5173\", got \"" + origin + "\"");
        }
    }
}

void log_level(const std::string& value) {
    static const std::vector<std::string> levels = {
        "trace", "debug", "info", "warn", "error", "critical", "off"};
    if (std::find(levels.begin(), levels.end(), value) == levels.end()) {
        fail("must be one of trace, debug, info, warn, error, critical, off");
    }
}

void http_url(const std::string& value) {
    auto url = boost::urls::parse_absolute_uri(value);
    if (!url || url->scheme() != "http" || url->host().empty()) {
        fail("must be an http:// URL, got \"" + value + "\"");
    }
}

void backend_kind(const std::string& value) {
    if (value != "ollama" && value != "openai") fail("must be \"ollama\" or \"openai\"");
}

void auth_mode(const std::string& value) {
    if (value != "none" && value != "accounts") fail("must be \"none\" or \"accounts\"");
}

}  // namespace moodring::config_values
