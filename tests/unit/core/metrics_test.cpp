#include <moodring/core/metrics.hpp>

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>
#include <vector>

using namespace moodring::metrics;
using namespace std::chrono;

TEST(metrics, renders_counters_with_help_type_and_escaped_labels) {
    registry r;
    auto& events = r.add_counter("t_events_total", "Events.\nSecond line, a \\ backslash.");
    events.inc();
    events.inc(2);
    auto& kinds = r.add_counters(
        "t_by_kind_total", "By kind.", {{"kind", {"a", "quote\"d", "back\\slash", "new\nline"}}}
    );
    kinds.at(1).inc();
    kinds.at(3).inc(5);
    EXPECT_EQ(
        r.render(),
        "# HELP t_events_total Events.\\nSecond line, a \\\\ backslash.\n"
        "# TYPE t_events_total counter\n"
        "t_events_total 3\n"
        "# HELP t_by_kind_total By kind.\n"
        "# TYPE t_by_kind_total counter\n"
        "t_by_kind_total{kind=\"a\"} 0\n"
        "t_by_kind_total{kind=\"quote\\\"d\"} 1\n"
        "t_by_kind_total{kind=\"back\\\\slash\"} 0\n"
        "t_by_kind_total{kind=\"new\\nline\"} 5\n"
    );
}

TEST(metrics, histogram_buckets_are_cumulative_with_inf_sum_and_count) {
    registry r;
    auto& h = r.add_histogram("t_wait_seconds", "Waits.", {0.001, 0.01, 0.1});
    h.observe(microseconds(500));
    h.observe(milliseconds(1));  // on a bound: counted in that bucket (le is "<=")
    h.observe(milliseconds(50));
    h.observe(seconds(2));
    h.observe(nanoseconds(-5));  // a clock step backwards counts as 0, not as a negative sum
    EXPECT_EQ(
        r.render(),
        "# HELP t_wait_seconds Waits.\n"
        "# TYPE t_wait_seconds histogram\n"
        "t_wait_seconds_bucket{le=\"0.001\"} 3\n"
        "t_wait_seconds_bucket{le=\"0.01\"} 3\n"
        "t_wait_seconds_bucket{le=\"0.1\"} 4\n"
        "t_wait_seconds_bucket{le=\"+Inf\"} 5\n"
        "t_wait_seconds_sum 2.0515\n"
        "t_wait_seconds_count 5\n"
    );
}

TEST(metrics, labelled_histograms_put_le_last_and_hide_empty_series_on_request) {
    registry r;
    auto& h = r.add_histograms(
        "t_op_seconds",
        "Ops.",
        {{"op", {"read", "write"}}, {"disk", {"a", "b"}}},
        {0.5},
        {.hide_zero = true}
    );
    h.at(1, 0).observe(milliseconds(250));  // write, a
    EXPECT_EQ(
        r.render(),
        "# HELP t_op_seconds Ops.\n"
        "# TYPE t_op_seconds histogram\n"
        "t_op_seconds_bucket{op=\"write\",disk=\"a\",le=\"0.5\"} 1\n"
        "t_op_seconds_bucket{op=\"write\",disk=\"a\",le=\"+Inf\"} 1\n"
        "t_op_seconds_sum{op=\"write\",disk=\"a\"} 0.25\n"
        "t_op_seconds_count{op=\"write\",disk=\"a\"} 1\n"
    );
}

TEST(metrics, label_grids_are_row_major_and_zero_series_can_be_hidden) {
    registry r;
    auto& grid = r.add_counters(
        "t_grid_total", "Grid.", {{"x", {"0", "1", "2"}}, {"y", {"p", "q"}}}, {.hide_zero = true}
    );
    EXPECT_EQ(grid.size(), 6u);
    grid.at(2, 1).inc();
    grid.at(0, 1).inc(4);
    EXPECT_EQ(
        r.render(),
        "# HELP t_grid_total Grid.\n"
        "# TYPE t_grid_total counter\n"
        "t_grid_total{x=\"0\",y=\"q\"} 4\n"
        "t_grid_total{x=\"2\",y=\"q\"} 1\n"
    );
}

TEST(metrics, gauges_are_read_when_rendered_and_series_share_one_header) {
    registry r;
    double depth = 3;
    r.add_gauge("t_depth", "Depth.", [&] { return depth; });
    r.add_gauge("t_open", "Open.", [] { return 1.0; }, {{"protocol", "http"}});
    r.add_gauge("t_open", "Open.", [] { return 2.5; }, {{"protocol", "ws"}});
    depth = 7;
    EXPECT_EQ(
        r.render(),
        "# HELP t_depth Depth.\n"
        "# TYPE t_depth gauge\n"
        "t_depth 7\n"
        "# HELP t_open Open.\n"
        "# TYPE t_open gauge\n"
        "t_open{protocol=\"http\"} 1\n"
        "t_open{protocol=\"ws\"} 2.5\n"
    );
}

TEST(metrics, values_are_formatted_as_prometheus_parses_them) {
    EXPECT_EQ(format_value(0), "0");
    EXPECT_EQ(format_value(42), "42");
    EXPECT_EQ(format_value(0.0001), "0.0001");
    EXPECT_EQ(format_value(0.00005), "5e-05");
    EXPECT_EQ(format_value(2.0515), "2.0515");
    EXPECT_EQ(format_value(1e6), "1e+06");
    EXPECT_EQ(format_value(1.0 / 0.0), "+Inf");
    EXPECT_EQ(format_value(-1.0 / 0.0), "-Inf");
    EXPECT_EQ(format_value(0.0 / 0.0), "NaN");
}

TEST(metrics, malformed_or_repeated_registrations_are_refused) {
    registry r;
    r.add_counter("t_ok_total", "Fine.");
    EXPECT_THROW(r.add_counter("t_ok_total", "Again."), std::invalid_argument);
    EXPECT_THROW(r.add_counter("t_no_suffix", "Counters end in _total."), std::invalid_argument);
    EXPECT_THROW(r.add_counter("9starts_with_digit_total", "."), std::invalid_argument);
    EXPECT_THROW(r.add_counter("has-dash_total", "."), std::invalid_argument);
    EXPECT_THROW(r.add_counters("t_l_total", ".", {{"bad-label", {"a"}}}), std::invalid_argument);
    EXPECT_THROW(r.add_counters("t_r_total", ".", {{"__reserved", {"a"}}}), std::invalid_argument);
    EXPECT_THROW(r.add_counters("t_e_total", ".", {{"kind", {}}}), std::invalid_argument);
    EXPECT_THROW(
        r.add_counters("t_d_total", ".", {{"kind", {"a"}}, {"kind", {"b"}}}), std::invalid_argument
    );
    EXPECT_THROW(
        r.add_histogram("t_wait", "Histograms are in seconds.", {1}), std::invalid_argument
    );
    EXPECT_THROW(
        r.add_histograms("t_le_seconds", ".", {{"le", {"a"}}}, {1}), std::invalid_argument
    );
    EXPECT_THROW(r.add_histogram("t_inc_seconds", ".", {0.1, 0.1}), std::invalid_argument);
    EXPECT_THROW(r.add_histogram("t_neg_seconds", ".", {-1, 1}), std::invalid_argument);
    EXPECT_THROW(r.add_histogram("t_none_seconds", ".", {}), std::invalid_argument);
    r.add_gauge("t_g", "G.", [] { return 0.0; }, {{"a", "1"}});
    EXPECT_THROW(r.add_gauge("t_g", "G.", [] { return 0.0; }, {{"a", "1"}}), std::invalid_argument);
    EXPECT_THROW(r.add_gauge("t_ok_total", "Fine.", [] { return 0.0; }), std::invalid_argument);
    // Nothing half-registered is left behind.
    EXPECT_EQ(
        r.render(),
        "# HELP t_ok_total Fine.\n# TYPE t_ok_total counter\nt_ok_total 0\n"
        "# HELP t_g G.\n# TYPE t_g gauge\nt_g{a=\"1\"} 0\n"
    );
}

TEST(metrics, concurrent_recording_loses_nothing) {
    registry r;
    auto& c = r.add_counter("t_hits_total", "Hits.");
    auto& h = r.add_histogram("t_lat_seconds", "Latency.", {0.001});
    constexpr int threads = 4, each = 20'000;
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            for (int i = 0; i < each; ++i) {
                c.inc();
                h.observe(t % 2 == 0 ? microseconds(1) : milliseconds(2));
            }
        });
    }
    for (auto& t : pool) t.join();
    EXPECT_EQ(c.value(), static_cast<std::uint64_t>(threads * each));
    const auto s = h.read();
    EXPECT_EQ(s.count, static_cast<std::uint64_t>(threads * each));
    EXPECT_EQ(s.cumulative[0], static_cast<std::uint64_t>(threads / 2 * each));
    EXPECT_NEAR(s.sum_seconds, (threads / 2) * each * (0.000001 + 0.002), 1e-9);
}
