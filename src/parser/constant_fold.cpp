#include "parser/constant_fold.h"

namespace bpfscope {

using namespace ast;

namespace {

std::optional<int64_t> fold_binary(BinaryOp op, std::optional<int64_t> l,
                                   std::optional<int64_t> r) {
  if (op == BinaryOp::LogicalAnd && ((l && !*l) || (r && !*r)))
    return 0;
  if (op == BinaryOp::LogicalOr && ((l && *l) || (r && *r)))
    return 1;
  if (!l || !r)
    return std::nullopt;
  int64_t x = *l, y = *r;
  auto wrap = [](uint64_t v) { return static_cast<int64_t>(v); };
  switch (op) {
  case BinaryOp::Add:
    return wrap(static_cast<uint64_t>(x) + static_cast<uint64_t>(y));
  case BinaryOp::Sub:
    return wrap(static_cast<uint64_t>(x) - static_cast<uint64_t>(y));
  case BinaryOp::Mul:
    return wrap(static_cast<uint64_t>(x) * static_cast<uint64_t>(y));
  case BinaryOp::Div:
    return y == 0 || (x == INT64_MIN && y == -1) ? std::nullopt : std::optional(x / y);
  case BinaryOp::Mod:
    return y == 0 || (x == INT64_MIN && y == -1) ? std::nullopt : std::optional(x % y);
  case BinaryOp::BitAnd:
    return x & y;
  case BinaryOp::BitOr:
    return x | y;
  case BinaryOp::BitXor:
    return x ^ y;
  case BinaryOp::Shl:
    return y < 0 || y > 63 ? std::nullopt : std::optional(wrap(static_cast<uint64_t>(x) << y));
  case BinaryOp::Shr:
    return y < 0 || y > 63 ? std::nullopt : std::optional(x >> y);
  case BinaryOp::Eq:
    return x == y;
  case BinaryOp::Ne:
    return x != y;
  case BinaryOp::Lt:
    return x < y;
  case BinaryOp::Le:
    return x <= y;
  case BinaryOp::Gt:
    return x > y;
  case BinaryOp::Ge:
    return x >= y;
  case BinaryOp::LogicalAnd:
    return x && y;
  case BinaryOp::LogicalOr:
    return x || y;
  }
  return std::nullopt;
}

} // namespace

std::optional<int64_t> fold_constant(const Expr &e, const ConstantLeaf &leaf) {
  switch (e.kind) {
  case ExprKind::Integer:
    return static_cast<int64_t>(static_cast<const IntegerLit &>(e).value);
  case ExprKind::Builtin: {
    auto &n = static_cast<const Builtin &>(e).name;
    if (n == "true" || n == "false")
      return n == "true" ? 1 : 0;
    return std::nullopt;
  }
  case ExprKind::Unary: {
    auto &u = static_cast<const Unary &>(e);
    auto v = fold_constant(*u.operand, leaf);
    if (!v)
      return std::nullopt;
    switch (u.op) {
    case UnaryOp::Neg:
      return static_cast<int64_t>(0 - static_cast<uint64_t>(*v));
    case UnaryOp::LogicalNot:
      return *v == 0;
    case UnaryOp::BitNot:
      return ~*v;
    default:
      return std::nullopt;
    }
  }
  case ExprKind::Binary: {
    auto &b = static_cast<const Binary &>(e);
    return fold_binary(b.op, fold_constant(*b.lhs, leaf), fold_constant(*b.rhs, leaf));
  }
  default:
    return leaf(e);
  }
}

} // namespace bpfscope
