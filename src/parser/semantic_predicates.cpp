#include "parser/semantic_predicates.h"

#include "parser/constant_fold.h"

#include <set>

namespace bpfscope {

using namespace ast;

namespace {

// The queries with one argument whose type (or form) is the question.
const std::set<std::string> &type_queries() {
  static const std::set<std::string> names = {"is_array", "is_integer", "is_unsigned_integer",
                                              "is_ptr",   "is_str",     "is_literal"};
  return names;
}

// kfuncs every program type may call (registered by the kernel for all of them); the others are
// for tracing programs (fentry, fexit, tp_btf) only.
bool kfunc_for_every_program(const std::string &name) {
  static const std::set<std::string> names = {"bpf_map_sum_elem_count", "bpf_cast_to_kern_ctx",
                                              "bpf_rdonly_cast"};
  return names.count(name) > 0;
}

bool is_literal(const Expr &e) {
  if (e.kind == ExprKind::Integer || e.kind == ExprKind::String)
    return true;
  if (e.kind == ExprKind::Builtin) {
    auto &n = static_cast<const Builtin &>(e).name;
    return n == "true" || n == "false";
  }
  if (e.kind == ExprKind::Unary) { // -1
    auto &u = static_cast<const Unary &>(e);
    return u.op == UnaryOp::Neg && u.operand->kind == ExprKind::Integer;
  }
  return false;
}

// Integers, not booleans nor pointers (bpfscope keeps an address without a known pointee as an
// Integer marked is_pointer: that one is a pointer here).
bool is_plain_integer(const Type &t) { return t.kind == TypeKind::Integer && !t.is_pointer; }

Type answer(Call &c, bool value) {
  c.resource_id = value ? 1 : 0;
  return Type::boolean();
}

Type type_query(Call &c, StdlibAnalyser &a) {
  if (!a.want_args(c, 1, 1))
    return Type::none();
  if (c.name == "is_literal") {
    a.expr(*c.args[0]);
    return answer(c, is_literal(*c.args[0]));
  }
  Type t = a.expr(*c.args[0]);
  if (t.is_none()) { // not known yet (a later round), or an error already reported
    c.resource_id = -1;
    return Type::none();
  }
  if (c.name == "is_array")
    return answer(c, t.is_array());
  if (c.name == "is_integer")
    return answer(c, is_plain_integer(t));
  if (c.name == "is_unsigned_integer")
    return answer(c, is_plain_integer(t) && !t.is_signed);
  if (c.name == "is_ptr")
    return answer(c, t.is_ptr() || (t.kind == TypeKind::Integer && t.is_pointer));
  return answer(c, t.is_string()); // is_str
}

// The string-like values: strings, arrays of 1-byte integers and pointers to them.
bool string_like(const Type &t) {
  if (t.is_string())
    return true;
  if (t.is_array() || t.is_ptr()) {
    const Type &e = t.pointee();
    return e.kind == TypeKind::Integer && e.size == 1;
  }
  return false;
}

// strcap(s): how many bytes a string-like value may hold: a string's or array's size, and
// max_strlen for a pointer (what str() would read from it).
Type strcap_call(Call &c, StdlibAnalyser &a) {
  if (!a.want_args(c, 1, 1))
    return Type::none();
  Type t = a.expr(*c.args[0]);
  if (t.is_none())
    return t;
  if (!string_like(t)) {
    a.error(c.args[0]->loc, "strcap() expects a string, an int8 array or an int8 pointer (" +
                                t.name() + " provided)");
    return Type::none();
  }
  c.resource_id = t.is_string() ? t.size : t.is_array() ? t.array_len : a.options().max_strlen;
  return Type::integer(8, true);
}

Type assert_str_call(Call &c, StdlibAnalyser &a) {
  if (!a.want_args(c, 1, 1))
    return Type::none();
  Type t = a.expr(*c.args[0]);
  if (!t.is_none() && !string_like(t))
    a.error(c.args[0]->loc, "assert_str() expects a string-like value (" + t.name() + " provided)");
  return Type::none();
}

Type kfunc_query(Call &c, StdlibAnalyser &a) {
  if (!a.want_args(c, 1, 1))
    return Type::none();
  if (c.args[0]->kind != ExprKind::String) {
    a.error(c.args[0]->loc, c.name + "() expects a string literal (the name of a kfunc)");
    return Type::none();
  }
  const std::string &name = static_cast<const StringLit &>(*c.args[0]).value;
  bool exists = a.options().kfunc_btf_id && a.options().kfunc_btf_id(name) > 0;
  if (c.name == "kfunc_exist" || !exists)
    return answer(c, exists);
  bool allowed = true;
  if (!kfunc_for_every_program(name))
    for (auto &t : a.probe().targets)
      if (t.program_kind != ProgramKind::Tracing)
        allowed = false;
  return answer(c, allowed);
}

} // namespace

bool is_compile_time_query(const std::string &name) {
  return type_queries().count(name) || name == "strcap" || name == "default_str_length" ||
         name == "kfunc_exist" || name == "kfunc_allowed" || name == "assert_str";
}

std::optional<Type> check_compile_time_query(Call &c, StdlibAnalyser &a) {
  // static_assert(is_str($x), "..."): its condition is typed here, so that the queries in it are
  // answered before the typed pass of check_compile_time_failures reads them.
  if (c.name == "static_assert" && !c.args.empty() && mentions_compile_time_query(*c.args[0])) {
    a.expr(*c.args[0]);
    return std::nullopt;
  }
  if (type_queries().count(c.name))
    return type_query(c, a);
  if (c.name == "strcap")
    return strcap_call(c, a);
  if (c.name == "assert_str") {
    if (!a.is_statement(c)) {
      a.error(c.loc, "assert_str() does not return a value", "call it as a statement of its own");
      return Type::none();
    }
    return assert_str_call(c, a);
  }
  if (c.name == "kfunc_exist" || c.name == "kfunc_allowed")
    return kfunc_query(c, a);
  if (c.name == "default_str_length") {
    if (!a.want_args(c, 0, 0))
      return Type::none();
    c.resource_id = a.options().max_strlen;
    return Type::integer(8, true);
  }
  return std::nullopt;
}

std::optional<int64_t> compile_time_value(const Expr &e) {
  // Leaves: the queries, whose answers the analysis left in their resource_id.
  return fold_constant(e, [](const Expr &leaf) -> std::optional<int64_t> {
    if (leaf.kind != ExprKind::Call)
      return std::nullopt;
    auto &c = static_cast<const Call &>(leaf);
    if (!is_compile_time_query(c.name) || c.name == "assert_str" || c.resource_id < 0)
      return std::nullopt;
    return c.resource_id;
  });
}

bool mentions_compile_time_query(const Expr &e) {
  switch (e.kind) {
  case ExprKind::Call: {
    auto &c = static_cast<const Call &>(e);
    if (is_compile_time_query(c.name))
      return true;
    for (auto &arg : c.args)
      if (mentions_compile_time_query(*arg))
        return true;
    return false;
  }
  case ExprKind::Unary:
    return mentions_compile_time_query(*static_cast<const Unary &>(e).operand);
  case ExprKind::Binary: {
    auto &b = static_cast<const Binary &>(e);
    return mentions_compile_time_query(*b.lhs) || mentions_compile_time_query(*b.rhs);
  }
  case ExprKind::Ternary: {
    auto &t = static_cast<const Ternary &>(e);
    return mentions_compile_time_query(*t.cond) || mentions_compile_time_query(*t.then_expr) ||
           mentions_compile_time_query(*t.else_expr);
  }
  default:
    return false;
  }
}

} // namespace bpfscope
