// Compile-time questions about an expression or the kernel, as bpftrace v0.26 asks them:
// is_array, is_integer, is_unsigned_integer, is_ptr, is_str, is_literal, strcap,
// default_str_length, kfunc_exist, kfunc_allowed, and the check assert_str. Their answer is a
// constant, kept in the Call's resource_id, which codegen emits as it is; `if` statements whose
// condition is such an answer keep only the branch taken, so the other may use the expression
// in ways its type does not allow (the point of these predicates in macros).
#pragma once

#include "parser/ast.h"
#include "parser/semantic_stdlib.h"

#include <optional>
#include <string>

namespace bpfscope {

// Whether `name` is one of the functions above.
bool is_compile_time_query(const std::string &name);

// The type of a call of one of them (none() after an error, or while the argument's type is not
// known yet), or nullopt when `c` is not one of them.
std::optional<Type> check_compile_time_query(ast::Call &c, StdlibAnalyser &a);

// The value of `e` when it is made of integer and boolean literals, operators and answered
// queries; nullopt otherwise.
std::optional<int64_t> compile_time_value(const ast::Expr &e);

// Whether `e` contains a call of one of these functions (its value is only known once the
// program's types are).
bool mentions_compile_time_query(const ast::Expr &e);

} // namespace bpfscope
