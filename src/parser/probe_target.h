// What the front end needs to know about a concrete attach point. The semantic pass asks a
// ProbeResolver (implemented by the runtime's probe providers) to expand each written attach
// point into targets; codegen and the loader then work from these, never from raw text.
#pragma once

#include "parser/ast.h"
#include "parser/diagnostics.h"
#include "parser/types.h"

#include <cstdint>
#include <string>
#include <vector>

namespace bpfscope {

// One field of the probe's context record (`args.NAME`), e.g. from a tracepoint format file.
struct ContextField {
  enum class Kind { Integer, Pointer, CharArray, DataLocString };
  std::string name;
  Kind kind = Kind::Integer;
  int offset = 0;
  int size = 0; // bytes in the record (CharArray: array length)
  bool is_signed = false;
};

enum class ProgramKind { Special, Tracepoint, PerfEvent };

struct ProbeTarget {
  std::string provider; // canonical provider name: "BEGIN", "END", "tracepoint", "interval", ...
  std::string name;     // canonical full name, what the `probe` builtin returns
  ProgramKind program_kind = ProgramKind::Special;
  std::vector<ContextField> fields; // what `args` offers
  // Provider-specific facts the loader needs.
  int tracepoint_id = -1;
  uint64_t period_ns = 0;   // interval/profile in time units
  uint64_t frequency = 0;   // profile:hz / interval:hz
  bool every_cpu = false;   // profile fires on every CPU, interval on one
};

class ProbeResolver {
public:
  virtual ~ProbeResolver() = default;
  // Expands `ap` (wildcards included) and appends the targets. Reports an error at `ap->loc`
  // and returns false when the attach point is invalid or matches nothing.
  virtual bool resolve(const ast::AttachPoint &ap, std::vector<ProbeTarget> &out,
                       Diagnostics &diags) = 0;
};

} // namespace bpfscope
