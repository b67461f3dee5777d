// bpftrace v0.26's rules for combining integer types: which type a variable, map value, map key,
// tuple field, `?:` or binary operator takes when two integer types meet.
//
//   - Same signedness: the larger of the two.
//   - Signed and unsigned: the smallest signed type that holds every value of both (int16 for
//     uint8 and int8). When the unsigned one is a uint64 no signed type does: they meet in an
//     int64 and the uint64 side is implicitly cast, with a warning (v0.26 no longer refuses
//     this, bpftrace PR #5148; `$a = (uint64)1; $a = (int64)-2` makes `$a` an int64).
//   - A literal is the smallest signed type holding it (`1` an int8, `200` an int16, `-1` an
//     int8; a uint64 only above INT64_MAX). It takes the other side's type when its value fits
//     in it (`$x = (uint32)1; $x = 5` keeps uint32, `(uint8)5 > -1` compares in int16), and is
//     promoted like any other integer when it does not (`-1` into a uint8 variable makes it an
//     int16).
//   - Sign-flexible integers (a positive literal, or a slot whose type so far came only from
//     positive literals, bpftrace PR #5138) count as unsigned against an unsigned type:
//     `$a = 0; $a = nsecs` makes `$a` a uint64, silently; `300` into a uint8 makes a uint16.
//
// Booleans combine as uint8 and pointers as uint64.
#pragma once

#include "parser/ast.h"
#include "parser/types.h"

#include <cstdint>
#include <optional>
#include <vector>

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

// Whether `lit` is sign-flexible: a positive literal.
bool sign_flexible(const std::optional<IntLiteral> &lit);

// The type two operands of an operator (or the branches of `?:`) are compared or combined in,
// knowing which of them are literals and which are otherwise sign-flexible. None when there is
// no common type (a uint64 and a signed type): the caller takes int64 and warns.
std::optional<Type> promote_operands(const Type &a, const std::optional<IntLiteral> &a_literal,
                                     const Type &b, const std::optional<IntLiteral> &b_literal,
                                     bool a_flexible = false, bool b_flexible = false);

// The type a slot of integer type `slot` (variable, map value or key, tuple field) takes once
// `value` (a literal when `literal` is set) is stored in it: `slot` itself, or a larger type.
// None when there is no common type (see merge_integers).
std::optional<Type> upcast_for_assignment(const Type &slot, const Type &value,
                                          const std::optional<IntLiteral> &literal,
                                          bool slot_flexible = false, bool value_flexible = false);

// Whether `t` is, or holds in a tuple field, an integer that these rules apply to.
bool holds_integers(const Type &t);

// An implicit cast that merge_integers inserted and that may change a value: a uint64 taken as
// an int64. `earlier` when it is the slot's earlier values that are cast (the slot was a
// uint64), else the value stored now; `where` is the value's (or tuple element's) expression
// when known.
struct IntCast {
  const ast::Expr *where = nullptr;
  bool earlier = false;
  Type from, to;
};

// Grows the integers of `slot` (a scalar or a tuple of the same shape as `value`, already
// checked) so that it can also hold `value`, written by `value_expr` when known (its literals
// fit without growing the slot). A pair of integers with no common type meets in an int64, and
// the cast is added to `casts`. `slot_flexible` and `value_flexible` say whether a scalar slot
// and value are sign-flexible (tuple fields are when they are positive literals).
void merge_integers(Type &slot, const Type &value, const ast::Expr *value_expr,
                    std::vector<IntCast> *casts = nullptr, bool slot_flexible = false,
                    bool value_flexible = false);

// `storage` (a map's 8-byte-integer layout of `logical`) with the signedness of `logical`'s
// integers, field by field.
void sign_storage_like(Type &storage, const Type &logical);

} // namespace bpfscope
