#include <moodring/core/metrics.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace moodring::metrics {
namespace {

bool valid_name(std::string_view name, bool colon_allowed) {
    if (name.empty()) return false;
    auto first = [&](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
               (colon_allowed && c == ':');
    };
    if (!first(name.front())) return false;
    return std::all_of(name.begin() + 1, name.end(), [&](char c) {
        return first(c) || (c >= '0' && c <= '9');
    });
}

void check_labels(const std::string& family, const std::vector<label>& labels, bool histogram) {
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const auto& l = labels[i];
        if (!valid_name(l.name, false) || l.name.starts_with("__") || (histogram && l.name == "le"))
            throw std::invalid_argument(family + ": bad label name \"" + l.name + "\"");
        if (l.values.empty())
            throw std::invalid_argument(family + ": label \"" + l.name + "\" has no values");
        for (std::size_t j = 0; j < i; ++j) {
            if (labels[j].name == l.name)
                throw std::invalid_argument(family + ": label \"" + l.name + "\" given twice");
        }
    }
}

std::size_t series_count(const std::vector<label>& labels) {
    std::size_t n = 1;
    for (const auto& l : labels) n *= l.values.size();
    return n;
}

// `name="value",...` of the series at `flat` (row-major), without braces; "" when unlabelled.
std::string label_text(const std::vector<label>& labels, std::size_t flat) {
    std::vector<std::size_t> index(labels.size());
    for (std::size_t i = labels.size(); i-- > 0;) {
        index[i] = flat % labels[i].values.size();
        flat /= labels[i].values.size();
    }
    std::string out;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (i > 0) out += ',';
        out += labels[i].name;
        out += "=\"";
        out += escape_label_value(labels[i].values[index[i]]);
        out += '"';
    }
    return out;
}

void sample(
    std::string& out, std::string_view name, std::string_view labels, std::string_view value
) {
    out += name;
    if (!labels.empty()) {
        out += '{';
        out += labels;
        out += '}';
    }
    out += ' ';
    out += value;
    out += '\n';
}

}  // namespace

std::string escape_help(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

std::string escape_label_value(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (c == '"') {
            out += "\\\"";
        } else {
            out += escape_help(std::string_view(&c, 1));
        }
    }
    return out;
}

std::string format_value(double value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
    char buffer[32];
    const auto [end, ec] =
        std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general);
    return ec == std::errc{} ? std::string(buffer, end) : std::string("NaN");
}

bucket_bounds::bucket_bounds(std::vector<double> s) : seconds(std::move(s)) {
    if (seconds.empty()) throw std::invalid_argument("a histogram needs at least one bucket");
    for (std::size_t i = 0; i < seconds.size(); ++i) {
        if (!(seconds[i] > 0) || std::isinf(seconds[i]) || (i > 0 && seconds[i] <= seconds[i - 1]))
            throw std::invalid_argument("histogram bounds must be positive, finite and increasing");
        nanoseconds.push_back(std::llround(seconds[i] * 1e9));
    }
}

histogram::histogram(std::shared_ptr<const bucket_bounds> bounds)
    : bounds_(std::move(bounds)),
      counts_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_->nanoseconds.size() + 1)) {}

void histogram::observe(std::chrono::nanoseconds elapsed) noexcept {
    const std::int64_t ns = std::max<std::int64_t>(elapsed.count(), 0);
    const auto& upper = bounds_->nanoseconds;
    std::size_t i = 0;
    while (i < upper.size() && ns > upper[i]) ++i;
    counts_[i].fetch_add(1, std::memory_order_relaxed);
    sum_ns_.fetch_add(ns, std::memory_order_relaxed);
}

histogram::snapshot histogram::read() const {
    snapshot s;
    const std::size_t n = bounds_->nanoseconds.size() + 1;
    s.cumulative.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        s.count += counts_[i].load(std::memory_order_relaxed);
        s.cumulative.push_back(s.count);
    }
    s.sum_seconds = static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9;
    return s;
}

struct registry::entry {
    std::string name;
    std::string help;
    std::string_view type;
    std::vector<label> labels;
    family_options options;
    std::unique_ptr<family<counter>> counters;
    std::unique_ptr<family<histogram>> histograms;
    std::vector<std::pair<std::string, std::function<double()>>> gauges;  // label text, read
};

registry::registry() = default;
registry::~registry() = default;

registry::entry& registry::add_entry(std::string name, std::string help, std::string_view type) {
    if (!valid_name(name, true)) throw std::invalid_argument("bad metric name \"" + name + "\"");
    for (const auto& e : entries_) {
        if (e->name == name) throw std::invalid_argument("metric " + name + " registered twice");
    }
    auto e = std::make_unique<entry>();
    e->name = std::move(name);
    e->help = std::move(help);
    e->type = type;
    entries_.push_back(std::move(e));
    return *entries_.back();
}

counter& registry::add_counter(std::string name, std::string help) {
    return add_counters(std::move(name), std::move(help), {}).at();
}

family<counter>& registry::add_counters(
    std::string name, std::string help, std::vector<label> labels, family_options options
) {
    if (!name.ends_with("_total"))
        throw std::invalid_argument("counter " + name + " must end in _total");
    check_labels(name, labels, false);
    std::lock_guard lock(mutex_);
    auto& e = add_entry(std::move(name), std::move(help), "counter");
    e.counters = std::make_unique<family<counter>>();
    for (const auto& l : labels) e.counters->sizes_.push_back(l.values.size());
    const auto n = series_count(labels);
    for (std::size_t i = 0; i < n; ++i) e.counters->series_.emplace_back();
    e.labels = std::move(labels);
    e.options = options;
    return *e.counters;
}

histogram& registry::add_histogram(std::string name, std::string help, std::vector<double> bounds) {
    return add_histograms(std::move(name), std::move(help), {}, std::move(bounds)).at();
}

family<histogram>& registry::add_histograms(
    std::string name,
    std::string help,
    std::vector<label> labels,
    std::vector<double> bounds,
    family_options options
) {
    // Every histogram here measures time, in the base unit.
    if (!name.ends_with("_seconds"))
        throw std::invalid_argument("histogram " + name + " must end in _seconds");
    check_labels(name, labels, true);
    auto shared = std::make_shared<const bucket_bounds>(std::move(bounds));
    std::lock_guard lock(mutex_);
    auto& e = add_entry(std::move(name), std::move(help), "histogram");
    e.histograms = std::make_unique<family<histogram>>();
    for (const auto& l : labels) e.histograms->sizes_.push_back(l.values.size());
    const auto n = series_count(labels);
    for (std::size_t i = 0; i < n; ++i) e.histograms->series_.emplace_back(shared);
    e.labels = std::move(labels);
    e.options = options;
    return *e.histograms;
}

void registry::add_gauge(
    std::string name,
    std::string help,
    std::function<double()> read,
    std::vector<std::pair<std::string, std::string>> labels
) {
    std::string text;
    for (const auto& [key, value] : labels) {
        if (!valid_name(key, false) || key.starts_with("__"))
            throw std::invalid_argument(name + ": bad label name \"" + key + "\"");
        if (!text.empty()) text += ',';
        text += key + "=\"" + escape_label_value(value) + '"';
    }
    std::lock_guard lock(mutex_);
    for (auto& e : entries_) {
        if (e->name != name) continue;
        if (e->type != "gauge" || e->help != help)
            throw std::invalid_argument("metric " + name + " registered twice");
        for (const auto& [existing, _] : e->gauges) {
            if (existing == text)
                throw std::invalid_argument("gauge " + name + "{" + text + "} registered twice");
        }
        e->gauges.emplace_back(std::move(text), std::move(read));
        return;
    }
    auto& e = add_entry(std::move(name), std::move(help), "gauge");
    e.gauges.emplace_back(std::move(text), std::move(read));
}

std::string registry::render() const {
    std::lock_guard lock(mutex_);
    std::string out;
    out.reserve(16 * 1024);
    for (const auto& e : entries_) {
        out += "# HELP " + e->name + ' ' + escape_help(e->help) + '\n';
        out += "# TYPE " + e->name + ' ';
        out += e->type;
        out += '\n';
        if (e->counters) {
            for (std::size_t i = 0; i < e->counters->series_.size(); ++i) {
                const auto value = e->counters->series_[i].value();
                if (value == 0 && e->options.hide_zero) continue;
                sample(out, e->name, label_text(e->labels, i), std::to_string(value));
            }
        }
        if (e->histograms) {
            const std::string bucket = e->name + "_bucket";
            const std::string sum = e->name + "_sum";
            const std::string count = e->name + "_count";
            for (std::size_t i = 0; i < e->histograms->series_.size(); ++i) {
                const auto& h = e->histograms->series_[i];
                const auto s = h.read();
                if (s.count == 0 && e->options.hide_zero) continue;
                const auto labels = label_text(e->labels, i);
                const std::string prefix = labels.empty() ? "" : labels + ',';
                const auto& bounds = h.bounds().seconds;
                for (std::size_t b = 0; b < s.cumulative.size(); ++b) {
                    const auto le = b < bounds.size() ? format_value(bounds[b]) : "+Inf";
                    sample(
                        out, bucket, prefix + "le=\"" + le + '"', std::to_string(s.cumulative[b])
                    );
                }
                sample(out, sum, labels, format_value(s.sum_seconds));
                sample(out, count, labels, std::to_string(s.count));
            }
        }
        for (const auto& [labels, read] : e->gauges) {
            sample(out, e->name, labels, format_value(read()));
        }
    }
    return out;
}

}  // namespace moodring::metrics
