// Printing of maps (print(@m), the exit-time dump, `-f json`), matching bpftrace v0.26 except that
// entries are always sorted by value ascending.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "parser/types.h"
#include "runtime/small_bytes.h"

namespace bpfscope {

struct MapEntry {
  SmallBytes key;             // raw key bytes laid out as the key Type (empty for keyless maps)
  std::vector<uint8_t> value; // raw bytes for plain (non-aggregation) values, laid out as the value
                              // Type
  int64_t scalar = 0;         // Count/Sum/Min/Max: combined value (already reduced over CPUs);
                              // count_t and unsigned sums are read back as uint64
  uint64_t count = 0;         // Avg/Stats: number of samples
  int64_t total = 0;          // Avg/Stats: sum of samples
  // Hist: index 0 = negative values, 1 = value 0, 2 = value 1, i >= 3 = [2^(i-2), 2^(i-1)).
  // Lhist: index 0 = below min, i >= 1 = [min+(i-1)*step, min+i*step), and the bucket whose lower
  // bound reaches max = [max, ...).
  std::vector<uint64_t> buckets;
};

// The most common large map, count/sum/min/max keyed by one integer, in 16 bytes an entry
// instead of a MapEntry (96): a million keys take 16 MiB to hold and sort, not 120.
struct CompactEntry {
  uint64_t key;    // the key's bits, sign-extended for signed keys
  uint64_t scalar; // as MapEntry::scalar
};

struct PrintableMap {
  PrintableMap() = default;
  PrintableMap(std::string name_, Type key_type_, Type value_type_,
               std::vector<MapEntry> entries_ = {})
      : name(std::move(name_)), key_type(std::move(key_type_)), value_type(std::move(value_type_)),
        entries(std::move(entries_)) {}

  std::string name; // "@c" or "@"
  Type key_type;    // Type::none() when keyless; a Tuple when the map has several keys
  Type value_type;  // Integer/String/Tuple/... or an aggregation kind
  std::vector<MapEntry> entries;
  // Used instead of `entries` (which is then empty) when compact_form(key_type, value_type).
  std::vector<CompactEntry> compact;
  bool empty() const { return entries.empty() && compact.empty(); }
};

// Whether a map of these types can be held as CompactEntry records.
bool compact_form(const Type &key_type, const Type &value_type);

// Text as bpftrace prints it, every line ending in "\n":
//   @c[x]: 1            keyed; string keys unquoted, tuple keys `@t[1, a]`
//   @x: 1               keyless
//   @s: { .count = 2, .average = 3, .total = 6 }
//   @h:\n<bucket lines>\n            hist/lhist (a blank line ends each histogram block)
//   @[1]:\n<bucket lines>\n          keyed histograms, one block per key
// Entries are sorted by value ascending (numeric aggregations and integers by value, avg/stats by
// average, histograms by total count, other values by meaning), ties by key. `top` > 0 keeps only
// the largest `top` entries (still ascending). `div` > 1 divides count/sum/min/max/avg/integer
// values, stats' average and hist (not lhist) bucket counts, with integer division.
// A map with no entries prints nothing ("").
std::string format_map_text(const PrintableMap &map, size_t top = 0, uint64_t div = 1);
// The same text, handed to `sink` in pieces of about 64 KiB (a large map is never held as one
// string).
void format_map_text_chunks(const PrintableMap &map, size_t top, uint64_t div,
                            const std::function<void(const std::string &)> &sink);

// One JSON line ending in "\n" ("" for a map with no entries):
//   {"type": "map", "data": {"@c": {"x": 1, "y": 2}}}
//   {"type": "stats", "data": {"@s": {"count": 2, "average": 3, "total": 6}}}    (avg and stats)
//   {"type": "hist", "data": {"@h": [{"min": 0, "max": 0, "count": 1},...]}}   (hist and lhist)
// Keys are strings; tuple keys are joined with "," (`"1,a"`). Same sorting, `top` and `div`.
std::string format_map_json(const PrintableMap &map, size_t top = 0, uint64_t div = 1);

// Just the bucket lines of one histogram (`value_type` Hist or Lhist), from the first non-zero
// bucket to the last, each line ending in "\n"; "" when every bucket is zero.
std::string format_hist_lines(const Type &value_type, const std::vector<uint64_t> &buckets,
                              uint64_t div = 1);
// The JSON array for one histogram: `[{"min": 2, "max": 3, "count": 2},...]`.
std::string format_hist_json(const Type &value_type, const std::vector<uint64_t> &buckets,
                             uint64_t div = 1);

} // namespace bpfscope
