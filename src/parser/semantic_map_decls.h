// Map declarations (`let @m = lruhash(100);`): their checks and their effect on MapInfo.
#pragma once

#include "parser/ast.h"
#include "parser/diagnostics.h"
#include "parser/semantic.h"

namespace bpfscope {

// After the analysis has typed every map: gives each declared map its BPF map type and size, and
// reports unknown map types, sizes of 0, declarations repeated, and a type that does not fit the
// values stored (per-CPU types are for aggregations like count(), the others for plain values).
void apply_map_declarations(const ast::Program &program, ProgramInfo &info, Diagnostics &diags);

} // namespace bpfscope
