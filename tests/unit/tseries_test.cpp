// The tseries() aggregation: its checks, the BPF it compiles to (loaded by the real verifier),
// the merging of per-CPU slots and the chart and JSON it prints, compared exactly.
#include "analysis_support.h"
#include "codegen/codegen.h"
#include "parser/semantic_stdlib.h"
#include "runtime/format_map.h"
#include "runtime/format_tseries.h"
#include "runtime/loader.h"
#include "test_support.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <ctime>

using namespace bpfscope;
using bpfscope::testing::load_all;

namespace {

std::string analyse_errors(const std::string &source, ProgramInfo &info) {
  Diagnostics diags("stdin", source);
  auto program = parse_program(source, diags);
  if (program) {
    bpfscope::testing::FakeResolver resolver;
    SemanticOptions opts;
    analyse_program(*program, resolver, opts, info, diags);
  }
  std::string errors;
  for (auto &d : diags.all())
    errors += diags.render(d);
  return errors;
}

Type series(int64_t interval, int64_t count, TseriesAgg agg, bool is_signed = true) {
  Type t = Type::aggregation(TypeKind::Tseries, is_signed);
  t.tseries_interval = interval;
  t.tseries_count = count;
  t.tseries_agg = agg;
  return t;
}

// Row times are local: the tests run in UTC.
struct Utc {
  Utc() {
    setenv("TZ", "UTC", 1);
    tzset();
  }
};

TEST(Tseries, Checks) {
  ProgramInfo info;
  EXPECT_EQ(analyse_errors("BEGIN { @ = tseries(1, 100000000, 20, \"min\"); }", info), "");
  ASSERT_EQ(info.maps.size(), 1u);
  const Type &t = info.maps[0].value_type;
  EXPECT_EQ(t.name(), "tseries_t");
  EXPECT_EQ(t.tseries_interval, 100000000);
  EXPECT_EQ(t.tseries_count, 20);
  EXPECT_EQ(t.tseries_agg, TseriesAgg::Min);
  EXPECT_NE(analyse_errors("BEGIN { @ = tseries(1, 1000); }", info)
                .find("stdin:1:13-29: ERROR: tseries() requires 3 or 4 arguments (2 provided)"),
            std::string::npos);
  EXPECT_NE(analyse_errors("BEGIN { @ = tseries(1, pid, 5); }", info)
                .find("tseries() expects a positive constant interval"),
            std::string::npos);
  EXPECT_NE(analyse_errors("BEGIN { @ = tseries(1, 1000, 0); }", info)
                .find("tseries() expects a constant number of intervals, 1 to 100000"),
            std::string::npos);
  EXPECT_NE(analyse_errors("BEGIN { @ = tseries(1, 1000, 5, \"median\"); }", info)
                .find("tseries() aggregation must be \"avg\", \"max\", \"min\" or \"sum\""),
            std::string::npos);
  EXPECT_NE(analyse_errors("BEGIN { @ = tseries(comm, 1000, 5); }", info)
                .find("tseries() expects an integer value"),
            std::string::npos);
}

TEST(Tseries, LoadsThroughTheVerifier) {
  EXPECT_EQ(
      load_all("BEGIN { @a = tseries(5, 1000000, 10); @b[1, \"x\"] = tseries(-1, 1000, 3, "
               "\"avg\"); @c = tseries(pid, 1000000000, 4, \"max\"); @d[comm] = "
               "tseries((uint32)pid, 1000, 2, \"min\"); @e = tseries(1, 1000, 2, \"sum\"); }"),
      "");
  EXPECT_EQ(load_all("tracepoint:test:a { @[args.delta] = tseries(args.delta, 100000000, 20); }"),
            "");
}

// Per-CPU slots {epoch, value, count, last update}: only the CPUs with the newest interval count.
TEST(Tseries, MergesPerCpuSlots) {
  int64_t raw[3][4] = {{7, 10, 1, 500}, {7, 30, 2, 900}, {6, 99, 5, 100}};
  auto *bytes = reinterpret_cast<const uint8_t *>(raw);
  TseriesPoint last = merge_tseries_slot(series(1000, 4, TseriesAgg::Last), bytes, 3);
  EXPECT_TRUE(last.valid);
  EXPECT_EQ(last.epoch, 7);
  EXPECT_EQ(last.value, 30); // the latest update
  EXPECT_EQ(merge_tseries_slot(series(1000, 4, TseriesAgg::Sum), bytes, 3).value, 40);
  EXPECT_EQ(merge_tseries_slot(series(1000, 4, TseriesAgg::Avg), bytes, 3).value, 13); // 40 / 3
  EXPECT_EQ(merge_tseries_slot(series(1000, 4, TseriesAgg::Min), bytes, 3).value, 10);
  EXPECT_EQ(merge_tseries_slot(series(1000, 4, TseriesAgg::Max), bytes, 3).value, 30);
  int64_t empty[2][4] = {};
  EXPECT_FALSE(merge_tseries_slot(series(1000, 4, TseriesAgg::Last),
                                  reinterpret_cast<const uint8_t *>(empty), 2)
                   .valid);
}

TEST(Tseries, ChartAsBpftraceDraws) {
  Utc utc;
  // Intervals of 100 ms: epochs 10..13 are 00:00:01.000 .. 00:00:01.300 (UTC). Slot order does
  // not matter; epoch 12 has no data.
  Type t = series(100000000, 20, TseriesAgg::Last);
  std::vector<TseriesPoint> slots = {{13, 2, true}, {10, 0, true}, {11, 1, true}};
  EXPECT_EQ(format_tseries_text(t, slots),
            "             0                                                   2\n"
            "hh:mm:ss.ms  |___________________________________________________|\n"
            "00:00:01.000 *                                                   | 0\n"
            "00:00:01.100 |                         *                         | 1\n"
            "00:00:01.200 |                                                   | -\n"
            "00:00:01.300 |                                                   * 2\n"
            "             v___________________________________________________v\n"
            "             0                                                   2\n");
  // Negative and positive values: a dotted zero line.
  std::vector<TseriesPoint> zigzag = {{10, -5, true}, {11, -4, true}, {12, 5, true}};
  EXPECT_EQ(format_tseries_text(t, zigzag),
            "             -5                                                  5\n"
            "hh:mm:ss.ms  |___________________________________________________|\n"
            "00:00:01.000 *                         .                         | -5\n"
            "00:00:01.100 |    *                    .                         | -4\n"
            "00:00:01.200 |                         .                         * 5\n"
            "             v___________________________________________________v\n"
            "             -5                                                  5\n");
  // Whole seconds: no fraction; one flat value gets room on both sides.
  Type s = series(1000000000, 3, TseriesAgg::Sum);
  EXPECT_EQ(format_tseries_text(s, {{3600, 3, true}}),
            "         2                                                   4\n"
            "hh:mm:ss |___________________________________________________|\n"
            "01:00:00 |                         *                         | 3\n"
            "         v___________________________________________________v\n"
            "         2                                                   4\n");
  // Only the newest `count` intervals are kept.
  EXPECT_EQ(format_tseries_text(s, {{1, 9, true}, {5, 3, true}, {6, 3, true}}),
            format_tseries_text(s, {{5, 3, true}, {6, 3, true}}));
  EXPECT_EQ(format_tseries_text(s, {}), "<no data>\n");
}

TEST(Tseries, Json) {
  Type t = series(500000000, 4, TseriesAgg::Max);
  EXPECT_EQ(format_tseries_json(t, {{4, 7, true}, {2, -1, true}}),
            "[{\"interval_start\":\"1970-01-01 00:00:01.000000000\",\"value\":-1},"
            "{\"interval_start\":\"1970-01-01 00:00:01.500000000\",\"value\":null},"
            "{\"interval_start\":\"1970-01-01 00:00:02.000000000\",\"value\":7}]");
  PrintableMap m;
  m.name = "@";
  m.value_type = t;
  MapEntry e;
  e.points = {{4, 7, true}};
  m.entries.push_back(e);
  EXPECT_EQ(format_map_json(m),
            "{\"type\": \"tseries\", \"data\": {\"@\": "
            "[{\"interval_start\":\"1970-01-01 00:00:02.000000000\",\"value\":7}]}}\n");
}

} // namespace
