#include "runtime/format_tseries.h"

#include "runtime/format_json.h"

#include <algorithm>
#include <cstring>
#include <ctime>
#include <limits>
#include <map>

namespace bpfscope {

namespace {

// The chart's width in columns, from the first `|` to the last; labels of the smallest value
// take 21 of them (left-aligned), those of the largest the rest (right-aligned).
constexpr int kGraphWidth = 53;
constexpr int kLabelPadding = 21;

int64_t load_i64(const uint8_t *p) {
  int64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// The unit the row times show, from the interval: whole seconds, milliseconds, microseconds or
// nanoseconds; with the number of fraction digits and the header's name for it.
struct TimeUnit {
  int digits;
  const char *name;
};

TimeUnit unit_for(int64_t interval_ns) {
  if (interval_ns % 1000000000 == 0)
    return {0, ""};
  if (interval_ns % 1000000 == 0)
    return {3, "ms"};
  if (interval_ns % 1000 == 0)
    return {6, "us"};
  return {9, "ns"};
}

// HH:MM:SS in local time, then the fraction of the second in the unit's digits.
std::string row_time(int64_t wall_ns, TimeUnit unit) {
  time_t secs = static_cast<time_t>(wall_ns / 1000000000);
  int64_t frac = wall_ns % 1000000000;
  struct tm tm;
  localtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof(buf), "%H:%M:%S", &tm);
  std::string s = buf;
  if (unit.digits > 0) {
    int64_t scaled = frac;
    for (int i = unit.digits; i < 9; i++)
      scaled /= 10;
    char f[16];
    std::snprintf(f, sizeof(f), ".%0*lld", unit.digits, static_cast<long long>(scaled));
    s += f;
  }
  return s;
}

std::string value_text(const Type &type, int64_t v) {
  return type.is_signed ? std::to_string(v) : std::to_string(static_cast<uint64_t>(v));
}

// Signed or unsigned order and distance of the values, as the type says.
bool less(const Type &type, int64_t a, int64_t b) {
  return type.is_signed ? a < b : static_cast<uint64_t>(a) < static_cast<uint64_t>(b);
}
double as_double(const Type &type, int64_t v) {
  return type.is_signed ? static_cast<double>(v) : static_cast<double>(static_cast<uint64_t>(v));
}

std::string pad_right(const std::string &s, size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}
std::string pad_left(const std::string &s, size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

// The rows to show: every interval from the oldest kept one that has data to the newest one
// recorded, at most `type.tseries_count` of them; intervals without data have no value.
std::vector<TseriesPoint> window(const Type &type, const std::vector<TseriesPoint> &slots) {
  int64_t newest = std::numeric_limits<int64_t>::min();
  for (auto &p : slots)
    if (p.valid)
      newest = std::max(newest, p.epoch);
  std::vector<TseriesPoint> rows;
  if (newest == std::numeric_limits<int64_t>::min())
    return rows;
  std::map<int64_t, int64_t> by_epoch;
  for (auto &p : slots)
    if (p.valid && p.epoch > newest - type.tseries_count)
      by_epoch[p.epoch] = p.value;
  for (int64_t e = by_epoch.begin()->first; e <= newest; e++) {
    auto it = by_epoch.find(e);
    rows.push_back({e, it == by_epoch.end() ? 0 : it->second, it != by_epoch.end()});
  }
  return rows;
}

} // namespace

TseriesPoint merge_tseries_slot(const Type &type, const uint8_t *raw, int cpus) {
  constexpr int kStride = 32; // {epoch, value, count, last update}
  // Only the CPUs holding the newest interval of this slot count; the others hold an older one.
  TseriesPoint p;
  for (int cpu = 0; cpu < cpus; cpu++) {
    const uint8_t *s = raw + cpu * kStride;
    if (load_i64(s + 16) != 0 && (!p.valid || load_i64(s) > p.epoch)) {
      p.epoch = load_i64(s);
      p.valid = true;
    }
  }
  if (!p.valid)
    return p;
  bool first = true;
  int64_t value = 0, latest = 0;
  uint64_t count = 0;
  for (int cpu = 0; cpu < cpus; cpu++) {
    const uint8_t *s = raw + cpu * kStride;
    int64_t n = load_i64(s + 16);
    if (n == 0 || load_i64(s) != p.epoch)
      continue;
    int64_t v = load_i64(s + 8), when = load_i64(s + 24);
    switch (type.tseries_agg) {
    case TseriesAgg::Last:
      if (first || when > latest)
        value = v, latest = when;
      break;
    case TseriesAgg::Sum:
    case TseriesAgg::Avg:
      value += v;
      break;
    case TseriesAgg::Min:
      if (first || less(type, v, value))
        value = v;
      break;
    case TseriesAgg::Max:
      if (first || less(type, value, v))
        value = v;
      break;
    }
    count += static_cast<uint64_t>(n);
    first = false;
  }
  if (type.tseries_agg == TseriesAgg::Avg && count > 0)
    value = type.is_signed ? value / static_cast<int64_t>(count)
                           : static_cast<int64_t>(static_cast<uint64_t>(value) / count);
  p.value = value;
  return p;
}

std::string format_tseries_text(const Type &type, const std::vector<TseriesPoint> &slots) {
  std::vector<TseriesPoint> rows = window(type, slots);
  if (rows.empty())
    return "<no data>\n";
  int64_t lo = 0, hi = 0;
  bool first = true;
  for (auto &r : rows) {
    if (!r.valid)
      continue;
    if (first || less(type, r.value, lo))
      lo = r.value;
    if (first || less(type, hi, r.value))
      hi = r.value;
    first = false;
  }
  if (lo == hi) { // room on both sides of a flat series, without overflowing
    int64_t min_limit = type.is_signed ? std::numeric_limits<int64_t>::min() : 0;
    int64_t max_limit =
        type.is_signed ? std::numeric_limits<int64_t>::max() : static_cast<int64_t>(-1);
    if (lo != min_limit)
      lo--;
    if (hi != max_limit)
      hi++;
  }
  TimeUnit unit = unit_for(type.tseries_interval);
  std::string time_header = "hh:mm:ss";
  if (unit.digits > 0)
    time_header += std::string(".") + unit.name;
  size_t time_size = 8 + (unit.digits > 0 ? 1 + unit.digits : 0);

  std::string labels = pad_right(value_text(type, lo), kLabelPadding) +
                       pad_left(value_text(type, hi), kGraphWidth - kLabelPadding);
  std::string out = std::string(time_size + 1, ' ') + labels + "\n";
  out += pad_right(time_header, time_size + 1) + "|" + std::string(kGraphWidth - 2, '_') + "|\n";

  double span = as_double(type, hi) - as_double(type, lo);
  // A dotted zero line when zero lies strictly inside the range.
  int zero_offset = 0;
  if (less(type, lo, 0) && less(type, 0, hi))
    zero_offset =
        static_cast<int>(static_cast<float>(kGraphWidth) *
                         static_cast<float>(0.0 - as_double(type, lo)) / static_cast<float>(span));
  for (auto &r : rows) {
    std::string line(kGraphWidth, ' ');
    line[0] = '|';
    line[kGraphWidth - 1] = '|';
    if (zero_offset > 0)
      line[zero_offset] = '.';
    out += row_time(r.epoch * type.tseries_interval, unit) + " ";
    if (!r.valid) {
      out += line + " -\n";
      continue;
    }
    int point =
        static_cast<int>(static_cast<float>(kGraphWidth - 1) *
                         static_cast<float>(as_double(type, r.value) - as_double(type, lo)) /
                         static_cast<float>(span));
    line[std::clamp(point, 0, kGraphWidth - 1)] = '*';
    out += line + " " + value_text(type, r.value) + "\n";
  }
  std::string bottom(kGraphWidth, '_');
  bottom[0] = 'v';
  bottom[kGraphWidth - 1] = 'v';
  out += std::string(time_size, ' ') + " " + bottom + "\n";
  out += std::string(time_size, ' ') + " " + labels + "\n";
  return out;
}

std::string format_tseries_json(const Type &type, const std::vector<TseriesPoint> &slots) {
  std::string out = "[";
  bool first = true;
  for (auto &r : window(type, slots)) {
    int64_t wall = r.epoch * type.tseries_interval;
    time_t secs = static_cast<time_t>(wall / 1000000000);
    // As C++20's chrono prints a system_clock time point: UTC, nanoseconds.
    struct tm tm;
    gmtime_r(&secs, &tm);
    char buf[64];
    size_t n = std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
    std::snprintf(buf + n, sizeof(buf) - n, ".%09lld", static_cast<long long>(wall % 1000000000));
    if (!first)
      out += ",";
    first = false;
    out += "{\"interval_start\":" + json_escape(buf) + ",\"value\":";
    out += r.valid ? value_text(type, r.value) : "null";
    out += "}";
  }
  return out + "]";
}

} // namespace bpfscope
