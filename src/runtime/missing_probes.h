// Config variable missing_probes: what to do with an attach point that matches nothing (a
// tracepoint, function or binary that does not exist here). "error" (the default) leaves it to
// the semantic pass, which refuses the program; "warn" and "ignore" drop it from the program
// before analysis, "warn" printing the reason as a warning. A probe left with no attach point is
// dropped too. An attach point naming an unknown provider is always an error.
#pragma once

#include "parser/ast.h"
#include "parser/diagnostics.h"
#include "runtime/probe_provider.h"

#include <string>

namespace bpfscope {

// `mode` is "error", "warn" or "ignore". Returns how many attach points were dropped.
size_t drop_missing_probes(ast::Program &program, ProviderRegistry &providers,
                           const std::string &mode, Diagnostics &diags);

} // namespace bpfscope
