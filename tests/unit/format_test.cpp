// Golden tests for the output formatting: text and JSON byte for byte as bpftrace v0.26 prints
// them (see /work/shared/reference/bpftrace-0.26-output-examples.md), except that map entries are
// always sorted by value ascending.
#include <algorithm>
#include <cstring>
#include <gtest/gtest.h>
#include <random>

#include "runtime/compact_sort.h"
#include "runtime/format_json.h"
#include "runtime/format_map.h"
#include "runtime/format_printf.h"
#include "runtime/format_value.h"

namespace bpfscope {
namespace {

// ---- helpers ------------------------------------------------------------------------------

template <typename T> std::vector<uint8_t> raw(T v) {
  std::vector<uint8_t> b(sizeof(T));
  std::memcpy(b.data(), &v, sizeof(T));
  return b;
}

std::vector<uint8_t> str(const std::string &s, int size) {
  std::vector<uint8_t> b(static_cast<size_t>(size), 0);
  std::memcpy(b.data(), s.data(), std::min(s.size(), b.size()));
  return b;
}

std::vector<uint8_t> tuple_bytes(const Type &t, const std::vector<std::vector<uint8_t>> &fields) {
  std::vector<uint8_t> b(static_cast<size_t>(t.size), 0);
  for (size_t i = 0; i < fields.size(); i++)
    std::memcpy(b.data() + t.field_offsets[i], fields[i].data(), fields[i].size());
  return b;
}

Type i8() { return Type::integer(1, true); }
Type i16() { return Type::integer(2, true); }
Type i32() { return Type::integer(4, true); }
Type i64() { return Type::integer(8, true); }
Type u8() { return Type::integer(1, false); }
Type u64() { return Type::integer(8, false); }

MapEntry scalar_entry(std::vector<uint8_t> key, int64_t v) {
  MapEntry e;
  e.key = std::move(key);
  e.scalar = v;
  return e;
}

MapEntry value_entry(std::vector<uint8_t> key, std::vector<uint8_t> value) {
  MapEntry e;
  e.key = std::move(key);
  e.value = std::move(value);
  return e;
}

MapEntry hist_entry(std::vector<uint8_t> key, std::vector<uint64_t> buckets) {
  MapEntry e;
  e.key = std::move(key);
  e.buckets = std::move(buckets);
  return e;
}

Type lhist_type(int64_t min, int64_t max, int64_t step) {
  Type t = Type::aggregation(TypeKind::Lhist);
  t.lhist_min = min;
  t.lhist_max = max;
  t.lhist_step = step;
  return t;
}

// Log2 buckets holding `values` (index 0 negative, 1 zero, i >= 2 [2^(i-2), 2^(i-1))).
std::vector<uint64_t> log2_buckets(const std::vector<int64_t> &values) {
  std::vector<uint64_t> b(66, 0);
  for (int64_t v : values) {
    size_t i;
    if (v < 0)
      i = 0;
    else if (v == 0)
      i = 1;
    else
      i = 2 + static_cast<size_t>(63 - __builtin_clzll(static_cast<uint64_t>(v)));
    b[i]++;
  }
  return b;
}

PrintfArg arg(const Type &t, std::vector<uint8_t> data) { return PrintfArg{t, std::move(data)}; }
PrintfArg sarg(const std::string &s) {
  return arg(Type::string(static_cast<int>(s.size()) + 1), str(s, static_cast<int>(s.size()) + 1));
}

const std::string kFullBar = "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@";
const std::string kHalfBar = "@@@@@@@@@@@@@@@@@@@@@@@@@@                          ";
const std::string kNoBar = "                                                    ";

// ---- values -------------------------------------------------------------------------------

TEST(FormatValue, Integers) {
  EXPECT_EQ(format_value(i8(), raw<int8_t>(-3).data()), "-3");
  EXPECT_EQ(format_value(u8(), raw<uint8_t>(255).data()), "255");
  EXPECT_EQ(format_value(i16(), raw<int16_t>(-32768).data()), "-32768");
  EXPECT_EQ(format_value(i32(), raw<int32_t>(-1).data()), "-1");
  EXPECT_EQ(format_value(Type::integer(4, false), raw<uint32_t>(4294967295u).data()), "4294967295");
  EXPECT_EQ(format_value(i64(), raw<int64_t>(INT64_MIN).data()), "-9223372036854775808");
  EXPECT_EQ(format_value(u64(), raw<uint64_t>(UINT64_MAX).data()), "18446744073709551615");
}

TEST(FormatValue, BoolStringTuple) {
  EXPECT_EQ(format_value(Type::boolean(), raw<uint8_t>(1).data()), "true");
  EXPECT_EQ(format_value(Type::boolean(), raw<uint8_t>(0).data()), "false");
  EXPECT_EQ(format_value(Type::string(4), str("str", 4).data()), "str");
  EXPECT_EQ(format_value(Type::string(8), str("ab", 8).data()), "ab");
  // No NUL in the whole buffer: bpftrace marks the string as truncated.
  EXPECT_EQ(format_value(Type::string(4), str("abcd", 4).data()), "abcd..");

  Type t = Type::tuple({i8(), Type::string(4), i8()});
  auto data = tuple_bytes(t, {raw<int8_t>(1), str("two", 4), raw<int8_t>(3)});
  EXPECT_EQ(format_value(t, data.data()), "(1, two, 3)");

  Type nested = Type::tuple({i64(), Type::tuple({Type::string(2), Type::boolean()})});
  auto inner = tuple_bytes(nested.fields[1], {str("b", 2), raw<uint8_t>(1)});
  auto nd = tuple_bytes(nested, {raw<int64_t>(-5), inner});
  EXPECT_EQ(format_value(nested, nd.data()), "(-5, (b, true))");
}

TEST(FormatValue, PrintReferenceValues) {
  // print($t); print(1 + 2); print("str");
  Type t = Type::tuple({i8(), Type::string(4), i8()});
  auto data = tuple_bytes(t, {raw<int8_t>(1), str("two", 4), raw<int8_t>(3)});
  EXPECT_EQ(format_value(t, data.data()) + "\n" + format_value(i64(), raw<int64_t>(3).data()) +
                "\n" + format_value(Type::string(4), str("str", 4).data()) + "\n",
            "(1, two, 3)\n"
            "3\n"
            "str\n");
  EXPECT_EQ(json_value_record(t, data.data()), "{\"type\": \"value\", \"data\": [1,\"two\",3]}\n");
  EXPECT_EQ(json_value_record(i64(), raw<int64_t>(3).data()),
            "{\"type\": \"value\", \"data\": 3}\n");
  EXPECT_EQ(json_value_record(Type::string(4), str("str", 4).data()),
            "{\"type\": \"value\", \"data\": \"str\"}\n");
}

// ---- maps: the reference examples ---------------------------------------------------------

TEST(FormatMap, CountsByStringKey) {
  PrintableMap m{"@c", Type::string(2), Type::aggregation(TypeKind::Count, false), {}};
  m.entries.push_back(scalar_entry(str("z", 2), 3));
  m.entries.push_back(scalar_entry(str("x", 2), 1));
  m.entries.push_back(scalar_entry(str("y", 2), 2));
  EXPECT_EQ(format_map_text(m), "@c[x]: 1\n"
                                "@c[y]: 2\n"
                                "@c[z]: 3\n");
  EXPECT_EQ(format_map_json(m),
            "{\"type\": \"map\", \"data\": {\"@c\": {\"x\": 1, \"y\": 2, \"z\": 3}}}\n");
}

TEST(FormatMap, TupleKeys) {
  Type key = Type::tuple({i8(), Type::string(2)});
  PrintableMap m{"@t", key, Type::aggregation(TypeKind::Count, false), {}};
  m.entries.push_back(scalar_entry(tuple_bytes(key, {raw<int8_t>(2), str("b", 2)}), 2));
  m.entries.push_back(scalar_entry(tuple_bytes(key, {raw<int8_t>(1), str("a", 2)}), 1));
  EXPECT_EQ(format_map_text(m), "@t[1, a]: 1\n"
                                "@t[2, b]: 2\n");
  EXPECT_EQ(format_map_json(m),
            "{\"type\": \"map\", \"data\": {\"@t\": {\"1,a\": 1, \"2,b\": 2}}}\n");
}

TEST(FormatMap, Hist) {
  PrintableMap m{"@h", Type::none(), Type::aggregation(TypeKind::Hist), {}};
  m.entries.push_back(hist_entry({}, log2_buckets({0, 3, 3, 100, 70000})));
  EXPECT_EQ(format_map_text(m),
            "@h:\n"
            "[0]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
            "[1]                    0 |                                                    |\n"
            "[2, 4)                 2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
            "[4, 8)                 0 |                                                    |\n"
            "[8, 16)                0 |                                                    |\n"
            "[16, 32)               0 |                                                    |\n"
            "[32, 64)               0 |                                                    |\n"
            "[64, 128)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
            "[128, 256)             0 |                                                    |\n"
            "[256, 512)             0 |                                                    |\n"
            "[512, 1K)              0 |                                                    |\n"
            "[1K, 2K)               0 |                                                    |\n"
            "[2K, 4K)               0 |                                                    |\n"
            "[4K, 8K)               0 |                                                    |\n"
            "[8K, 16K)              0 |                                                    |\n"
            "[16K, 32K)             0 |                                                    |\n"
            "[32K, 64K)             0 |                                                    |\n"
            "[64K, 128K)            1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
            "\n");
  EXPECT_EQ(
      format_map_json(m),
      "{\"type\": \"hist\", \"data\": {\"@h\": [{\"min\": 0, \"max\": 0, \"count\": 1},{\"min\": "
      "1, \"max\": 1, \"count\": 0},{\"min\": 2, \"max\": 3, \"count\": 2},{\"min\": 4, \"max\": "
      "7, \"count\": 0},{\"min\": 8, \"max\": 15, \"count\": 0},{\"min\": 16, \"max\": 31, "
      "\"count\": 0},{\"min\": 32, \"max\": 63, \"count\": 0},{\"min\": 64, \"max\": 127, "
      "\"count\": 1},{\"min\": 128, \"max\": 255, \"count\": 0},{\"min\": 256, \"max\": 511, "
      "\"count\": 0},{\"min\": 512, \"max\": 1023, \"count\": 0},{\"min\": 1024, \"max\": 2047, "
      "\"count\": 0},{\"min\": 2048, \"max\": 4095, \"count\": 0},{\"min\": 4096, \"max\": 8191, "
      "\"count\": 0},{\"min\": 8192, \"max\": 16383, \"count\": 0},{\"min\": 16384, \"max\": "
      "32767, \"count\": 0},{\"min\": 32768, \"max\": 65535, \"count\": 0},{\"min\": 65536, "
      "\"max\": 131071, \"count\": 1}]}}\n");
}

TEST(FormatMap, Lhist) {
  // lhist(x, 0, 50, 10) of -5, 12, 12, 60: buckets below 0, [0,10) .. [40,50), [50, ...).
  PrintableMap m{"@l", Type::none(), lhist_type(0, 50, 10), {}};
  m.entries.push_back(hist_entry({}, {1, 0, 2, 0, 0, 0, 1}));
  EXPECT_EQ(format_map_text(m),
            "@l:\n"
            "(..., 0)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
            "[0, 10)                0 |                                                    |\n"
            "[10, 20)               2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
            "[20, 30)               0 |                                                    |\n"
            "[30, 40)               0 |                                                    |\n"
            "[40, 50)               0 |                                                    |\n"
            "[50, ...)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
            "\n");
  EXPECT_EQ(format_map_json(m),
            "{\"type\": \"hist\", \"data\": {\"@l\": [{\"max\": -1, \"count\": 1},{\"min\": 0, "
            "\"max\": 9, \"count\": 0},{\"min\": 10, \"max\": 19, \"count\": 2},{\"min\": 20, "
            "\"max\": 29, \"count\": 0},{\"min\": 30, \"max\": 39, \"count\": 0},{\"min\": 40, "
            "\"max\": 49, \"count\": 0},{\"min\": 50, \"count\": 1}]}}\n");
}

TEST(FormatMap, StatsAvgMinMaxSum) {
  MapEntry avg;
  avg.count = 2;
  avg.total = 31;
  MapEntry stats;
  stats.count = 2;
  stats.total = 6;
  PrintableMap a{"@a", Type::none(), Type::aggregation(TypeKind::Avg), {avg}};
  PrintableMap ma{"@ma", Type::none(), Type::aggregation(TypeKind::Max), {scalar_entry({}, 9)}};
  PrintableMap mi{"@mi", Type::none(), Type::aggregation(TypeKind::Min), {scalar_entry({}, -7)}};
  PrintableMap s{"@s", Type::none(), Type::aggregation(TypeKind::Stats), {stats}};
  PrintableMap su{"@su", Type::none(), Type::aggregation(TypeKind::Sum), {scalar_entry({}, 5)}};
  EXPECT_EQ(format_map_text(a) + format_map_text(ma) + format_map_text(mi) + format_map_text(s) +
                format_map_text(su),
            "@a: 15\n"
            "@ma: 9\n"
            "@mi: -7\n"
            "@s: { .count = 2, .average = 3, .total = 6 }\n"
            "@su: 5\n");
  EXPECT_EQ(format_map_json(a) + format_map_json(ma) + format_map_json(mi) + format_map_json(s) +
                format_map_json(su),
            "{\"type\": \"stats\", \"data\": {\"@a\": 15}}\n"
            "{\"type\": \"map\", \"data\": {\"@ma\": 9}}\n"
            "{\"type\": \"map\", \"data\": {\"@mi\": -7}}\n"
            "{\"type\": \"stats\", \"data\": {\"@s\": {\"count\": 2, \"average\": 3, \"total\": "
            "6}}}\n"
            "{\"type\": \"map\", \"data\": {\"@su\": 5}}\n");
}

TEST(FormatMap, KeyedHists) {
  PrintableMap m{"@", i8(), Type::aggregation(TypeKind::Hist), {}};
  m.entries.push_back(hist_entry(raw<int8_t>(2), log2_buckets({500})));
  m.entries.push_back(hist_entry(raw<int8_t>(1), log2_buckets({5})));
  EXPECT_EQ(format_map_text(m),
            "@[1]:\n"
            "[4, 8)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
            "\n"
            "@[2]:\n"
            "[256, 512)             1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
            "\n");
  EXPECT_EQ(format_map_json(m),
            "{\"type\": \"hist\", \"data\": {\"@\": {\"1\": [{\"min\": 4, \"max\": 7, \"count\": "
            "1}], \"2\": [{\"min\": 256, \"max\": 511, \"count\": 1}]}}}\n");
}

TEST(FormatMap, PlainValues) {
  PrintableMap x{"@x", Type::none(), i64(), {value_entry({}, raw<int64_t>(1))}};
  PrintableMap y{"@y", Type::none(), Type::string(2), {value_entry({}, str("s", 2))}};
  EXPECT_EQ(format_map_text(x), "@x: 1\n");
  EXPECT_EQ(format_map_text(y), "@y: s\n");
  EXPECT_EQ(format_map_json(x), "{\"type\": \"map\", \"data\": {\"@x\": 1}}\n");
  EXPECT_EQ(format_map_json(y), "{\"type\": \"map\", \"data\": {\"@y\": \"s\"}}\n");
  // After clear(@x) the map has no entries and prints nothing.
  PrintableMap cleared{"@x", Type::none(), i64(), {}};
  EXPECT_EQ(format_map_text(cleared), "");
  EXPECT_EQ(format_map_json(cleared), "");
}

TEST(FormatMap, TopAndDiv) {
  // @m[1] = 10; @m[2] = 20; @m[3] = 30; print(@m, 2); print(@m, 0, 10);
  PrintableMap m{"@m", i64(), i64(), {}};
  m.entries.push_back(value_entry(raw<int64_t>(3), raw<int64_t>(30)));
  m.entries.push_back(value_entry(raw<int64_t>(1), raw<int64_t>(10)));
  m.entries.push_back(value_entry(raw<int64_t>(2), raw<int64_t>(20)));
  EXPECT_EQ(format_map_text(m, 2), "@m[2]: 20\n"
                                   "@m[3]: 30\n");
  EXPECT_EQ(format_map_text(m, 0, 10), "@m[1]: 1\n"
                                       "@m[2]: 2\n"
                                       "@m[3]: 3\n");
  EXPECT_EQ(format_map_text(m), "@m[1]: 10\n"
                                "@m[2]: 20\n"
                                "@m[3]: 30\n");
  EXPECT_EQ(format_map_json(m, 2),
            "{\"type\": \"map\", \"data\": {\"@m\": {\"2\": 20, \"3\": 30}}}\n");
  EXPECT_EQ(format_map_json(m, 0, 10),
            "{\"type\": \"map\", \"data\": {\"@m\": {\"1\": 1, \"2\": 2, \"3\": 3}}}\n");
  EXPECT_EQ(format_map_json(m),
            "{\"type\": \"map\", \"data\": {\"@m\": {\"1\": 10, \"2\": 20, \"3\": 30}}}\n");
  // top larger than the map keeps everything; div 0 acts as 1.
  EXPECT_EQ(format_map_text(m, 5, 0), format_map_text(m));
}

// ---- maps: more cases ---------------------------------------------------------------------

// The compact form (count/sum/min/max keyed by one integer, as a large map is read) prints
// exactly what the same entries print as MapEntry records.
TEST(FormatMap, CompactFormPrintsTheSame) {
  struct Case {
    Type key;
    Type value;
  };
  std::vector<Case> cases = {
      {i64(), Type::aggregation(TypeKind::Count, false)},
      {i32(), Type::aggregation(TypeKind::Sum, true)},
      {u64(), Type::aggregation(TypeKind::Max, false)},
      {i8(), Type::aggregation(TypeKind::Min, true)},
  };
  const std::vector<std::pair<int64_t, int64_t>> kv = {{300, 2},  {-1, 5}, {256, 2}, {7, -40},
                                                       {-100, 2}, {0, 0},  {5, 41}};
  for (auto &c : cases) {
    ASSERT_TRUE(compact_form(c.key, c.value));
    PrintableMap full{"@m", c.key, c.value, {}};
    PrintableMap compact{"@m", c.key, c.value, {}};
    for (auto [k, v] : kv) {
      std::vector<uint8_t> key(static_cast<size_t>(c.key.size));
      std::memcpy(key.data(), &k, key.size());
      full.entries.push_back(scalar_entry(key, v));
      uint64_t bits = static_cast<uint64_t>(k);
      if (!c.key.is_signed && c.key.size < 8)
        bits &= (uint64_t(1) << (8 * c.key.size)) - 1;
      if (c.key.is_signed && c.key.size < 8)
        bits = static_cast<uint64_t>(static_cast<int64_t>(bits << (64 - 8 * c.key.size)) >>
                                     (64 - 8 * c.key.size));
      compact.compact.push_back({bits, static_cast<uint64_t>(v)});
    }
    for (size_t top : {0, 3})
      for (uint64_t div : {1, 2}) {
        EXPECT_EQ(format_map_text(compact, top, div), format_map_text(full, top, div));
        EXPECT_EQ(format_map_json(compact, top, div), format_map_json(full, top, div));
      }
  }
  EXPECT_FALSE(compact_form(Type::string(16), Type::aggregation(TypeKind::Count, false)));
  EXPECT_FALSE(compact_form(i64(), Type::aggregation(TypeKind::Avg, true)));
}

TEST(FormatMap, SortedByValueThenKey) {
  PrintableMap m{"@", i64(), Type::aggregation(TypeKind::Count, false), {}};
  m.entries.push_back(scalar_entry(raw<int64_t>(300), 2));
  m.entries.push_back(scalar_entry(raw<int64_t>(-1), 5));
  m.entries.push_back(scalar_entry(raw<int64_t>(256), 2));
  m.entries.push_back(scalar_entry(raw<int64_t>(7), 1));
  EXPECT_EQ(format_map_text(m), "@[7]: 1\n"
                                "@[256]: 2\n"
                                "@[300]: 2\n"
                                "@[-1]: 5\n");
}

TEST(FormatMap, SignedAggregationsSortNumerically) {
  PrintableMap m{"@mi", Type::string(4), Type::aggregation(TypeKind::Min), {}};
  m.entries.push_back(scalar_entry(str("a", 4), 3));
  m.entries.push_back(scalar_entry(str("b", 4), -10));
  m.entries.push_back(scalar_entry(str("c", 4), 0));
  EXPECT_EQ(format_map_text(m), "@mi[b]: -10\n"
                                "@mi[c]: 0\n"
                                "@mi[a]: 3\n");
  EXPECT_EQ(format_map_json(m),
            "{\"type\": \"map\", \"data\": {\"@mi\": {\"b\": -10, \"c\": 0, \"a\": 3}}}\n");
}

TEST(FormatMap, CountIsUnsigned) {
  PrintableMap m{"@c", Type::none(), Type::aggregation(TypeKind::Count), {scalar_entry({}, -1)}};
  EXPECT_EQ(format_map_text(m), "@c: 18446744073709551615\n");
  // Not representable as a double: a JSON string, as bpftrace does.
  EXPECT_EQ(format_map_json(m),
            "{\"type\": \"map\", \"data\": {\"@c\": \"18446744073709551615\"}}\n");
}

TEST(FormatMap, KeyedStatsAndAvgWithDiv) {
  PrintableMap s{"@s", Type::string(4), Type::aggregation(TypeKind::Stats), {}};
  MapEntry e1;
  e1.key = str("a", 4);
  e1.count = 4;
  e1.total = 400;
  MapEntry e2;
  e2.key = str("b", 4);
  e2.count = 1;
  e2.total = -30;
  s.entries = {e1, e2};
  EXPECT_EQ(format_map_text(s), "@s[b]: { .count = 1, .average = -30, .total = -30 }\n"
                                "@s[a]: { .count = 4, .average = 100, .total = 400 }\n");
  // div only divides the average.
  EXPECT_EQ(format_map_text(s, 0, 7), "@s[b]: { .count = 1, .average = -4, .total = -30 }\n"
                                      "@s[a]: { .count = 4, .average = 14, .total = 400 }\n");
  EXPECT_EQ(format_map_json(s),
            "{\"type\": \"stats\", \"data\": {\"@s\": {\"b\": {\"count\": 1, \"average\": -30, "
            "\"total\": -30}, \"a\": {\"count\": 4, \"average\": 100, \"total\": 400}}}}\n");

  PrintableMap a{"@a", i32(), Type::aggregation(TypeKind::Avg), {}};
  MapEntry x;
  x.key = raw<int32_t>(1);
  x.count = 3;
  x.total = -10; // -3.33 truncates toward zero
  MapEntry z;    // no samples
  z.key = raw<int32_t>(2);
  a.entries = {x, z};
  EXPECT_EQ(format_map_text(a), "@a[1]: -3\n"
                                "@a[2]: 0\n");
  EXPECT_EQ(format_map_json(a),
            "{\"type\": \"stats\", \"data\": {\"@a\": {\"1\": -3, \"2\": 0}}}\n");
}

TEST(FormatMap, SumMaxWithTopAndDiv) {
  PrintableMap m{"@bytes", Type::string(8), Type::aggregation(TypeKind::Sum), {}};
  m.entries.push_back(scalar_entry(str("bash", 8), 4096));
  m.entries.push_back(scalar_entry(str("sshd", 8), 1 << 20));
  m.entries.push_back(scalar_entry(str("cat", 8), 10));
  m.entries.push_back(scalar_entry(str("vim", 8), -2048));
  EXPECT_EQ(format_map_text(m, 2, 1024), "@bytes[bash]: 4\n"
                                         "@bytes[sshd]: 1024\n");
  EXPECT_EQ(format_map_text(m, 0, 1024), "@bytes[vim]: -2\n"
                                         "@bytes[cat]: 0\n"
                                         "@bytes[bash]: 4\n"
                                         "@bytes[sshd]: 1024\n");
  EXPECT_EQ(format_map_json(m, 3),
            "{\"type\": \"map\", \"data\": {\"@bytes\": {\"cat\": 10, \"bash\": 4096, \"sshd\": "
            "1048576}}}\n");
}

TEST(FormatMap, TupleValuesAndBoolKeys) {
  Type vt = Type::tuple({i64(), Type::string(3)});
  PrintableMap m{"@v", Type::boolean(), vt, {}};
  m.entries.push_back(
      value_entry(raw<uint8_t>(1), tuple_bytes(vt, {raw<int64_t>(2), str("hi", 3)})));
  m.entries.push_back(
      value_entry(raw<uint8_t>(0), tuple_bytes(vt, {raw<int64_t>(1), str("a", 3)})));
  EXPECT_EQ(format_map_text(m), "@v[false]: (1, a)\n"
                                "@v[true]: (2, hi)\n");
  EXPECT_EQ(format_map_json(m), "{\"type\": \"map\", \"data\": {\"@v\": {\"false\": [1,\"a\"], "
                                "\"true\": [2,\"hi\"]}}}\n");
}

TEST(FormatMap, StringKeysNeedEscaping) {
  PrintableMap m{"@", Type::string(8), Type::aggregation(TypeKind::Count, false), {}};
  m.entries.push_back(scalar_entry(str("a\"b\\c\n", 8), 1));
  EXPECT_EQ(format_map_text(m), "@[a\"b\\c\n]: 1\n");
  EXPECT_EQ(format_map_json(m),
            "{\"type\": \"map\", \"data\": {\"@\": {\"a\\\"b\\\\c\\n\": 1}}}\n");
}

TEST(FormatHist, NegativeValues) {
  PrintableMap m{"@h", Type::none(), Type::aggregation(TypeKind::Hist), {}};
  m.entries.push_back(hist_entry({}, log2_buckets({-1, -100, 0})));
  EXPECT_EQ(format_map_text(m), "@h:\n"
                                "(..., 0)               2 |" +
                                    kFullBar +
                                    "|\n"
                                    "[0]                    1 |" +
                                    kHalfBar + "|\n\n");
  EXPECT_EQ(format_map_json(m), "{\"type\": \"hist\", \"data\": {\"@h\": [{\"max\": -1, \"count\": "
                                "2},{\"min\": 0, \"max\": 0, \"count\": 1}]}}\n");
}

TEST(FormatHist, ZeroedHistMap) {
  // zero(@h) keeps the entry with every bucket at 0: the header and the closing blank line only.
  PrintableMap m{"@h", Type::none(), Type::aggregation(TypeKind::Hist), {}};
  m.entries.push_back(hist_entry({}, std::vector<uint64_t>(66, 0)));
  EXPECT_EQ(format_map_text(m), "@h:\n\n");
  EXPECT_EQ(format_map_json(m), "{\"type\": \"hist\", \"data\": {\"@h\": []}}\n");
  PrintableMap keyed{"@h", u64(), Type::aggregation(TypeKind::Hist), {}};
  EXPECT_EQ(format_map_text(keyed), "");
  EXPECT_EQ(format_map_json(keyed), "");
}

TEST(FormatHist, FirstBucketsAndTrimming) {
  Type h = Type::aggregation(TypeKind::Hist);
  EXPECT_EQ(format_hist_lines(h, log2_buckets({1})),
            "[1]                    1 |" + kFullBar + "|\n");
  EXPECT_EQ(format_hist_lines(h, log2_buckets({2, 3})),
            "[2, 4)                 2 |" + kFullBar + "|\n");
  EXPECT_EQ(format_hist_lines(h, log2_buckets({1, 2})), "[1]                    1 |" + kFullBar +
                                                            "|\n"
                                                            "[2, 4)                 1 |" +
                                                            kFullBar + "|\n");
  EXPECT_EQ(
      format_hist_json(h, log2_buckets({1, 2, 7})),
      "[{\"min\": 1, \"max\": 1, \"count\": 1},{\"min\": 2, \"max\": 3, \"count\": 1},{\"min\": "
      "4, \"max\": 7, \"count\": 1}]");
  EXPECT_EQ(format_hist_lines(h, std::vector<uint64_t>(66, 0)), "");
  EXPECT_EQ(format_hist_json(h, std::vector<uint64_t>(66, 0)), "[]");
}

TEST(FormatHist, LargeValueSuffixes) {
  Type h = Type::aggregation(TypeKind::Hist);
  EXPECT_EQ(format_hist_lines(h, log2_buckets({int64_t(1) << 40})),
            "[1T, 2T)               1 |" + kFullBar + "|\n");
  EXPECT_EQ(format_hist_json(h, log2_buckets({int64_t(1) << 40})),
            "[{\"min\": 1099511627776, \"max\": 2199023255551, \"count\": 1}]");
  EXPECT_EQ(format_hist_lines(h, log2_buckets({1 << 20, (1 << 21) + 5, 1 << 30})),
            "[1M, 2M)               1 |" + kFullBar +
                "|\n"
                "[2M, 4M)               1 |" +
                kFullBar + "|\n" + "[4M, 8M)               0 |" + kNoBar + "|\n" +
                "[8M, 16M)              0 |" + kNoBar + "|\n" + "[16M, 32M)             0 |" +
                kNoBar + "|\n" + "[32M, 64M)             0 |" + kNoBar + "|\n" +
                "[64M, 128M)            0 |" + kNoBar + "|\n" + "[128M, 256M)           0 |" +
                kNoBar + "|\n" + "[256M, 512M)           0 |" + kNoBar + "|\n" +
                "[512M, 1G)             0 |" + kNoBar + "|\n" + "[1G, 2G)               1 |" +
                kFullBar + "|\n");
  EXPECT_EQ(format_hist_lines(h, log2_buckets({int64_t(1) << 50, int64_t(1) << 62})).substr(0, 10),
            "[1P, 2P)  ");
  std::string top = format_hist_lines(h, log2_buckets({INT64_MAX}));
  EXPECT_EQ(top, "[4E, 8E)               1 |" + kFullBar + "|\n");
  // 2^63 - 1 is not exact as a double: emitted as a string like any other such integer.
  EXPECT_EQ(format_hist_json(h, log2_buckets({INT64_MAX})),
            "[{\"min\": 4611686018427387904, \"max\": \"9223372036854775807\", \"count\": 1}]");
}

TEST(FormatHist, BarScaling) {
  Type h = Type::aggregation(TypeKind::Hist);
  std::vector<uint64_t> b(66, 0);
  b[1] = 3;
  b[2] = 1;
  b[3] = 2;
  // 1/3*52 = 17.33 -> 17, 2/3*52 = 34.67 -> 34 (truncated).
  EXPECT_EQ(format_hist_lines(h, b), "[0]                    3 |" + kFullBar +
                                         "|\n"
                                         "[1]                    1 |" +
                                         std::string(17, '@') + std::string(35, ' ') +
                                         "|\n"
                                         "[2, 4)                 2 |" +
                                         std::string(34, '@') + std::string(18, ' ') + "|\n");
  // Counts wider than 8 columns push the bar right, as in bpftrace.
  std::vector<uint64_t> big(66, 0);
  big[5] = 1234567890;
  EXPECT_EQ(format_hist_lines(h, big), "[8, 16)         1234567890 |" + kFullBar + "|\n");
}

TEST(FormatHist, DivDividesHistCounts) {
  PrintableMap m{"@h", Type::none(), Type::aggregation(TypeKind::Hist), {}};
  std::vector<uint64_t> b(66, 0);
  b[4] = 25;
  b[5] = 5;
  m.entries.push_back(hist_entry({}, b));
  EXPECT_EQ(format_map_text(m, 0, 10), "@h:\n"
                                       "[4, 8)                 2 |" +
                                           kFullBar +
                                           "|\n"
                                           "[8, 16)                0 |" +
                                           kNoBar + "|\n\n");
}

TEST(FormatHist, KeyedHistsSortedByTotalWithTop) {
  Type key = Type::string(6);
  PrintableMap m{"@lat", key, Type::aggregation(TypeKind::Hist), {}};
  m.entries.push_back(hist_entry(str("read", 6), log2_buckets({5, 6, 7})));
  m.entries.push_back(hist_entry(str("write", 6), log2_buckets({9})));
  m.entries.push_back(hist_entry(str("open", 6), log2_buckets({1, 1})));
  EXPECT_EQ(format_map_text(m, 2), "@lat[open]:\n"
                                   "[1]                    2 |" +
                                       kFullBar +
                                       "|\n"
                                       "\n"
                                       "@lat[read]:\n"
                                       "[4, 8)                 3 |" +
                                       kFullBar + "|\n\n");
  EXPECT_EQ(format_map_json(m, 1),
            "{\"type\": \"hist\", \"data\": {\"@lat\": {\"read\": [{\"min\": "
            "4, \"max\": 7, \"count\": 3}]}}}\n");
}

TEST(FormatHist, LhistLabels) {
  // Step 1: single-value buckets print as [v].
  Type l1 = lhist_type(0, 5, 1);
  EXPECT_EQ(format_hist_lines(l1, {0, 0, 0, 2, 1, 0, 0}), "[2]                    2 |" + kFullBar +
                                                              "|\n" + "[3]                    1 |" +
                                                              kHalfBar + "|\n");
  // Negative minimum.
  Type l2 = lhist_type(-100, 100, 50);
  EXPECT_EQ(format_hist_lines(l2, {1, 1, 0, 0, 0, 1}),
            "(..., -100)            1 |" + kFullBar + "|\n" + "[-100, -50)            1 |" +
                kFullBar + "|\n" + "[-50, 0)               0 |" + kNoBar + "|\n" +
                "[0, 50)                0 |" + kNoBar + "|\n" + "[50, 100)              0 |" +
                kNoBar + "|\n" + "[100, ...)             1 |" + kFullBar + "|\n");
  EXPECT_EQ(format_hist_json(l2, {0, 0, 0, 0, 0, 4}), "[{\"min\": 100, \"count\": 4}]");
  // A step that is a multiple of 1024 gets K/M suffixes.
  Type l3 = lhist_type(0, 4 * 1024 * 1024, 1024 * 1024);
  EXPECT_EQ(format_hist_lines(l3, {0, 1, 1, 0, 0, 1}),
            "[0, 1M)                1 |" + kFullBar + "|\n" + "[1M, 2M)               1 |" +
                kFullBar + "|\n" + "[2M, 3M)               0 |" + kNoBar + "|\n" +
                "[3M, 4M)               0 |" + kNoBar + "|\n" + "[4M, ...)              1 |" +
                kFullBar + "|\n");
  Type l4 = lhist_type(0, 8192, 1024);
  EXPECT_EQ(format_hist_lines(l4, {0, 0, 3}), "[1K, 2K)               3 |" + kFullBar + "|\n");
  // div does not apply to lhist.
  PrintableMap m{"@l", Type::none(), l4, {hist_entry({}, {0, 0, 3})}};
  EXPECT_EQ(format_map_text(m, 0, 2), "@l:\n[1K, 2K)               3 |" + kFullBar + "|\n\n");
}

// ---- printf -------------------------------------------------------------------------------

TEST(FormatPrintf, ReferenceLine) {
  std::vector<PrintfArg> args = {arg(i8(), raw<int8_t>(-3)),
                                 arg(i8(), raw<int8_t>(42)),
                                 arg(i8(), raw<int8_t>(42)),
                                 arg(i8(), raw<int8_t>(42)),
                                 arg(i16(), raw<int16_t>(255)),
                                 arg(i16(), raw<int16_t>(255)),
                                 arg(i8(), raw<int8_t>(8)),
                                 arg(i8(), raw<int8_t>(-1)),
                                 arg(i8(), raw<int8_t>(65)),
                                 sarg("str"),
                                 sarg("right"),
                                 sarg("left")};
  std::string fmt = "%d|%5d|%-5d|%05d|%x|%X|%o|%u|%c|%s|%10s|%-10s|%%\n";
  std::vector<Type> types;
  for (auto &a : args)
    types.push_back(a.type);
  EXPECT_EQ(check_printf_format(fmt, types), "");
  std::string out = format_printf(fmt, args);
  EXPECT_EQ(out, "-3|   42|42   |00042|ff|FF|10|4294967295|A|str|     right|left      |%\n");
  EXPECT_EQ(json_printf_record(out),
            "{\"type\": \"printf\", \"data\": "
            "\"-3|   42|42   |00042|ff|FF|10|4294967295|A|str|     right|left      |%\\n\"}\n");
}

TEST(FormatPrintf, WidthsAndPrecision) {
  EXPECT_EQ(format_printf("%-8s %5d %x", {sarg("hi"), arg(i64(), raw<int64_t>(42)),
                                          arg(i64(), raw<int64_t>(255))}),
            "hi          42 ff");
  EXPECT_EQ(format_printf("%.3s|%5.2s|%-6.1s|", {sarg("abcdef"), sarg("xyz"), sarg("qq")}),
            "abc|   xy|q     |");
  EXPECT_EQ(format_printf("%.5d|%8.3d|%-+6d|% d|%+d",
                          {arg(i64(), raw<int64_t>(42)), arg(i64(), raw<int64_t>(-7)),
                           arg(i64(), raw<int64_t>(5)), arg(i64(), raw<int64_t>(9)),
                           arg(i64(), raw<int64_t>(0))}),
            "00042|    -007|+5    | 9|+0");
  EXPECT_EQ(format_printf("%05d|%#x|%#o|%#X|%-05d|",
                          {arg(i64(), raw<int64_t>(-3)), arg(i64(), raw<int64_t>(255)),
                           arg(i64(), raw<int64_t>(8)), arg(i64(), raw<int64_t>(255)),
                           arg(i64(), raw<int64_t>(42))}),
            "-0003|0xff|010|0XFF|42   |");
}

TEST(FormatPrintf, LengthModifiers) {
  PrintfArg m1 = arg(i64(), raw<int64_t>(-1));
  EXPECT_EQ(format_printf("%hhx %hx %x %lx %llx", {m1, m1, m1, m1, m1}),
            "ff ffff ffffffff ffffffffffffffff ffffffffffffffff");
  EXPECT_EQ(format_printf("%hhu %hu %u %lu %llu", {m1, m1, m1, m1, m1}),
            "255 65535 4294967295 18446744073709551615 18446744073709551615");
  EXPECT_EQ(format_printf("%hhd %hd %d %ld %lld",
                          {arg(i64(), raw<int64_t>(200)), arg(i64(), raw<int64_t>(40000)),
                           arg(i64(), raw<int64_t>(int64_t(1) << 40)),
                           arg(i64(), raw<int64_t>(int64_t(1) << 40)),
                           arg(i64(), raw<int64_t>(INT64_MIN))}),
            "-56 -25536 0 1099511627776 -9223372036854775808");
  // Values are first extended at their own width and signedness.
  EXPECT_EQ(format_printf("%lu %lu %ld %zu %jd %zd",
                          {arg(i8(), raw<int8_t>(-1)), arg(u8(), raw<uint8_t>(255)),
                           arg(Type::integer(4, false), raw<uint32_t>(4294967295u)),
                           arg(u64(), raw<uint64_t>(UINT64_MAX)), arg(i16(), raw<int16_t>(-2)),
                           arg(i32(), raw<int32_t>(-9))}),
            "18446744073709551615 255 4294967295 18446744073709551615 -2 -9");
  EXPECT_EQ(format_printf("%u %d %x", {arg(u64(), raw<uint64_t>(UINT64_MAX)),
                                       arg(u64(), raw<uint64_t>(4294967296ull + 7)),
                                       arg(u64(), raw<uint64_t>(0x123456789abcdefull))}),
            "4294967295 7 89abcdef");
  EXPECT_EQ(format_printf("%lo %llX", {arg(i64(), raw<int64_t>(64)),
                                       arg(u64(), raw<uint64_t>(0xdeadbeefcafeull))}),
            "100 DEADBEEFCAFE");
}

TEST(FormatPrintf, OtherConversions) {
  EXPECT_EQ(format_printf("%c%c%-3c|%3c",
                          {arg(i8(), raw<int8_t>(104)), arg(i8(), raw<int8_t>(105)),
                           arg(i64(), raw<int64_t>(33)), arg(i64(), raw<int64_t>(0x141))}),
            "hi!  |  A");
  EXPECT_EQ(
      format_printf("%p %p %18p|", {arg(u64(), raw<uint64_t>(0xffff888012345678ull)),
                                    arg(u64(), raw<uint64_t>(0)), arg(u64(), raw<uint64_t>(0x1f))}),
      "0xffff888012345678 0               0x1f|");
  // %s prints any value as print() would.
  Type t = Type::tuple({i8(), Type::string(4)});
  EXPECT_EQ(
      format_printf("%s %s %s %s|%6s",
                    {arg(i64(), raw<int64_t>(-12)),
                     arg(t, tuple_bytes(t, {raw<int8_t>(1), str("ab", 4)})),
                     arg(Type::boolean(), raw<uint8_t>(1)), sarg(""), arg(u8(), raw<uint8_t>(7))}),
      "-12 (1, ab) true |     7");
  EXPECT_EQ(
      format_printf("%d %u", {arg(Type::boolean(), raw<uint8_t>(1)),
                              arg(Type::aggregation(TypeKind::Count, false), raw<uint64_t>(9))}),
      "1 9");
}

TEST(FormatPrintf, LiteralsAndMismatches) {
  EXPECT_EQ(format_printf("100%% done\n", {}), "100% done\n");
  EXPECT_EQ(format_printf("no specs", {}), "no specs");
  EXPECT_EQ(format_printf("", {}), "");
  // Not reachable after check_printf_format, but never crash or read past the arguments.
  EXPECT_EQ(format_printf("%d %d %y", {arg(i64(), raw<int64_t>(1))}), "1 %d %y");
  EXPECT_EQ(format_printf("%d", {arg(i64(), {})}), "0");
  EXPECT_EQ(format_printf("%s", {arg(Type::string(3), str("abc", 3))}), "abc..");
  // A %d given a string prints the text.
  EXPECT_EQ(format_printf("[%d]", {sarg("x")}), "[x]");
}

TEST(FormatPrintf, CheckFormat) {
  Type s = Type::string(8);
  EXPECT_EQ(check_printf_format("%d %s\n", {i64(), s}), "");
  EXPECT_EQ(
      check_printf_format("%-8s %5d %x %lu %llx %hhd %c %p %i %o %X %%",
                          {s, i32(), u64(), u64(), u64(), i8(), i8(), u64(), i64(), i64(), i64()}),
      "");
  EXPECT_EQ(check_printf_format("%d\n", {i64(), i64()}),
            "printf: Too many arguments for format string (2 supplied, 1 expected)");
  EXPECT_EQ(check_printf_format("%d %d %d\n", {i64(), i64()}),
            "printf: Not enough arguments for format string (2 supplied, 3 expected)");
  EXPECT_EQ(check_printf_format("%d\n", {s}),
            "printf: %d specifier expects a value of type integer (string supplied)");
  EXPECT_EQ(check_printf_format("%s %lx\n", {s, Type::tuple({i64(), i64()})}),
            "printf: %lx specifier expects a value of type integer (tuple supplied)");
  EXPECT_EQ(check_printf_format("%y\n", {i64()}), "printf: Unknown format specifier '%y'");
  EXPECT_EQ(check_printf_format("%-5f", {i64()}), "printf: Unknown format specifier '%-5f'");
  EXPECT_EQ(check_printf_format("%*d", {i64(), i64()}), "printf: Unknown format specifier '%*d'");
  EXPECT_EQ(check_printf_format("%hld", {i64()}), "printf: Unknown format specifier '%hld'");
  EXPECT_EQ(check_printf_format("50%", {}), "printf: Unknown format specifier '%'");
  EXPECT_EQ(check_printf_format("%d", {i64()}, "system"), "");
  EXPECT_EQ(check_printf_format("%d %d", {i64()}, "system"),
            "system: Not enough arguments for format string (1 supplied, 2 expected)");
  EXPECT_EQ(check_printf_format("%s", {Type::aggregation(TypeKind::Hist)}),
            "printf: %s specifier expects a printable value (hist_t supplied)");
  EXPECT_EQ(
      check_printf_format("%d %s", {Type::aggregation(TypeKind::Count, false), Type::boolean()}),
      "");
}

TEST(FormatPrintf, ParseFormat) {
  auto specs = parse_format("a%-08.3lld%%b%s");
  ASSERT_EQ(specs.size(), 3u);
  EXPECT_EQ(specs[0].begin, 1u);
  EXPECT_EQ(specs[0].end, 10u);
  EXPECT_TRUE(specs[0].left);
  EXPECT_TRUE(specs[0].zero);
  EXPECT_EQ(specs[0].width, 8);
  EXPECT_EQ(specs[0].precision, 3);
  EXPECT_EQ(specs[0].length, "ll");
  EXPECT_EQ(specs[0].conversion, 'd');
  EXPECT_TRUE(specs[0].valid);
  EXPECT_EQ(specs[1].conversion, '%');
  EXPECT_EQ(specs[2].conversion, 's');
}

// ---- time and JSON helpers ----------------------------------------------------------------

TEST(FormatTime, Strftime) {
  std::time_t t = 1782820800; // 2026-06-30 12:00:00 UTC, 2026 in every time zone
  EXPECT_EQ(format_time_at("%Y\n", t), "2026\n");
  EXPECT_EQ(json_time_record(format_time_at("%Y\n", t)),
            "{\"type\": \"time\", \"data\": \"2026\\n\"}\n");
  EXPECT_EQ(format_time_at("", t), "");
  EXPECT_EQ(format_time_at("%%", t), "%");
  EXPECT_EQ(format_time_at(std::string(1000, 'x'), t), std::string(1000, 'x'));
  EXPECT_EQ(format_time("%Y").size(), 4u);
}

TEST(FormatJson, Escape) {
  EXPECT_EQ(json_escape(""), "\"\"");
  EXPECT_EQ(json_escape("a\"b\\c\nd\re\tf"), "\"a\\\"b\\\\c\\nd\\re\\tf\"");
  EXPECT_EQ(json_escape(std::string("\x01\x1f\x7f", 3)), "\"\\u0001\\u001f\x7f\"");
  EXPECT_EQ(json_escape("h\xc3\xa9llo"), "\"h\xc3\xa9llo\"");
}

TEST(FormatJson, Numbers) {
  EXPECT_EQ(json_int(0), "0");
  EXPECT_EQ(json_int(-7), "-7");
  EXPECT_EQ(json_int(9007199254740992), "9007199254740992");
  EXPECT_EQ(json_int(9007199254740993), "\"9007199254740993\"");
  EXPECT_EQ(json_int(INT64_MIN), "-9223372036854775808");
  EXPECT_EQ(json_int(INT64_MAX), "\"9223372036854775807\"");
  EXPECT_EQ(json_uint(uint64_t(1) << 63), "9223372036854775808");
  EXPECT_EQ(json_uint(UINT64_MAX), "\"18446744073709551615\"");
}

TEST(FormatJson, Values) {
  Type t = Type::tuple({i8(), Type::string(4), Type::boolean(), Type::tuple({i64(), u8()})});
  auto inner = tuple_bytes(t.fields[3], {raw<int64_t>(-1), raw<uint8_t>(200)});
  auto data = tuple_bytes(t, {raw<int8_t>(1), str("t\"o", 4), raw<uint8_t>(0), inner});
  EXPECT_EQ(json_value(t, data.data()), "[1,\"t\\\"o\",false,[-1,200]]");
  EXPECT_EQ(json_attached_probes_record(1),
            "{\"type\": \"attached_probes\", \"count\": 1, \"data\": {\"probes\": 1}}\n");
}

// The radix sort of compact rows gives std::sort's order (value, then key; signed or not), with
// duplicate values and keys of every width, including a run where only some bytes differ.
TEST(CompactSort, MatchesComparisonSort) {
  std::mt19937_64 rng(7);
  for (bool vs : {false, true})
    for (bool ks : {false, true})
      for (uint64_t key_mask : {0xffULL, 0xffffffffULL, ~0ULL}) {
        std::vector<CompactEntry> rows;
        for (int i = 0; i < 5000; i++)
          rows.push_back({rng() & key_mask, (rng() % 50) - (vs ? 25 : 0)});
        auto expected = rows;
        auto order = [&](uint64_t v, bool s) { return s ? v ^ (1ULL << 63) : v; };
        std::stable_sort(expected.begin(), expected.end(),
                         [&](const CompactEntry &a, const CompactEntry &b) {
                           if (order(a.scalar, vs) != order(b.scalar, vs))
                             return order(a.scalar, vs) < order(b.scalar, vs);
                           return order(a.key, ks) < order(b.key, ks);
                         });
        sort_compact_rows(rows, vs, ks);
        ASSERT_EQ(rows.size(), expected.size());
        for (size_t i = 0; i < rows.size(); i++) {
          ASSERT_EQ(rows[i].key, expected[i].key) << i;
          ASSERT_EQ(rows[i].scalar, expected[i].scalar) << i;
        }
      }
  std::vector<CompactEntry> one = {{5, 1}};
  sort_compact_rows(one, false, false);
  EXPECT_EQ(one[0].key, 5u);
}

} // namespace
} // namespace bpfscope
