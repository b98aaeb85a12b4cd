#pragma once

// How one setting's value is read and checked: from JSON (the config file) or from text (an
// environment variable or a flag), back to JSON for --print-config, and the checks a table
// row may name. Every failure is a config_error without the key; the loader prefixes it.

#include <moodring/core/config.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace moodring::config_values {

using nlohmann::json;

[[noreturn]] void fail(const std::string& message);

template <class T>
T integer_from(const json& value) {
    if (!value.is_number_integer()) fail("must be a whole number");
    if (value.is_number_unsigned()) {
        const auto number = value.get<std::uint64_t>();
        if (number > std::numeric_limits<T>::max()) fail("is too large");
        return static_cast<T>(number);
    }
    const auto number = value.get<std::int64_t>();
    if (number < 0) fail("must not be negative");
    if (static_cast<std::uint64_t>(number) > std::numeric_limits<T>::max()) fail("is too large");
    return static_cast<T>(number);
}

// A whole number given as text, as JSON.
json integer_text(const std::string& text);

// decode: JSON to the field's type; encode: back; from_text: an env or flag value to JSON.
template <class T>
struct codec;

template <>
struct codec<std::string> {
    static std::string decode(const json& value);
    static json encode(const std::string& value) { return value; }
    static json from_text(const std::string& text) { return text; }
};

template <class T>
requires std::is_unsigned_v<T>
struct codec<T> {
    static T decode(const json& value) { return integer_from<T>(value); }
    static json encode(T value) { return value; }
    static json from_text(const std::string& text) { return integer_text(text); }
};

template <>
struct codec<std::chrono::milliseconds> {
    static std::chrono::milliseconds decode(const json& value) {
        return std::chrono::milliseconds{integer_from<std::int64_t>(value)};
    }
    static json encode(std::chrono::milliseconds value) { return value.count(); }
    static json from_text(const std::string& text) { return integer_text(text); }
};

// A list of strings; as text, comma-separated.
template <>
struct codec<std::vector<std::string>> {
    static std::vector<std::string> decode(const json& value);
    static json encode(const std::vector<std::string>& value) { return value; }
    static json from_text(const std::string& text);
};

template <>
struct codec<bool> {
    static bool decode(const json& value);
    static json encode(bool value) { return value; }
    static json from_text(const std::string& text);
};

template <>
struct codec<double> {
    static double decode(const json& value);
    static json encode(double value) { return value; }
    static json from_text(const std::string& text);
};

// llm.endpoints (config_endpoints.cpp), in every source a JSON list: the environment and
// flags give it as JSON text.
template <>
struct codec<std::vector<config::llm_endpoint>> {
    static std::vector<config::llm_endpoint> decode(const json& value);
    static json encode(const std::vector<config::llm_endpoint>& endpoints);
    static json from_text(const std::string& text);
};

// The checks a row of the settings table may name.
template <class T>
using check_fn = std::function<void(const T&)>;

void not_empty(const std::string& value);
void positive_ms(const std::chrono::milliseconds& value);
void positive_number(const double& value);
void origin_list(const std::vector<std::string>& origins);
void log_level(const std::string& value);
void http_url(const std::string& value);
void backend_kind(const std::string& value);
void auth_mode(const std::string& value);

// A lower bound for a whole number of any width: `at_least{1024}`.
struct at_least {
    std::uint64_t minimum;

    template <class T>
    void operator()(const T& value) const {
        if (value < minimum) fail("must be at least " + std::to_string(minimum));
    }
};

}  // namespace moodring::config_values
