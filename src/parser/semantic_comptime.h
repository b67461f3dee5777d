// fail() and static_assert(): errors raised while compiling, when the call is reachable.
// A branch of an `if` whose condition is known now (literals, positional parameters) is only
// reachable when the condition says so, which is what makes
// `if ($1 < 2) { fail("need at least 2, got %d", $1); }` useful.
#pragma once

#include "parser/ast.h"
#include "parser/diagnostics.h"

#include <string>
#include <vector>

namespace bpfscope {

// Reports every reachable fail() and failing static_assert() of `program`; returns false when
// it reported any error. Those that depend on type queries (is_str() and the like, see
// semantic_predicates.h) are left to a second, `typed` pass after the analysis, which checks
// only them: by then the analysis has answered the queries and dropped the branches not taken.
bool check_compile_time_failures(const ast::Program &program,
                                 const std::vector<std::string> &positional_params,
                                 Diagnostics &diags, bool typed = false);

} // namespace bpfscope
