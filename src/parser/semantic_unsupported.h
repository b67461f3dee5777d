// Functions of bpftrace v0.26 that bpfscope does not have: a call says so by name, instead of
// "Unknown function".
#pragma once

#include "parser/ast.h"
#include "parser/semantic_stdlib.h"

#include <optional>

namespace bpfscope {

// Reports a call of such a function and returns none(); nullopt for any other call.
std::optional<Type> check_unsupported_call(ast::Call &c, StdlibAnalyser &a);

} // namespace bpfscope
