#pragma once

#include <atomic>
#include <cassert>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

// Counters, histograms and gauges rendered in Prometheus' text format (0.0.4). Recording is a
// relaxed atomic add: no lock, no allocation. Every label value is given when a family is
// registered, so what /metrics renders is bounded from the start.
namespace moodring::metrics {

class counter {
public:
    void inc(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
    std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<std::uint64_t> value_{0};
};

// Upper bounds of a histogram's buckets, in seconds, increasing; +Inf is implicit.
struct bucket_bounds {
    explicit bucket_bounds(std::vector<double> seconds);
    std::vector<double> seconds;
    std::vector<std::int64_t> nanoseconds;  // the same, for comparing without floating point
};

// A histogram of durations. The sum is kept in whole nanoseconds, so an observation is two
// integer adds (its bucket and the sum) and readers never see a torn value.
class histogram {
public:
    explicit histogram(std::shared_ptr<const bucket_bounds> bounds);

    void observe(std::chrono::nanoseconds elapsed) noexcept;

    struct snapshot {
        std::vector<std::uint64_t> cumulative;  // per bound, then +Inf
        std::uint64_t count = 0;
        double sum_seconds = 0;
    };
    snapshot read() const;
    const bucket_bounds& bounds() const noexcept { return *bounds_; }

private:
    std::shared_ptr<const bucket_bounds> bounds_;
    std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // one per bound, then +Inf
    std::atomic<std::int64_t> sum_ns_{0};
};

// A label and every value it can take.
struct label {
    std::string name;
    std::vector<std::string> values;
};

// One series per combination of label values, in row-major order of the labels.
template <class T>
class family {
public:
    template <class... Index>
    T& at(Index... index) noexcept {
        static_assert((std::is_convertible_v<Index, std::size_t> && ...));
        assert(sizeof...(Index) == sizes_.size());
        std::size_t flat = 0, i = 0;
        ((flat = flat * sizes_[i++] + static_cast<std::size_t>(index)), ...);
        (void)i;
        return series_[flat];
    }
    std::size_t size() const noexcept { return series_.size(); }

private:
    friend class registry;
    std::vector<std::size_t> sizes_;
    std::deque<T> series_;  // a deque: atomics neither move nor copy
};

struct family_options {
    // Leave out series that are still 0 (counters) or empty (histograms): for wide label
    // grids such as method x route x status, most of which never happen.
    bool hide_zero = false;
};

// The metrics of one server: families in registration order, rendered on demand.
// Registering is done at start-up and throws std::invalid_argument for a malformed or
// repeated name; rendering may run at any time from any thread.
class registry {
public:
    registry();
    ~registry();
    registry(const registry&) = delete;
    registry& operator=(const registry&) = delete;

    counter& add_counter(std::string name, std::string help);
    family<counter>& add_counters(
        std::string name, std::string help, std::vector<label> labels, family_options options = {}
    );

    histogram& add_histogram(std::string name, std::string help, std::vector<double> bounds);
    family<histogram>& add_histograms(
        std::string name,
        std::string help,
        std::vector<label> labels,
        std::vector<double> bounds,
        family_options options = {}
    );

    // A gauge read when rendered, e.g. a queue's length. Adding a series with the same name
    // (and other label values) extends that gauge. `read` must stay callable while anything
    // may render, and must not render this registry itself.
    void add_gauge(
        std::string name,
        std::string help,
        std::function<double()> read,
        std::vector<std::pair<std::string, std::string>> labels = {}
    );

    std::string render() const;

    static constexpr std::string_view content_type = "text/plain; version=0.0.4; charset=utf-8";

private:
    struct entry;
    entry& add_entry(std::string name, std::string help, std::string_view type);

    mutable std::mutex mutex_;  // the list of families; the values need none
    std::vector<std::unique_ptr<entry>> entries_;
};

// Text escaping of the format, exposed for tests.
std::string escape_help(std::string_view text);
std::string escape_label_value(std::string_view text);
// A sample value as Prometheus' own clients write it (Go's %g, shortest round trip: 0.0001,
// 5e-05, 1e+06), or "+Inf", "-Inf", "NaN".
std::string format_value(double value);

}  // namespace moodring::metrics
