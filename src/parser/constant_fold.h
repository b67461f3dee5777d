// Folding an expression to a number at compile time, for the passes that need to know a value
// before the program runs: `if`s on compile-time queries, fail()/static_assert conditions.
#pragma once

#include "parser/ast.h"

#include <cstdint>
#include <functional>
#include <optional>

namespace bpfscope {

// What a leaf the folder does not know itself is worth (a positional parameter, a compile-time
// query); nullopt when it is not a constant.
using ConstantLeaf = std::function<std::optional<int64_t>(const ast::Expr &)>;

// The value of `e` when it is made of integer and bool literals, unary and binary operators, and
// leaves `leaf` can value; nullopt otherwise. Arithmetic wraps as in BPF, division by zero and
// out-of-range shifts are not constants, and `false && x` / `true || x` are known whatever x is.
std::optional<int64_t> fold_constant(const ast::Expr &e, const ConstantLeaf &leaf);

} // namespace bpfscope
