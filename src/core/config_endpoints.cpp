// The `llm.endpoints` list: each entry read and checked, and no server named twice.

#include "config_values.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

namespace moodring::config_values {
namespace {

// What tells two endpoint URLs apart: two spellings of one server would count its slots twice.
// The URL has passed http_url.
std::string endpoint_identity(const std::string& text) {
    boost::urls::url url(*boost::urls::parse_absolute_uri(text));
    url.normalize();  // RFC 3986: host in lower case, one form of percent-escapes, no dot segments
    std::string path(url.encoded_path());
    while (path.ends_with('/')) path.pop_back();
    const std::string port = url.port().empty() ? "80" : std::string(url.port());
    return std::string(url.encoded_host()) + ":" + port + path +
           (url.has_query() ? "?" + std::string(url.encoded_query()) : "");
}

// "[2] (http://x:1)": how messages about an entry start; the loader joins it to the key as
// "llm.endpoints[2] (http://x:1): ...".
std::string entry_label(const json& entry, std::size_t index) {
    std::string label = "[" + std::to_string(index) + "]";
    if (auto url = entry.find("url");
        url != entry.end() && url->is_string() && !url->get_ref<const std::string&>().empty()) {
        label += " (" + url->get<std::string>() + ")";
    }
    return label;
}

void check_entry_shape(const json& entry, const std::string& label) {
    for (const auto& [key, value] : entry.items()) {
        if (key != "url" && key != "kind" && key != "slots" && key != "models") {
            fail(label + ": unknown key \"" + key + "\" (url, kind, slots, models)");
        }
    }
    if (!entry.contains("url")) fail(label + ": url is required");
}

// Reads the entry's field `name`, if given, prefixing a failure with the entry and the field.
template <class Read>
void read_field(const json& entry, const std::string& label, const char* name, Read read) {
    auto field = entry.find(name);
    if (field == entry.end()) return;
    try {
        read(*field);
    } catch (const config_error& e) {
        fail(label + ": " + name + " " + e.what());
    }
}

unsigned slots_from(const json& value) {
    // null is how --print-config shows learned slots, so its output loads back.
    if (value.is_null()) return 0;
    const auto slots = integer_from<unsigned>(value);
    if (slots < 1) fail("must be at least 1 (leave it out to have it learned)");
    return slots;
}

std::vector<std::string> models_from(const json& value) {
    if (!value.is_array()) fail("must be a list of model names");
    std::vector<std::string> models;
    for (const auto& model : value) {
        if (!model.is_string() || model.get_ref<const std::string&>().empty()) {
            fail("must be a list of non-empty model names");
        }
        models.push_back(model.get<std::string>());
    }
    return models;
}

config::llm_endpoint endpoint_from(const json& entry, std::size_t index) {
    const std::string label = entry_label(entry, index);
    if (!entry.is_object()) {
        fail(label + ": must be an object like {\"url\": \"http://host:11434\"}");
    }
    check_entry_shape(entry, label);
    config::llm_endpoint endpoint;
    read_field(entry, label, "url", [&](const json& value) {
        endpoint.url = codec<std::string>::decode(value);
        http_url(endpoint.url);
    });
    read_field(entry, label, "kind", [&](const json& value) {
        endpoint.kind = codec<std::string>::decode(value);
        backend_kind(endpoint.kind);
    });
    read_field(entry, label, "slots", [&](const json& value) {
        endpoint.slots = slots_from(value);
    });
    read_field(entry, label, "models", [&](const json& value) {
        endpoint.models = models_from(value);
    });
    return endpoint;
}

void check_not_named_before(const std::vector<config::llm_endpoint>& endpoints) {
    const std::size_t last = endpoints.size() - 1;
    const std::string identity = endpoint_identity(endpoints[last].url);
    for (std::size_t earlier = 0; earlier < last; ++earlier) {
        if (endpoint_identity(endpoints[earlier].url) == identity) {
            fail(
                "[" + std::to_string(last) + "] (" + endpoints[last].url +
                "): url names the same endpoint as llm.endpoints[" + std::to_string(earlier) +
                "] (" + endpoints[earlier].url + ")"
            );
        }
    }
}

}  // namespace

std::vector<config::llm_endpoint> codec<std::vector<config::llm_endpoint>>::decode(const json& value
) {
    // null is "not set", so the shipped file can show the default like every other key.
    if (value.is_null()) return {};
    if (!value.is_array()) {
        fail("must be a list of endpoints like [{\"url\": \"http://host:11434\"}]");
    }
    // An empty list would leave nowhere to send generations; null says "use llm.url".
    if (value.empty()) fail("must not be empty (null or leaving it out uses llm.url)");
    std::vector<config::llm_endpoint> endpoints;
    for (std::size_t index = 0; index < value.size(); ++index) {
        endpoints.push_back(endpoint_from(value[index], index));
        check_not_named_before(endpoints);
    }
    return endpoints;
}

json codec<std::vector<config::llm_endpoint>>::encode(
    const std::vector<config::llm_endpoint>& endpoints
) {
    if (endpoints.empty()) return nullptr;
    json list = json::array();
    for (const auto& endpoint : endpoints) {
        list.push_back({
            {"url", endpoint.url},
            {"kind", endpoint.kind},
            {"slots", endpoint.slots == 0 ? json(nullptr) : json(endpoint.slots)},
            {"models", endpoint.models},
        });
    }
    return list;
}

json codec<std::vector<config::llm_endpoint>>::from_text(const std::string& text) {
    auto value = json::parse(text, nullptr, false);
    if (value.is_discarded()) fail("must be a JSON list of endpoints, got \"" + text + "\"");
    return value;
}

}  // namespace moodring::config_values
