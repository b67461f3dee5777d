// Points a verifier rejection at the script: which instruction the verifier stopped at, and
// which statement or expression produced it (from the line info of a recompilation with debug
// info, see codegen.h: CodegenOptions::line_info).
#pragma once

#include "codegen/codegen.h"
#include "parser/diagnostics.h"
#include "runtime/loader.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace bpfscope {

// The instruction the verifier stopped at: the one an "infinite loop detected at insn N"
// names, else the last instruction it printed ("N: (op) ..."). nullopt when the log has none.
std::optional<uint32_t> rejected_instruction(const std::string &log);

// The source range of instruction `insn`: that of the last line info entry at or before it.
SourceRange source_of_instruction(const std::vector<LineInfoEntry> &lines, uint32_t insn);

struct RejectionContext {
  const Diagnostics *source = nullptr; // the script's name and text
  // Compiles the script again with line info; false if that fails.
  std::function<bool(CompiledObject &)> compile_with_line_info;
};

// The error to print (whole lines, "ERROR" included) for program `index`, which the kernel
// refused with `first`: at the script location of the failing instruction when it can be found
// (the script is compiled again with line info and the program loaded again, for a log whose
// instruction numbers match), else `first.error` as it is.
std::string explain_rejection(size_t index, const LoadResult &first,
                              const LoadAttributes &attributes, const std::vector<int> &map_fds,
                              const RejectionContext &context);

} // namespace bpfscope
