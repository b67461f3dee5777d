#include "runtime/format_printf.h"

#include "runtime/format_buffer.h"
#include "runtime/gfp_flags.h"

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <sys/types.h>

#include "runtime/format_value.h"

namespace bpfscope {

namespace {

constexpr int kMaxWidth = 1000000; // larger widths/precisions are rejected as invalid specs

bool is_integer_conversion(char c) {
  return c == 'd' || c == 'i' || c == 'u' || c == 'x' || c == 'X' || c == 'o';
}

bool is_known_conversion(char c) {
  return is_integer_conversion(c) || c == 'c' || c == 's' || c == 'p' || c == 'r' || c == '%';
}

// Values printable as integers: what %d/%x/%c/%p accept.
bool integer_like(const Type &t) {
  switch (t.kind) {
  case TypeKind::Integer:
  case TypeKind::Boolean:
  case TypeKind::Context:
  case TypeKind::Pointer:
  case TypeKind::Count:
  case TypeKind::Sum:
  case TypeKind::Min:
  case TypeKind::Max:
  case TypeKind::Avg:
    return true;
  default:
    return false;
  }
}

std::string supplied_name(const Type &t) {
  switch (t.kind) {
  case TypeKind::Integer:
    return "integer";
  case TypeKind::Boolean:
    return "bool";
  case TypeKind::String:
    return "string";
  case TypeKind::Tuple:
    return t.is_named_record() ? "record" : "tuple";
  default:
    return t.name();
  }
}

// Parses a decimal number at fmt[j]; returns -2 when it is too large.
int parse_number(const std::string &fmt, size_t &j) {
  long long n = 0;
  bool big = false;
  while (j < fmt.size() && fmt[j] >= '0' && fmt[j] <= '9') {
    if (!big) {
      n = n * 10 + (fmt[j] - '0');
      if (n > kMaxWidth)
        big = true;
    }
    j++;
  }
  return big ? -2 : static_cast<int>(n);
}

template <typename T> std::string c_format(const std::string &spec, T value) {
  int n = std::snprintf(nullptr, 0, spec.c_str(), value);
  if (n <= 0)
    return "";
  std::string s(static_cast<size_t>(n), '\0');
  std::snprintf(s.data(), s.size() + 1, spec.c_str(), value);
  return s;
}

std::string width_precision(const FormatSpec &s, bool with_precision) {
  std::string out;
  if (s.width >= 0)
    out += std::to_string(s.width);
  if (with_precision && s.precision >= 0) {
    // Appended in two steps: GCC 12 at -O3 misreports `"." + std::string&&` (-Wrestrict).
    out += '.';
    out += std::to_string(s.precision);
  }
  return out;
}

// Text through %s: '-' flag, width and precision (a byte limit) apply.
std::string format_text(const FormatSpec &s, const std::string &text, bool with_precision) {
  std::string spec = "%";
  if (s.left)
    spec += '-';
  spec += width_precision(s, with_precision) + "s";
  return c_format(spec, text.c_str());
}

// The printf(3) spec for an integer conversion: flags, width, precision, and the length
// modifier of the C type `with_integer_value` converts to ("z" stands in for "t" on unsigned
// conversions, "d" for "i").
std::string integer_spec(const FormatSpec &s) {
  std::string spec = "%";
  if (s.left)
    spec += '-';
  if (s.plus)
    spec += '+';
  if (s.space)
    spec += ' ';
  if (s.alt)
    spec += '#';
  if (s.zero)
    spec += '0';
  spec += width_precision(s, true);
  const std::string &len = s.length;
  char c = s.conversion;
  if (c == 'd' || c == 'i')
    return spec + len + "d";
  return spec + (len == "t" ? std::string("z") : len) + c;
}

// Calls f(x) with `v` converted to the C type the conversion and its length modifier name.
template <typename F> auto with_integer_value(const FormatSpec &s, uint64_t v, F f) {
  const std::string &len = s.length;
  char c = s.conversion;
  if (c == 'd' || c == 'i') {
    if (len == "hh")
      return f(static_cast<int>(static_cast<signed char>(v)));
    if (len == "h")
      return f(static_cast<int>(static_cast<short>(v)));
    if (len == "l")
      return f(static_cast<long>(v));
    if (len == "ll")
      return f(static_cast<long long>(v));
    if (len == "j")
      return f(static_cast<intmax_t>(v));
    if (len == "z")
      return f(static_cast<ssize_t>(v));
    if (len == "t")
      return f(static_cast<ptrdiff_t>(v));
    return f(static_cast<int>(v));
  }
  if (len == "hh")
    return f(static_cast<unsigned>(static_cast<unsigned char>(v)));
  if (len == "h")
    return f(static_cast<unsigned>(static_cast<unsigned short>(v)));
  if (len == "l")
    return f(static_cast<unsigned long>(v));
  if (len == "ll")
    return f(static_cast<unsigned long long>(v));
  if (len == "j")
    return f(static_cast<uintmax_t>(v));
  if (len == "z" || len == "t")
    return f(static_cast<size_t>(v));
  return f(static_cast<unsigned>(v));
}

std::string format_integer(const FormatSpec &s, uint64_t v) {
  std::string spec = integer_spec(s);
  return with_integer_value(s, v, [&](auto x) { return c_format(spec, x); });
}

std::string format_one(const FormatSpec &s, const PrintfArg &arg) {
  std::vector<uint8_t> data = arg.data;
  size_t need = arg.type.is_aggregation() ? 8 : static_cast<size_t>(std::max(arg.type.size, 1));
  if (data.size() < need)
    data.resize(need, 0);
  bool is_int = integer_like(arg.type);
  switch (s.conversion) {
  case 'c':
    if (is_int) {
      std::string spec = "%";
      if (s.left)
        spec += '-';
      spec += width_precision(s, false) + "c";
      auto ch = static_cast<unsigned char>(read_integer_bits(arg.type, data.data()));
      return c_format(spec, static_cast<int>(ch));
    }
    break;
  case 'p':
    if (is_int) {
      uint64_t v = read_integer_bits(arg.type, data.data());
      std::string text = "0";
      if (v != 0) {
        char buf[24];
        std::snprintf(buf, sizeof(buf), "0x%llx", static_cast<unsigned long long>(v));
        text = buf;
      }
      return format_text(s, text, false);
    }
    break;
  case 's':
    break;
  case 'g': // %gr
    if (is_int)
      return format_text(
          s, format_gfp_flags(read_integer_bits(arg.type, data.data()), kernel_gfp_flags()), true);
    break;
  case 'r':
    if (arg.type.kind == TypeKind::Buffer)
      return format_buffer(arg.type, data.data(),
                           s.buffer_style == 'x'   ? BufferStyle::Hex
                           : s.buffer_style == 'h' ? BufferStyle::HexSpaced
                                                   : BufferStyle::Escaped);
    break;
  default:
    if (is_int)
      return format_integer(s, read_integer_bits(arg.type, data.data()));
    break;
  }
  return format_text(s, format_value(arg.type, data.data()), true);
}

} // namespace

std::vector<FormatSpec> parse_format(const std::string &fmt) {
  std::vector<FormatSpec> specs;
  size_t i = 0;
  while (i < fmt.size()) {
    if (fmt[i] != '%') {
      i++;
      continue;
    }
    FormatSpec s;
    s.begin = i;
    size_t j = i + 1;
    bool ok = true;
    for (; j < fmt.size(); j++) {
      char c = fmt[j];
      if (c == '-')
        s.left = true;
      else if (c == '+')
        s.plus = true;
      else if (c == ' ')
        s.space = true;
      else if (c == '#')
        s.alt = true;
      else if (c == '0')
        s.zero = true;
      else
        break;
    }
    if (j < fmt.size() && fmt[j] == '*') {
      ok = false; // dynamic widths are not supported
      j++;
    } else if (j < fmt.size() && fmt[j] >= '1' && fmt[j] <= '9') {
      s.width = parse_number(fmt, j);
      if (s.width < 0)
        ok = false;
    }
    if (j < fmt.size() && fmt[j] == '.') {
      j++;
      if (j < fmt.size() && fmt[j] == '*') {
        ok = false;
        j++;
      } else {
        s.precision = parse_number(fmt, j);
        if (s.precision < 0)
          ok = false;
      }
    }
    if (fmt.compare(j, 2, "hh") == 0 || fmt.compare(j, 2, "ll") == 0) {
      s.length = fmt.substr(j, 2);
      j += 2;
    } else if (j < fmt.size() && std::strchr("hljztL", fmt[j]) && fmt[j] != '\0') {
      s.length = fmt.substr(j, 1);
      j++;
    }
    // Stray extra modifiers (e.g. "%hld") make the spec invalid.
    while (j < fmt.size() && std::strchr("hljztL", fmt[j]) && fmt[j] != '\0') {
      ok = false;
      j++;
    }
    if (j < fmt.size()) {
      s.conversion = fmt[j];
      j++;
      if (s.conversion == 'r' && j < fmt.size() && (fmt[j] == 'x' || fmt[j] == 'h'))
        s.buffer_style = fmt[j++]; // %rx, %rh
      else if (s.conversion == 'g' && j < fmt.size() && fmt[j] == 'r')
        s.gfp = ++j > 0; // %gr; a lone %g (floating point) stays unknown
    } else {
      ok = false;
    }
    s.end = j;
    s.valid = ok && (is_known_conversion(s.conversion) || s.gfp);
    specs.push_back(s);
    i = j;
  }
  return specs;
}

std::string format_printf(const std::string &fmt, const std::vector<PrintfArg> &args) {
  std::string out;
  size_t pos = 0, next_arg = 0;
  for (const FormatSpec &s : parse_format(fmt)) {
    out.append(fmt, pos, s.begin - pos);
    pos = s.end;
    if (s.valid && s.conversion == '%') {
      out += '%';
      continue;
    }
    if (!s.valid || next_arg >= args.size()) {
      out.append(fmt, s.begin, s.end - s.begin);
      continue;
    }
    out += format_one(s, args[next_arg++]);
  }
  out.append(fmt, pos, std::string::npos);
  return out;
}

PreparedFormat::PreparedFormat(const std::string &fmt, const Type &args) : fmt_(fmt), args_(args) {
  size_t next_arg = 0;
  for (const FormatSpec &s : parse_format(fmt)) {
    Piece p;
    p.spec = s;
    if (s.valid && s.conversion == '%') {
      p.kind = Piece::Percent;
    } else if (!s.valid || next_arg >= args.fields.size()) {
      p.kind = Piece::Literal;
    } else {
      p.arg = next_arg++;
      const Type &t = args.fields[p.arg];
      p.kind = Piece::Generic;
      if (integer_like(t) && is_integer_conversion(s.conversion) &&
          static_cast<size_t>(std::max(t.size, 1)) <= 8 && !t.is_aggregation()) {
        bool plain =
            !s.left && !s.plus && !s.space && !s.alt && !s.zero && s.width < 0 && s.precision < 0;
        p.kind = plain && (s.conversion == 'd' || s.conversion == 'i' || s.conversion == 'u')
                     ? Piece::PlainInteger
                     : Piece::Integer;
        p.c_spec = integer_spec(s);
      }
    }
    pieces_.push_back(std::move(p));
  }
}

void PreparedFormat::append(std::string &out, const uint8_t *data, size_t size) const {
  size_t pos = 0;
  for (const Piece &p : pieces_) {
    const FormatSpec &s = p.spec;
    out.append(fmt_, pos, s.begin - pos);
    pos = s.end;
    switch (p.kind) {
    case Piece::Percent:
      out += '%';
      continue;
    case Piece::Literal:
      out.append(fmt_, s.begin, s.end - s.begin);
      continue;
    default:
      break;
    }
    const Type &t = args_.fields[p.arg];
    size_t offset = static_cast<size_t>(args_.field_offsets[p.arg]);
    size_t need = static_cast<size_t>(std::max(t.size, 1));
    if (p.kind != Piece::Generic && offset + need <= size) {
      uint64_t v = read_integer_bits(t, data + offset);
      char buf[64];
      if (p.kind == Piece::PlainInteger) {
        char *end = with_integer_value(
            s, v, [&](auto x) { return std::to_chars(buf, buf + sizeof(buf), x).ptr; });
        out.append(buf, static_cast<size_t>(end - buf));
        continue;
      }
      int n = with_integer_value(
          s, v, [&](auto x) { return std::snprintf(buf, sizeof(buf), p.c_spec.c_str(), x); });
      if (n >= 0 && static_cast<size_t>(n) < sizeof(buf))
        out.append(buf, static_cast<size_t>(n));
      else
        out += format_integer(s, v);
      continue;
    }
    PrintfArg arg{t, {}};
    if (offset < size)
      arg.data.assign(data + offset, data + std::min(size, offset + need));
    out += format_one(s, arg);
  }
  out.append(fmt_, pos, std::string::npos);
}

std::string check_printf_format(const std::string &fmt, const std::vector<Type> &arg_types,
                                const std::string &what) {
  auto specs = parse_format(fmt);
  size_t expected = 0;
  for (const FormatSpec &s : specs) {
    if (!s.valid)
      return what + ": Unknown format specifier '" + fmt.substr(s.begin, s.end - s.begin) + "'";
    if (s.conversion != '%')
      expected++;
  }
  std::string counts = " (" + std::to_string(arg_types.size()) + " supplied, " +
                       std::to_string(expected) + " expected)";
  if (arg_types.size() < expected)
    return what + ": Not enough arguments for format string" + counts;
  if (arg_types.size() > expected)
    return what + ": Too many arguments for format string" + counts;
  size_t a = 0;
  for (const FormatSpec &s : specs) {
    if (s.conversion == '%')
      continue;
    const Type &t = arg_types[a++];
    std::string name = std::string("%") + s.length + s.conversion;
    if (s.buffer_style)
      name += s.buffer_style;
    if (s.gfp)
      name += 'r';
    if (s.conversion == 'r') {
      if (t.kind != TypeKind::Buffer)
        return what + ": " + name + " specifier expects a value of type buffer (" +
               supplied_name(t) + " supplied)";
      continue;
    }
    if (s.conversion == 's') {
      if (t.is_none() || t.kind == TypeKind::Stats || t.kind == TypeKind::Hist ||
          t.kind == TypeKind::Lhist)
        return what + ": " + name + " specifier expects a printable value (" + supplied_name(t) +
               " supplied)";
      continue;
    }
    if (!integer_like(t))
      return what + ": " + name + " specifier expects a value of type integer (" +
             supplied_name(t) + " supplied)";
  }
  return "";
}

std::string format_time_at(const std::string &fmt, std::time_t t) {
  if (fmt.empty())
    return "";
  std::tm tm{};
  localtime_r(&t, &tm);
  for (size_t size = 256; size <= 65536; size *= 4) {
    std::string buf(size, '\0');
    size_t n = std::strftime(buf.data(), buf.size(), fmt.c_str(), &tm);
    if (n > 0) {
      buf.resize(n);
      return buf;
    }
  }
  return "";
}

std::string format_time(const std::string &fmt) { return format_time_at(fmt, std::time(nullptr)); }

} // namespace bpfscope
