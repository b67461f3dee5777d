// bpftrace v0.26's rules for combining integer types: which type a variable, map value, map key,
// tuple field, `?:` or binary operator takes when two integer types meet.
//
//   - Same signedness: the larger of the two.
//   - Signed and unsigned: the smallest signed type that holds every value of both (int16 for
//     uint8 and int8); none when the unsigned one is 64 bits wide (uint64 and int64 have no
//     common type: an assignment is an error, an operator warns).
//   - A literal is the smallest signed type holding it (`1` an int8, `200` an int16, `-1` an
//     int8; a uint64 only above INT64_MAX). It takes the other side's type when its value fits
//     in it (`$x = (uint32)1; $x = 5` keeps uint32, `(uint8)5 > -1` compares in int16), and is
//     promoted like any other integer when it does not (`-1` or `1000` into a uint8 variable
//     makes it an int16). A slot typed by a literal is not a literal: `$a = 0; $a = nsecs` is
//     an int8 meeting a uint64, an error.
//
// Booleans combine as uint8 and pointers as uint64.
#pragma once

#include "parser/ast.h"
#include "parser/types.h"

#include <cstdint>
#include <optional>

namespace bpfscope {

// The value of an integer literal (`5`, `-1`, `0xffffffffffffffff`): `magnitude`, negated when
// `negative`.
struct IntLiteral {
  bool negative = false;
  uint64_t magnitude = 0;
};

// `e` when it is an integer literal or a negated one, as written (casts are not literals).
std::optional<IntLiteral> integer_literal_of(const ast::Expr &e);

// Whether `lit` is one of the values of integer type `t`.
bool literal_fits(const IntLiteral &lit, const Type &t);

// The integer type the rules see for `t`: bool is uint8, a pointer uint64, an integer itself.
Type promotion_view(const Type &t);

// The smallest integer type holding every value of `a` and of `b` (see the rules above).
std::optional<Type> common_integer_type(const Type &a, const Type &b);

// The type two operands of an operator (or the branches of `?:`) are compared or combined in,
// knowing which of them are literals.
std::optional<Type> promote_operands(const Type &a, const std::optional<IntLiteral> &a_literal,
                                     const Type &b, const std::optional<IntLiteral> &b_literal);

// The type a slot of integer type `slot` (variable, map value or key, tuple field) takes once
// `value` (a literal when `literal` is set) is stored in it: `slot` itself, or a larger type.
std::optional<Type> upcast_for_assignment(const Type &slot, const Type &value,
                                          const std::optional<IntLiteral> &literal);

// Whether `t` is, or holds in a tuple field, an integer that these rules apply to.
bool holds_integers(const Type &t);

// Grows the integers of `slot` (a scalar or a tuple of the same shape as `value`, already
// checked) so that it can also hold `value`, written by `value_expr` when known (its literals
// fit without growing the slot). Returns false when a pair of integers has no common type;
// `slot` is then left as it was.
bool merge_integers(Type &slot, const Type &value, const ast::Expr *value_expr);

// `storage` (a map's 8-byte-integer layout of `logical`) with the signedness of `logical`'s
// integers, field by field.
void sign_storage_like(Type &storage, const Type &logical);

} // namespace bpfscope
