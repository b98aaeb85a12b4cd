#pragma once

// The table of settings: one row per setting, naming it in the config file, the environment
// and the command line, with its help text and its check. The loader (config.cpp) and
// --print-config read it; the rows are in config_table.cpp.

#include "config_values.hpp"

#include <functional>
#include <string>
#include <type_traits>
#include <vector>

namespace moodring::config_values {

// One row of the settings table: how a field is named everywhere and how it is checked.
struct setting {
    std::string key;  // "server.port": JSON path, `--server.port`, MOODRING_SERVER_PORT
    std::string help;
    std::function<void(config&, const json&)> assign;  // throws config_error without the key
    std::function<json(const config&)> read;
    std::function<json(const std::string&)> from_text;  // env and flag values are text
};

// Every setting, in the order `--help` lists them.
const std::vector<setting>& settings();

// The row of `key`, or null.
const setting* find_setting(const std::string& key);

// "server.port" -> MOODRING_SERVER_PORT
std::string env_name(const std::string& key);

// Adds the rows of one section of `config`: `rows("server.port", "help", &section::port)`,
// with a check as the last argument where the value has one.
template <class Section>
class section_rows {
public:
    section_rows(std::vector<setting>& table, Section config::*section)
        : table_(table), section_(section) {}

    template <class T>
    void operator()(
        std::string key,
        std::string help,
        T Section::*field,
        std::type_identity_t<check_fn<T>> check = {}
    ) {
        const auto section = section_;
        table_.push_back(setting{
            .key = std::move(key),
            .help = std::move(help),
            .assign =
                [=](config& settings, const json& value) {
                    T decoded = codec<T>::decode(value);
                    if (check) check(decoded);
                    (settings.*section).*field = std::move(decoded);
                },
            .read = [=](const config& settings
                    ) { return codec<T>::encode((settings.*section).*field); },
            .from_text = [](const std::string& text) { return codec<T>::from_text(text); },
        });
    }

private:
    std::vector<setting>& table_;
    Section config::*section_;
};

}  // namespace moodring::config_values
