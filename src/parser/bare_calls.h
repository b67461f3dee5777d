// Functions written without their parentheses. bpftrace v0.26 lets any helper whose arguments
// are all optional be invoked with or without the call syntax (`default_str_length` is
// `default_str_length()`, `exit` is `exit()`). The parser cannot tell such a name from a builtin
// like `pid`, so it makes a Builtin node; this pass turns the ones that name functions into calls
// with no arguments, before the semantic pass.
#pragma once

#include "parser/ast.h"

#include <string>

namespace bpfscope {

// Whether `name` is a function (not a builtin value) that may be called with no arguments.
bool is_bare_callable(const std::string &name);

// Replaces each bare use of such a function in `program` with a call of it.
void call_bare_functions(ast::Program &program);

} // namespace bpfscope
