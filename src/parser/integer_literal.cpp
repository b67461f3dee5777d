#include "parser/integer_literal.h"

#include <cctype>

namespace bpfscope {

namespace {

bool ends_with(const std::string &s, const std::string &suffix) {
  return s.size() > suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Decimal digits, with `_` separators after the first.
bool is_decimal(const std::string &s) {
  for (char c : s)
    if (!isdigit(static_cast<unsigned char>(c)) && c != '_')
      return false;
  return !s.empty() && s[0] != '_';
}

} // namespace

std::string split_integer_literal(const std::string &text, IntegerLiteralForm &out) {
  out.digits = text;
  out.multiplier = 1;
  bool hex = text.size() > 1 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
  bool binary = text.size() > 1 && text[0] == '0' && (text[1] == 'b' || text[1] == 'B');

  // C suffixes: any mix of u/U and up to two l/L at the end, e.g. 1u, 1UL, 1llu.
  size_t end = out.digits.size();
  int us = 0, ls = 0;
  while (end > 1) {
    char c = static_cast<char>(tolower(static_cast<unsigned char>(out.digits[end - 1])));
    if (c == 'u' && us == 0)
      us++;
    else if (c == 'l' && ls < 2)
      ls++;
    else
      break;
    end--;
  }
  if (us + ls > 0) {
    out.digits.resize(end);
    return "";
  }
  if (hex || binary)
    return "";

  // Durations, longest suffix first so that `ms` is not read as `m`.
  static const struct {
    const char *suffix;
    uint64_t ns;
  } units[] = {{"ns", 1},
               {"us", 1000},
               {"ms", 1000 * 1000},
               {"s", 1000ull * 1000 * 1000},
               {"m", 60ull * 1000 * 1000 * 1000},
               {"h", 3600ull * 1000 * 1000 * 1000},
               {"d", 86400ull * 1000 * 1000 * 1000}};
  for (const auto &u : units) {
    if (ends_with(out.digits, u.suffix) &&
        is_decimal(out.digits.substr(0, out.digits.size() - std::string(u.suffix).size()))) {
      out.digits.resize(out.digits.size() - std::string(u.suffix).size());
      out.multiplier = u.ns;
      return "";
    }
  }

  // Scientific: <m>e<n>, both decimal.
  size_t e = out.digits.find_first_of("eE");
  if (e != std::string::npos && e > 0 && is_decimal(out.digits.substr(0, e)) &&
      is_decimal(out.digits.substr(e + 1))) {
    std::string exponent = out.digits.substr(e + 1);
    if (exponent.find('_') != std::string::npos || exponent.size() > 2 || std::stoi(exponent) > 19)
      return "syntax: integer literal '" + text + "' is out of range";
    for (int i = std::stoi(exponent); i > 0; i--)
      out.multiplier *= 10;
    out.digits.resize(e);
  }
  return "";
}

} // namespace bpfscope
