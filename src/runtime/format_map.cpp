#include "runtime/format_map.h"

#include "runtime/compact_sort.h"
#include "runtime/format_tseries.h"

#include <algorithm>
#include <charconv>
#include <functional>
#include <optional>

#include "runtime/format_json.h"
#include "runtime/format_value.h"

namespace bpfscope {

namespace {

constexpr int kBarWidth = 52;

// ---- histogram model ----------------------------------------------------------------------

// One bucket boundary. A `plain` bound is a small integer printed as is; only plain bounds can
// form the single-value labels `[0]`, `[1]`. Other bounds carry a display text such as "1K".
struct Bound {
  bool plain = false;
  bool is_unsigned = false; // numeric is a uint64 (log2 histogram bounds)
  uint64_t bits = 0;        // numeric value (int64 bits unless is_unsigned)
  bool overflow = false;    // the bound is 2^64 or more (cannot be represented)
  std::string text;
};

struct HistView {
  std::optional<Bound> lower; // lower bound of the first shown bucket; none: open below
  std::vector<Bound> labels;  // upper bound of each shown bucket; missing for the open last one
  std::vector<uint64_t> counts;
};

Bound plain_bound(int64_t v) {
  Bound b;
  b.plain = true;
  b.bits = static_cast<uint64_t>(v);
  b.text = std::to_string(v);
  return b;
}

// Upper bound of log2 bucket `index` (above 2^(bits+1)) of a histogram with 2^bits buckets per
// power of two: (2^bits + the index's low bits) << power, where power = (index >> bits) - 1. The
// text takes a K/M/G/T/P/E suffix for each factor 1024 in 2^power, as bpftrace writes it.
Bound hist_bound(size_t index, int bits) {
  Bound b;
  b.is_unsigned = true;
  const uint64_t per_power = uint64_t(1) << bits;
  const uint64_t multiple = per_power + (index & (per_power - 1));
  size_t power = (index >> bits) - 1;
  if (power + bits >= 64) { // multiple << power is 2^64 or more
    b.overflow = true;
    b.bits = UINT64_MAX;
  } else {
    b.bits = multiple << power;
  }
  static const char *const suffixes[] = {"", "K", "M", "G", "T", "P", "E"};
  size_t decade = std::min<size_t>(power / 10, 6);
  b.text = std::to_string(multiple << (power - 10 * decade)) + suffixes[decade];
  return b;
}

// Lhist bounds get K/M suffixes only when the step is a multiple of 1024.
Bound lhist_bound(int64_t number, int64_t step) {
  constexpr int64_t kilo = 1024, mega = 1024 * 1024;
  if (step % kilo != 0)
    return plain_bound(number);
  Bound b;
  b.bits = static_cast<uint64_t>(number);
  if (number == 0)
    b.text = "0";
  else if (number % mega == 0)
    b.text = std::to_string(number / mega) + "M";
  else if (number % kilo == 0)
    b.text = std::to_string(number / kilo) + "K";
  else
    b.text = std::to_string(number);
  return b;
}

std::pair<size_t, size_t> nonzero_range(const std::vector<uint64_t> &buckets, bool &any) {
  size_t first = 0, last = 0;
  any = false;
  for (size_t i = 0; i < buckets.size(); i++) {
    if (buckets[i] > 0) {
      if (!any)
        first = i;
      any = true;
      last = i;
    }
  }
  return {first, last};
}

HistView build_hist(const std::vector<uint64_t> &buckets, uint64_t div, int bits) {
  HistView h;
  bool any;
  auto [first, last] = nonzero_range(buckets, any);
  if (!any)
    return h;
  // Up to 2^(bits+1) a bound is the number itself (those buckets hold one value each).
  auto label = [bits](size_t i) {
    return i <= (size_t(2) << bits) ? plain_bound(static_cast<int64_t>(i)) : hist_bound(i, bits);
  };
  if (first != 0)
    h.lower = label(first - 1);
  for (size_t i = first; i <= last; i++) {
    h.labels.push_back(label(i));
    h.counts.push_back(buckets[i] / div);
  }
  return h;
}

HistView build_lhist(const std::vector<uint64_t> &buckets, int64_t min, int64_t max, int64_t step) {
  HistView h;
  bool any;
  auto [first, last] = nonzero_range(buckets, any);
  if (!any)
    return h;
  if (first != 0)
    h.lower = lhist_bound(min + static_cast<int64_t>(first - 1) * step, step);
  for (size_t i = first; i <= last; i++) {
    int64_t upper = min + static_cast<int64_t>(i) * step;
    if (upper <= max)
      h.labels.push_back(lhist_bound(upper, step));
    h.counts.push_back(buckets[i]);
  }
  return h;
}

HistView build_view(const Type &type, const std::vector<uint64_t> &buckets, uint64_t div) {
  if (type.kind == TypeKind::Lhist)
    return build_lhist(buckets, type.lhist_min, type.lhist_max, type.lhist_step);
  return build_hist(buckets, div, type.hist_bits);
}

bool single_value(const Bound &lo, const Bound &hi) {
  return lo.plain && hi.plain && static_cast<int64_t>(lo.bits) + 1 == static_cast<int64_t>(hi.bits);
}

std::string bucket_label(const HistView &h, size_t i) {
  if (i == 0) {
    if (!h.lower)
      return "(..., " + h.labels[0].text + ")";
    if (h.labels.empty())
      return "[" + h.lower->text + ", ...)";
    if (single_value(*h.lower, h.labels[0]))
      return "[" + h.lower->text + "]";
    return "[" + h.lower->text + ", " + h.labels[0].text + ")";
  }
  if (i >= h.labels.size())
    return "[" + h.labels[i - 1].text + ", ...)";
  if (single_value(h.labels[i - 1], h.labels[i]))
    return "[" + h.labels[i - 1].text + "]";
  return "[" + h.labels[i - 1].text + ", " + h.labels[i].text + ")";
}

std::string pad_right(std::string s, size_t width) {
  if (s.size() < width)
    s.append(width - s.size(), ' ');
  return s;
}

std::string pad_left(const std::string &s, size_t width) {
  if (s.size() < width)
    return std::string(width - s.size(), ' ') + s;
  return s;
}

std::string view_lines(const HistView &h) {
  uint64_t max_value = 0;
  for (uint64_t c : h.counts)
    max_value = std::max(max_value, c);
  std::string out;
  for (size_t i = 0; i < h.counts.size(); i++) {
    int bar = 0;
    if (max_value > 0) {
      // Same single-precision arithmetic as bpftrace, so the bar lengths round identically.
      float scaled = (static_cast<float>(h.counts[i]) / static_cast<float>(max_value)) *
                     static_cast<float>(kBarWidth);
      bar = static_cast<int>(scaled);
    }
    bar = std::clamp(bar, 0, kBarWidth);
    out += pad_right(bucket_label(h, i), 16);
    out += pad_left(std::to_string(h.counts[i]), 8);
    out += " |";
    out += std::string(static_cast<size_t>(bar), '@');
    out += std::string(static_cast<size_t>(kBarWidth - bar), ' ');
    out += "|\n";
  }
  return out;
}

std::string bound_json(const Bound &b) {
  if (b.overflow)
    return json_escape("18446744073709551616");
  if (b.is_unsigned)
    return json_uint(b.bits);
  return json_int(static_cast<int64_t>(b.bits));
}

// JSON ranges are closed: the maximum is one below the next bucket's lower bound.
std::string bound_json_minus_one(const Bound &b) {
  if (b.overflow)
    return json_uint(UINT64_MAX);
  if (b.is_unsigned)
    return b.bits == 0 ? json_int(-1) : json_uint(b.bits - 1);
  return json_int(static_cast<int64_t>(b.bits) - 1);
}

std::string view_json(const HistView &h) {
  std::string out = "[";
  for (size_t i = 0; i < h.counts.size(); i++) {
    if (i)
      out += ",";
    out += "{";
    if (i == 0 && h.lower)
      out += "\"min\": " + bound_json(*h.lower) + ", ";
    else if (i > 0)
      out += "\"min\": " + bound_json(h.labels[i - 1]) + ", ";
    if (i < h.labels.size())
      out += "\"max\": " + bound_json_minus_one(h.labels[i]) + ", ";
    out += "\"count\": " + std::to_string(h.counts[i]) + "}";
  }
  return out + "]";
}

// ---- entries ------------------------------------------------------------------------------

bool is_hist(const Type &t) { return t.kind == TypeKind::Hist || t.kind == TypeKind::Lhist; }

// At least `size` bytes, zero filled, so short buffers never read out of bounds.
std::vector<uint8_t> padded(const uint8_t *data, size_t n, int size) {
  std::vector<uint8_t> out(data, data + n);
  if (size > 0 && out.size() < static_cast<size_t>(size))
    out.resize(static_cast<size_t>(size), 0);
  if (out.empty())
    out.push_back(0);
  return out;
}

std::vector<uint8_t> padded(const std::vector<uint8_t> &bytes, int size) {
  return padded(bytes.data(), bytes.size(), size);
}

// `data` itself when it holds at least `size` bytes (no copy), else a zero-padded copy in
// `scratch`.
const uint8_t *at_least(const uint8_t *data, size_t n, int size, std::vector<uint8_t> &scratch) {
  if (n > 0 && n >= static_cast<size_t>(std::max(size, 0)))
    return data;
  scratch = padded(data, n, size);
  return scratch.data();
}

const uint8_t *at_least(const std::vector<uint8_t> &bytes, int size,
                        std::vector<uint8_t> &scratch) {
  return at_least(bytes.data(), bytes.size(), size, scratch);
}

const uint8_t *at_least(const SmallBytes &bytes, int size, std::vector<uint8_t> &scratch) {
  return at_least(bytes.data(), bytes.size(), size, scratch);
}

bool value_signed(const Type &t) { return t.kind != TypeKind::Count && t.is_signed; }

// Avg/Stats average, signed or unsigned integer division; 0 without samples.
uint64_t average_bits(const Type &t, const MapEntry &e) {
  if (e.count == 0)
    return 0;
  if (value_signed(t))
    return static_cast<uint64_t>(e.total / static_cast<int64_t>(e.count));
  return static_cast<uint64_t>(e.total) / e.count;
}

uint64_t bucket_total(const MapEntry &e) {
  uint64_t sum = 0;
  for (uint64_t b : e.buckets)
    sum += b;
  return sum;
}

int cmp_bits(uint64_t a, uint64_t b, bool is_signed) {
  if (is_signed) {
    int64_t x = static_cast<int64_t>(a), y = static_cast<int64_t>(b);
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  return a < b ? -1 : (a > b ? 1 : 0);
}

int compare_entry_values(const Type &t, const MapEntry &a, const MapEntry &b) {
  switch (t.kind) {
  case TypeKind::Count:
  case TypeKind::Sum:
  case TypeKind::Min:
  case TypeKind::Max:
    return cmp_bits(static_cast<uint64_t>(a.scalar), static_cast<uint64_t>(b.scalar),
                    value_signed(t));
  case TypeKind::Avg:
  case TypeKind::Stats:
    return cmp_bits(average_bits(t, a), average_bits(t, b), value_signed(t));
  case TypeKind::Hist:
  case TypeKind::Lhist:
    return cmp_bits(bucket_total(a), bucket_total(b), false);
  case TypeKind::None:
    return 0;
  default: {
    std::vector<uint8_t> sa, sb;
    return compare_values(t, at_least(a.value, t.size, sa), at_least(b.value, t.size, sb));
  }
  }
}

// `v` with its bits arranged so that unsigned comparison orders it as cmp_bits(.., is_signed).
uint64_t ordered_bits(uint64_t v, bool is_signed) { return is_signed ? v ^ (1ULL << 63) : v; }

// Whether compare_entry_values orders values of this type by one number (value_sort_number).
bool numeric_order(const Type &t) {
  switch (t.kind) {
  case TypeKind::Count:
  case TypeKind::Sum:
  case TypeKind::Min:
  case TypeKind::Max:
  case TypeKind::Avg:
  case TypeKind::Stats:
  case TypeKind::Hist:
  case TypeKind::Lhist:
    return true;
  default:
    return false;
  }
}

uint64_t value_sort_number(const Type &t, const MapEntry &e) {
  switch (t.kind) {
  case TypeKind::Avg:
  case TypeKind::Stats:
    return ordered_bits(average_bits(t, e), value_signed(t));
  case TypeKind::Hist:
  case TypeKind::Lhist:
    return bucket_total(e);
  default:
    return ordered_bits(static_cast<uint64_t>(e.scalar), value_signed(t));
  }
}

// An entry with its sort numbers (value, then an integer key) computed once.
struct SortRow {
  uint64_t value, key;
  const MapEntry *e;
};

// The entries to print, in order. The sorted rows are iterated in place (no second array of
// pointers): for a million entries that is 8 MiB less at the peak.
class Selection {
public:
  std::vector<SortRow> rows;
  size_t first = 0; // rows before it are cut by `top`

  struct Iterator {
    const SortRow *row;
    const MapEntry *operator*() const { return row->e; }
    Iterator &operator++() {
      ++row;
      return *this;
    }
    bool operator!=(const Iterator &o) const { return row != o.row; }
  };
  Iterator begin() const { return {rows.data() + first}; }
  Iterator end() const { return {rows.data() + rows.size()}; }
  bool empty() const { return first >= rows.size(); }
  const MapEntry *front() const { return rows[first].e; }
};

// The entries to print, in order: sorted by value ascending (ties by key), the last `top` kept.
Selection select_entries(const PrintableMap &map, size_t top) {
  Selection sel;
  std::vector<SortRow> &rows = sel.rows;
  rows.reserve(map.entries.size());
  const Type &kt = map.key_type;
  if (numeric_order(map.value_type)) {
    // One sort of precomputed numbers (value, then an integer key) instead of decoding both
    // entries in every comparison: this is most of the time a map of a million keys takes.
    bool int_key = kt.kind == TypeKind::Integer && kt.size > 0 && kt.size <= 8;
    std::vector<uint8_t> scratch;
    for (auto &e : map.entries) {
      uint64_t key = 0;
      if (int_key)
        key = ordered_bits(read_integer_bits(kt, at_least(e.key, kt.size, scratch)),
                           is_signed_integer(kt));
      rows.push_back({value_sort_number(map.value_type, e), key, &e});
    }
    // Full order (entries that tie on value and key keep their read order, as a stable sort
    // would), so std::sort needs no merge buffer.
    std::sort(rows.begin(), rows.end(), [&](const SortRow &a, const SortRow &b) {
      if (a.value != b.value)
        return a.value < b.value;
      if (!kt.is_none()) {
        if (int_key) {
          if (a.key != b.key)
            return a.key < b.key;
        } else {
          std::vector<uint8_t> sa, sb;
          int c =
              compare_values(kt, at_least(a.e->key, kt.size, sa), at_least(b.e->key, kt.size, sb));
          if (c)
            return c < 0;
        }
      }
      return a.e < b.e;
    });
  } else {
    for (auto &e : map.entries)
      rows.push_back({0, 0, &e});
    std::stable_sort(rows.begin(), rows.end(), [&](const SortRow &ra, const SortRow &rb) {
      const MapEntry *a = ra.e, *b = rb.e;
      int c = compare_entry_values(map.value_type, *a, *b);
      if (c)
        return c < 0;
      if (kt.is_none())
        return false;
      std::vector<uint8_t> sa, sb;
      return compare_values(kt, at_least(a->key, kt.size, sa), at_least(b->key, kt.size, sb)) < 0;
    });
  }
  sel.first = top > 0 && rows.size() > top ? rows.size() - top : 0;
  return sel;
}

std::string key_text(const Type &kt, const MapEntry &e) {
  std::vector<uint8_t> scratch;
  std::string s = format_value(kt, at_least(e.key, kt.size, scratch));
  if (kt.is_tuple() && !kt.is_named_record() && s.size() >= 2)
    s = s.substr(1, s.size() - 2);
  return s;
}

// Tuple text without the spaces bpftrace strips from JSON keys: `1,a`, `1,(2,b)`.
std::string json_key_text(const Type &t, const uint8_t *data, bool outer) {
  if (t.enum_names) { // JSON shows enum values as numbers, keys included
    Type number = t;
    number.enum_names = nullptr;
    return format_value(number, data);
  }
  if (!t.is_tuple() || t.is_named_record())
    return format_value(t, data);
  std::string s = outer ? "" : "(";
  for (size_t i = 0; i < t.fields.size(); i++) {
    if (i)
      s += ",";
    s += json_key_text(t.fields[i], data + t.field_offsets[i], false);
  }
  if (!outer)
    s += ")";
  return s;
}

// Scalar values after `div`: {bits, signed}.
// `bits` (a count/sum/min/max, or an average) after `div`: {bits, signed}.
std::pair<uint64_t, bool> divided(const Type &t, uint64_t bits, uint64_t div) {
  if (value_signed(t))
    return {static_cast<uint64_t>(static_cast<int64_t>(bits) / static_cast<int64_t>(div)), true};
  return {bits / div, false};
}

std::pair<uint64_t, bool> scalar_value(const Type &t, const MapEntry &e, uint64_t div) {
  bool sign = value_signed(t);
  uint64_t bits;
  if (t.kind == TypeKind::Avg || t.kind == TypeKind::Stats)
    bits = average_bits(t, e);
  else
    bits = static_cast<uint64_t>(e.scalar);
  if (sign)
    return {static_cast<uint64_t>(static_cast<int64_t>(bits) / static_cast<int64_t>(div)), true};
  return {bits / div, false};
}

void append_number(std::string &out, std::pair<uint64_t, bool> v) {
  char buf[24];
  auto r = v.second ? std::to_chars(buf, buf + sizeof(buf), static_cast<int64_t>(v.first))
                    : std::to_chars(buf, buf + sizeof(buf), v.first);
  out.append(buf, r.ptr);
}

// The key's text appended to `out`; integers without a temporary string (the common key of
// large maps).
void append_key_text(std::string &out, const Type &kt, const MapEntry &e) {
  if (kt.kind == TypeKind::Integer && !kt.enum_names) { // enum keys print by name
    std::vector<uint8_t> scratch;
    uint64_t bits = read_integer_bits(kt, at_least(e.key, kt.size, scratch));
    append_number(out, {bits, is_signed_integer(kt)});
    return;
  }
  out += key_text(kt, e);
}

std::string number_text(std::pair<uint64_t, bool> v) {
  return v.second ? std::to_string(static_cast<int64_t>(v.first)) : std::to_string(v.first);
}

std::string number_json(std::pair<uint64_t, bool> v) {
  return v.second ? json_int(static_cast<int64_t>(v.first)) : json_uint(v.first);
}

std::string stats_total(const Type &t, const MapEntry &e, bool json) {
  if (value_signed(t))
    return json ? json_int(e.total) : std::to_string(e.total);
  uint64_t u = static_cast<uint64_t>(e.total);
  return json ? json_uint(u) : std::to_string(u);
}

// Plain integer map values are divided too (print(@m, 0, 10) on `@m[1] = 10`).
bool divisible_plain(const Type &t) { return t.kind == TypeKind::Integer; }

std::string value_text(const Type &t, const MapEntry &e, uint64_t div) {
  switch (t.kind) {
  case TypeKind::Count:
  case TypeKind::Sum:
  case TypeKind::Min:
  case TypeKind::Max:
  case TypeKind::Avg:
    return number_text(scalar_value(t, e, div));
  case TypeKind::Stats:
    return "{ .count = " + std::to_string(e.count) +
           ", .average = " + number_text(scalar_value(t, e, div)) +
           ", .total = " + stats_total(t, e, false) + " }";
  default: {
    auto v = padded(e.value, t.size);
    if (divisible_plain(t) && div > 1) {
      uint64_t bits = read_integer_bits(t, v.data());
      bool sign = is_signed_integer(t);
      if (sign)
        return std::to_string(static_cast<int64_t>(bits) / static_cast<int64_t>(div));
      return std::to_string(bits / div);
    }
    return format_value(t, v.data());
  }
  }
}

std::string value_json(const Type &t, const MapEntry &e, uint64_t div) {
  switch (t.kind) {
  case TypeKind::Count:
  case TypeKind::Sum:
  case TypeKind::Min:
  case TypeKind::Max:
  case TypeKind::Avg:
    return number_json(scalar_value(t, e, div));
  case TypeKind::Stats:
    return "{\"count\": " + json_uint(e.count) +
           ", \"average\": " + number_json(scalar_value(t, e, div)) +
           ", \"total\": " + stats_total(t, e, true) + "}";
  case TypeKind::Hist:
  case TypeKind::Lhist:
    return view_json(build_view(t, e.buckets, div));
  case TypeKind::Tseries:
    return format_tseries_json(t, e.points);
  default: {
    auto v = padded(e.value, t.size);
    if (divisible_plain(t) && div > 1) {
      uint64_t bits = read_integer_bits(t, v.data());
      if (is_signed_integer(t))
        return json_int(static_cast<int64_t>(bits) / static_cast<int64_t>(div));
      return json_uint(bits / div);
    }
    return json_value(t, v.data());
  }
  }
}

const char *json_type(const Type &t) {
  switch (t.kind) {
  case TypeKind::Hist:
  case TypeKind::Lhist:
    return "hist";
  case TypeKind::Avg:
  case TypeKind::Stats:
    return "stats";
  case TypeKind::Tseries:
    return "tseries";
  default:
    return "map";
  }
}

} // namespace

std::string format_hist_lines(const Type &value_type, const std::vector<uint64_t> &buckets,
                              uint64_t div) {
  return view_lines(build_view(value_type, buckets, div == 0 ? 1 : div));
}

std::string format_hist_json(const Type &value_type, const std::vector<uint64_t> &buckets,
                             uint64_t div) {
  return view_json(build_view(value_type, buckets, div == 0 ? 1 : div));
}

bool compact_form(const Type &key_type, const Type &value_type) {
  switch (value_type.kind) {
  case TypeKind::Count:
  case TypeKind::Sum:
  case TypeKind::Min:
  case TypeKind::Max:
    // Enum-typed keys print by name, through the general path.
    return key_type.kind == TypeKind::Integer && key_type.size > 0 && key_type.size <= 8 &&
           !key_type.enum_names;
  default:
    return false;
  }
}

namespace {

// Compact entries in print order (value, then key, ascending; keys are unique, so this is a
// total order), the last `top` from `first` on.
std::vector<CompactEntry> sorted_compact(const PrintableMap &map, size_t top, size_t &first) {
  std::vector<CompactEntry> rows = map.compact;
  sort_compact_rows(rows, value_signed(map.value_type), is_signed_integer(map.key_type));
  first = top > 0 && rows.size() > top ? rows.size() - top : 0;
  return rows;
}

void compact_text_chunks(const PrintableMap &map, size_t top, uint64_t div,
                         const std::function<void(const std::string &)> &sink) {
  size_t first;
  auto rows = sorted_compact(map, top, first);
  bool key_sign = is_signed_integer(map.key_type);
  constexpr size_t kChunk = 64 * 1024;
  std::string out;
  out.reserve(kChunk + 4096);
  for (size_t i = first; i < rows.size(); i++) {
    out += map.name;
    out += '[';
    append_number(out, {rows[i].key, key_sign});
    out += "]: ";
    append_number(out, divided(map.value_type, rows[i].scalar, div));
    out += '\n';
    if (out.size() >= kChunk) {
      sink(out);
      out.clear();
    }
  }
  if (!out.empty())
    sink(out);
}

std::string compact_json(const PrintableMap &map, size_t top, uint64_t div) {
  size_t first;
  auto rows = sorted_compact(map, top, first);
  if (first >= rows.size())
    return "";
  bool key_sign = is_signed_integer(map.key_type);
  std::string out = "{\"type\": \"map\", \"data\": {" + json_escape(map.name) + ": {";
  for (size_t i = first; i < rows.size(); i++) {
    if (i > first)
      out += ", ";
    out += '"';
    append_number(out, {rows[i].key, key_sign});
    out += "\": ";
    out += number_json(divided(map.value_type, rows[i].scalar, div));
  }
  out += "}}}\n";
  return out;
}

} // namespace

void format_map_text_chunks(const PrintableMap &map, size_t top, uint64_t div,
                            const std::function<void(const std::string &)> &sink) {
  if (div == 0)
    div = 1;
  if (!map.compact.empty()) {
    compact_text_chunks(map, top, div, sink);
    return;
  }
  const Type &vt = map.value_type;
  bool keyed = !map.key_type.is_none();
  constexpr size_t kChunk = 64 * 1024;
  std::string out;
  out.reserve(kChunk + 4096);
  for (const MapEntry *e : select_entries(map, top)) {
    out += map.name;
    if (keyed) {
      out += '[';
      append_key_text(out, map.key_type, *e);
      out += ']';
    }
    if (is_hist(vt)) {
      out += ":\n";
      out += view_lines(build_view(vt, e->buckets, div));
      out += "\n";
    } else if (vt.kind == TypeKind::Tseries) {
      out += ":\n";
      out += format_tseries_text(vt, e->points);
      out += "\n";
    } else {
      out += ": ";
      if (vt.kind == TypeKind::Count || vt.kind == TypeKind::Sum || vt.kind == TypeKind::Min ||
          vt.kind == TypeKind::Max || vt.kind == TypeKind::Avg)
        append_number(out, scalar_value(vt, *e, div));
      else
        out += value_text(vt, *e, div);
      out += '\n';
    }
    if (out.size() >= kChunk) {
      sink(out);
      out.clear();
    }
  }
  if (!out.empty())
    sink(out);
}

std::string format_map_text(const PrintableMap &map, size_t top, uint64_t div) {
  std::string all;
  format_map_text_chunks(map, top, div, [&](const std::string &chunk) { all += chunk; });
  return all;
}

std::string format_map_json(const PrintableMap &map, size_t top, uint64_t div) {
  if (div == 0)
    div = 1;
  if (!map.compact.empty())
    return compact_json(map, top, div);
  auto entries = select_entries(map, top);
  if (entries.empty())
    return "";
  const Type &vt = map.value_type;
  std::string out = "{\"type\": \"";
  out += json_type(vt);
  out += "\", \"data\": {" + json_escape(map.name) + ": ";
  if (map.key_type.is_none()) {
    out += value_json(vt, *entries.front(), div);
  } else {
    out += "{";
    bool first = true;
    for (const MapEntry *e : entries) {
      if (!first)
        out += ", ";
      first = false;
      auto k = padded(e->key.data(), e->key.size(), map.key_type.size);
      out += json_escape(json_key_text(map.key_type, k.data(), true));
      out += ": " + value_json(vt, *e, div);
    }
    out += "}";
  }
  out += "}}\n";
  return out;
}

} // namespace bpfscope
