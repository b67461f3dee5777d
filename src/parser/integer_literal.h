// The parts of an integer literal around its digits, as bpftrace v0.26 reads them: C suffixes
// (`123UL`, `5u`, `7LL`: accepted, no effect on the type), duration suffixes that scale to
// nanoseconds (`ns`, `us`, `ms`, `s`, `m`, `h`, `d`: `1m` is 60000000000) and the scientific
// form `<m>e<n>` (`2e3` is 2000).
#pragma once

#include <cstdint>
#include <string>

namespace bpfscope {

struct IntegerLiteralForm {
  std::string digits;      // what is left for the base-prefixed digit parser
  uint64_t multiplier = 1; // duration unit in ns, or 10^n for `<m>e<n>`
};

// Splits `text` (as written, `_` separators included). Returns "" or a message for a bad suffix.
std::string split_integer_literal(const std::string &text, IntegerLiteralForm &out);

} // namespace bpfscope
