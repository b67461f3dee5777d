// The warning printed for a helper failure a probe reported (codegen/helper_errors.h), in
// bpftrace's words and diagnostic form: "FILE:LINE:COL-COL: WARNING: ...", the source line and
// its underline, and for a full map a hint naming the map and its limit.
#pragma once

#include "codegen/helper_errors.h"
#include "parser/diagnostics.h"
#include "parser/semantic.h"

#include <string>

namespace bpfscope {

std::string render_helper_error(const HelperErrorRecord &record, const ProgramInfo &info,
                                const Diagnostics &source, int max_map_keys);

} // namespace bpfscope
