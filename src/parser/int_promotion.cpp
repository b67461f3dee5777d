#include "parser/int_promotion.h"

#include <algorithm>

namespace bpfscope {

using namespace ast;

std::optional<IntLiteral> integer_literal_of(const Expr &e) {
  if (e.kind == ExprKind::Integer)
    return IntLiteral{false, static_cast<const IntegerLit &>(e).value};
  if (e.kind == ExprKind::Unary) {
    auto &u = static_cast<const Unary &>(e);
    if (u.op == UnaryOp::Neg && u.operand && u.operand->kind == ExprKind::Integer) {
      uint64_t m = static_cast<const IntegerLit &>(*u.operand).value;
      return IntLiteral{m != 0, m};
    }
  }
  return std::nullopt;
}

bool literal_fits(const IntLiteral &lit, const Type &t) {
  Type v = promotion_view(t);
  if (v.kind != TypeKind::Integer || v.size < 1 || v.size > 8)
    return false;
  int bits = v.size * 8;
  if (lit.negative) // down to -2^(bits-1), in signed types only
    return v.is_signed && lit.magnitude <= (uint64_t{1} << (bits - 1));
  uint64_t max = v.is_signed  ? (uint64_t{1} << (bits - 1)) - 1
                 : bits == 64 ? UINT64_MAX
                              : (uint64_t{1} << bits) - 1;
  return lit.magnitude <= max;
}

Type promotion_view(const Type &t) {
  if (t.kind == TypeKind::Boolean)
    return Type::integer(1, false);
  if (t.kind == TypeKind::Pointer || (t.kind == TypeKind::Integer && t.is_pointer))
    return Type::integer(8, false);
  if (t.kind == TypeKind::Integer)
    return Type::integer(t.size, t.is_signed);
  return t;
}

std::optional<Type> common_integer_type(const Type &a0, const Type &b0) {
  Type a = promotion_view(a0), b = promotion_view(b0);
  if (a.kind != TypeKind::Integer || b.kind != TypeKind::Integer)
    return std::nullopt;
  if (a.is_signed == b.is_signed)
    return Type::integer(std::max(a.size, b.size), a.is_signed);
  const Type &s = a.is_signed ? a : b;
  const Type &u = a.is_signed ? b : a;
  // A signed type holds every value of an unsigned one only when it is wider.
  if (u.size >= 8)
    return std::nullopt;
  return Type::integer(std::max(s.size, u.size * 2), true);
}

bool sign_flexible(const std::optional<IntLiteral> &lit) { return lit && !lit->negative; }

namespace {
// `t` as the rules see it against `other`: a sign-flexible signed integer counts as the unsigned
// type of its size when `other` is unsigned (its values are all positive).
Type flexible_view(const Type &t, bool flexible, const Type &other) {
  Type v = promotion_view(t), o = promotion_view(other);
  if (flexible && v.kind == TypeKind::Integer && o.kind == TypeKind::Integer && v.is_signed &&
      !o.is_signed)
    v.is_signed = false;
  return v;
}
} // namespace

std::optional<Type> promote_operands(const Type &a, const std::optional<IntLiteral> &a_literal,
                                     const Type &b, const std::optional<IntLiteral> &b_literal,
                                     bool a_flexible, bool b_flexible) {
  if (a_literal && b_literal) {
    // Two literals: one takes the other's type when its value allows, the larger type first
    // (`1` and `1000` meet in int16, `1` and `-1` in int8, `200` and `-1` in int16). Both are
    // signed unless one is above INT64_MAX (a uint64, which no negative literal meets).
    Type va = promotion_view(a), vb = promotion_view(b);
    const Type candidates[2] = {va.size >= vb.size ? va : vb, va.size >= vb.size ? vb : va};
    for (const Type &t : candidates)
      if (literal_fits(*a_literal, t) && literal_fits(*b_literal, t))
        return t;
    return common_integer_type(a, b);
  }
  if (a_literal && literal_fits(*a_literal, b))
    return promotion_view(b);
  if (b_literal && literal_fits(*b_literal, a))
    return promotion_view(a);
  a_flexible = a_flexible || sign_flexible(a_literal);
  b_flexible = b_flexible || sign_flexible(b_literal);
  return common_integer_type(flexible_view(a, a_flexible, b), flexible_view(b, b_flexible, a));
}

std::optional<Type> upcast_for_assignment(const Type &slot, const Type &value,
                                          const std::optional<IntLiteral> &literal,
                                          bool slot_flexible, bool value_flexible) {
  if (literal && literal_fits(*literal, slot))
    return promotion_view(slot);
  value_flexible = value_flexible || sign_flexible(literal);
  return common_integer_type(flexible_view(slot, slot_flexible, value),
                             flexible_view(value, value_flexible, slot));
}

namespace {
bool is_plain_integer(const Type &t) { return t.kind == TypeKind::Integer; }
} // namespace

bool holds_integers(const Type &t) {
  if (is_plain_integer(t))
    return true;
  if (t.kind == TypeKind::Tuple)
    return std::any_of(t.fields.begin(), t.fields.end(), holds_integers);
  return false;
}

void merge_integers(Type &slot, const Type &value, const Expr *value_expr,
                    std::vector<IntCast> *casts, bool slot_flexible, bool value_flexible) {
  if (is_plain_integer(slot) && is_plain_integer(value)) {
    std::optional<IntLiteral> literal;
    if (value_expr)
      literal = integer_literal_of(*value_expr);
    auto merged = upcast_for_assignment(slot, value, literal, slot_flexible, value_flexible);
    if (!merged) {
      // A uint64 and a signed type: int64, and the uint64 side is cast (v0.26, PR #5148).
      merged = Type::integer(8, true);
      if (casts) {
        if (!promotion_view(value).is_signed)
          casts->push_back({value_expr, false, promotion_view(value), *merged});
        if (!promotion_view(slot).is_signed)
          casts->push_back({value_expr, true, promotion_view(slot), *merged});
      }
    }
    if (merged->size != slot.size || merged->is_signed != slot.is_signed) {
      bool address = slot.is_pointer;
      slot = *merged;
      slot.is_pointer = address;
    }
    return;
  }
  if (slot.kind != TypeKind::Tuple || value.kind != TypeKind::Tuple ||
      slot.fields.size() != value.fields.size())
    return;
  const TupleLit *literal = value_expr && value_expr->kind == ExprKind::TupleLit
                                ? static_cast<const TupleLit *>(value_expr)
                                : nullptr;
  std::vector<Type> fields = slot.fields;
  for (size_t i = 0; i < fields.size(); i++) {
    // A record's fields pair up by name (`(b = 1, a = 2)` goes into an `(a, b)` record).
    int j = slot.is_named_record() ? value.field_index(slot.field_names[i]) : static_cast<int>(i);
    if (j < 0)
      continue;
    const Expr *elem = literal && static_cast<size_t>(j) < literal->elems.size()
                           ? literal->elems[j].get()
                           : nullptr;
    // Casts inside a tuple that is not written out are located at the whole value.
    std::vector<IntCast> inner;
    merge_integers(fields[i], value.fields[j], elem, casts ? &inner : nullptr);
    for (auto &c : inner) {
      if (!c.where)
        c.where = value_expr;
      casts->push_back(c);
    }
  }
  if (fields != slot.fields)
    slot = slot.with_fields(fields);
}

void sign_storage_like(Type &storage, const Type &logical) {
  if (is_plain_integer(storage) && is_plain_integer(logical)) {
    storage.is_signed = logical.is_signed;
    return;
  }
  if (storage.kind != TypeKind::Tuple || logical.kind != TypeKind::Tuple ||
      storage.fields.size() != logical.fields.size())
    return;
  std::vector<Type> fields = storage.fields;
  for (size_t i = 0; i < fields.size(); i++)
    sign_storage_like(fields[i], logical.fields[i]);
  if (fields != storage.fields)
    storage = storage.with_fields(fields);
}

} // namespace bpfscope
