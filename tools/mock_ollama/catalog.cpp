#include "catalog.hpp"

#include <moodring/core/clock.hpp>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <functional>

namespace mock_ollama {
namespace {

using ordered_json = nlohmann::ordered_json;

// A stable fake sha256 so the same model always shows the same digest.
std::string digest_of(const std::string& name) {
    std::string out;
    auto h = std::hash<std::string>{}(name);
    char part[17];
    for (int i = 0; i < 4; ++i) {
        std::snprintf(part, sizeof part, "%016llx", static_cast<unsigned long long>(h));
        out += part;
        h = h * 6364136223846793005ULL + 1442695040888963407ULL;
    }
    return out;
}

ordered_json details_of(const std::string& name) {
    const bool qwen = name.rfind("qwen", 0) == 0;
    const std::string family = qwen ? "qwen2" : "llama";
    return {
        {"parent_model", ""},
        {"format", "gguf"},
        {"family", family},
        {"families", {family}},
        {"parameter_size", qwen ? "494.03M" : "3.2B"},
        {"quantization_level", "Q4_K_M"},
    };
}

std::string go_time(moodring::wall_clock::time_point t) {
    auto text = moodring::format_timestamp(t);
    text.pop_back();
    return text + "+00:00";
}

}  // namespace

std::string model_catalog::full_name(std::string_view name) {
    std::string out{name};
    if (out.find(':') == std::string::npos) out += ":latest";
    return out;
}

model_catalog::model_catalog(const std::vector<std::string>& names) {
    for (const auto& n : names) names_.push_back(full_name(n));
}

bool model_catalog::has(std::string_view name) const {
    const auto wanted = full_name(name);
    for (const auto& n : names_) {
        if (n == wanted) return true;
    }
    return false;
}

std::string model_catalog::tags() const {
    auto models = ordered_json::array();
    for (const auto& n : names_) {
        models.push_back({
            {"name", n},
            {"model", n},
            {"modified_at", "2026-01-15T09:30:00.123456789+00:00"},
            {"size", 2019393189},
            {"digest", digest_of(n)},
            {"details", details_of(n)},
            {"capabilities", {"completion"}},
        });
    }
    return ordered_json{{"models", models}}.dump();
}

std::string model_catalog::running(const std::vector<std::string>& loaded) const {
    auto models = ordered_json::array();
    const auto expires = go_time(moodring::wall_clock::now() + std::chrono::minutes{5});
    for (const auto& n : loaded) {
        models.push_back({
            {"name", n},
            {"model", n},
            {"size", 3011693568},
            {"digest", digest_of(n)},
            {"details", details_of(n)},
            {"expires_at", expires},
            {"size_vram", 3011693568},
            {"context_length", 4096},
        });
    }
    return ordered_json{{"models", models}}.dump();
}

std::string model_catalog::openai_models() const {
    auto data = ordered_json::array();
    for (const auto& n : names_) {
        data.push_back(
            {{"id", n}, {"object", "model"}, {"created", 1768469400}, {"owned_by", "library"}}
        );
    }
    return ordered_json{{"object", "list"}, {"data", data}}.dump();
}

}  // namespace mock_ollama
