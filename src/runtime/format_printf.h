// printf(), time() and their compile-time format check, with C printf semantics as bpftrace v0.26
// applies them: integers are taken at their type's width and signedness, then converted to the C
// type the conversion and length modifier name (no modifier = int), so printf("%u", -1) prints
// 4294967295 and printf("%lu", -1) prints 18446744073709551615.
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

#include "parser/types.h"

namespace bpfscope {

struct PrintfArg {
  Type type;
  std::vector<uint8_t> data; // laid out as `type`
};

// One parsed conversion, `%[flags][width][.precision][length]conversion`.
struct FormatSpec {
  size_t begin = 0, end = 0; // [begin, end) of the spec text in the format string
  bool left = false, plus = false, space = false, alt = false, zero = false;
  int width = -1;     // -1: none
  int precision = -1; // -1: none
  std::string length; // "", "hh", "h", "l", "ll", "j", "z", "t", "L"
  char conversion = 0;
  char buffer_style = 0; // %r: 0, %rx: 'x', %rh: 'h'
  bool gfp = false;      // %gr: GFP flags by name (conversion 'g')
  bool valid = false;    // a supported conversion with a supported length modifier
};

// Every `%` sequence of `fmt` in order, `%%` included (conversion '%').
std::vector<FormatSpec> parse_format(const std::string &fmt);

// Formats like bpftrace's printf. Supported: %d %i %u %x %X %o %c %s %p %% (and %r %rx %rh for
// buf() values, see format_buffer.h, and %gr for GFP flags, see gfp_flags.h) with flags - + space #
// 0, width, precision, length modifiers hh h l ll j z t. %s prints any value as print() would
// (numbers in decimal, tuples `(1, a)`); %p prints 0x-prefixed hex. Unknown conversions and
// conversions without an argument are copied literally (check_printf_format rejects them first).
std::string format_printf(const std::string &fmt, const std::vector<PrintfArg> &args);

// A printf format parsed once, for the records of one printf call: formatting a record then
// needs no parsing and, for integer conversions, no heap allocation. `args` is the Tuple of the
// argument types as laid out in the record. Output is the same as format_printf's.
class PreparedFormat {
public:
  PreparedFormat(const std::string &fmt, const Type &args);
  // Appends the text for the record `data` (`size` bytes; arguments beyond it print as zeroes).
  void append(std::string &out, const uint8_t *data, size_t size) const;

private:
  struct Piece {
    enum Kind { Literal, Percent, PlainInteger, Integer, Generic } kind = Literal;
    FormatSpec spec;
    size_t arg = 0;     // argument index (PlainInteger, Integer, Generic)
    std::string c_spec; // Integer: the printf(3) spec
  };
  std::string fmt_;
  Type args_;
  std::vector<Piece> pieces_;
};

// Compile-time check of a format string against the argument types. Returns "" when fine, else
// one of:
//   printf: Unknown format specifier '%y'
//   printf: Not enough arguments for format string (2 supplied, 3 expected)
//   printf: Too many arguments for format string (3 supplied, 2 expected)
//   printf: %d specifier expects a value of type integer (string supplied)
//   printf: %r specifier expects a value of type buffer (integer supplied)
// `what` names the builtin in the messages ("printf", "system", "cat", ...).
std::string check_printf_format(const std::string &fmt, const std::vector<Type> &arg_types,
                                const std::string &what = "printf");

// time(fmt): strftime of the local time now ("" when the result is empty or too long).
std::string format_time(const std::string &fmt);
// The same for a given time (for tests).
std::string format_time_at(const std::string &fmt, std::time_t t);

} // namespace bpfscope
