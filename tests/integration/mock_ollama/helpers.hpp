#pragma once

// Small helpers shared by the mock Ollama tests.
#include "http_client.hpp"
#include "mock_ollama_process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <regex>
#include <string>
#include <vector>

namespace moodring::test {

using nlohmann::json;

inline std::string chat_body(const std::string& content, json extra = json::object()) {
    json body{{"model", "llama3.2"}, {"messages", {{{"role", "user"}, {"content", content}}}}};
    body.update(extra);
    return body.dump();
}

inline std::string generate_body(const std::string& prompt, json extra = json::object()) {
    json body{{"model", "llama3.2"}, {"prompt", prompt}};
    body.update(extra);
    return body.dump();
}

// Every line of an NDJSON body, parsed; fails the test on an empty or non-JSON line.
inline std::vector<json> ndjson_lines(const std::string& body) {
    std::vector<json> out;
    std::size_t pos = 0;
    while (pos < body.size()) {
        auto nl = body.find('\n', pos);
        EXPECT_NE(nl, std::string::npos) << "last line not terminated";
        if (nl == std::string::npos) nl = body.size();
        const auto line = body.substr(pos, nl - pos);
        auto j = json::parse(line, nullptr, false);
        EXPECT_FALSE(j.is_discarded()) << "not JSON: " << line;
        out.push_back(std::move(j));
        pos = nl + 1;
    }
    return out;
}

inline std::string chat_text(const std::vector<json>& lines) {
    std::string out;
    for (const auto& l : lines) out += l["message"]["content"].get<std::string>();
    return out;
}

// The payloads of an SSE body's `data: ` events, in order.
inline std::vector<std::string> sse_payloads(const std::string& body) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos < body.size()) {
        const auto end = body.find("\n\n", pos);
        EXPECT_NE(end, std::string::npos) << "event not terminated by a blank line";
        if (end == std::string::npos) break;
        const auto event = body.substr(pos, end - pos);
        EXPECT_TRUE(event.starts_with("data: ")) << event;
        out.push_back(event.substr(6));
        pos = end + 2;
    }
    return out;
}

inline bool is_rfc3339_nano_utc(const std::string& s) {
    static const std::regex form{R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{0,8}[1-9])?Z)"};
    return std::regex_match(s, form);
}

}  // namespace moodring::test
