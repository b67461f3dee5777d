#include "parser/macro_expand.h"

#include "parser/ast_clone.h"

#include <map>
#include <set>

namespace bpfscope {

namespace {

using namespace ast;

class Expander {
public:
  Expander(const std::vector<MacroDef> &macros,
           const std::function<std::string(const SourceRange &)> &where, Diagnostics &diags)
      : where_(where), diags_(diags) {
    for (const auto &m : macros)
      macros_[m.header.name] = &m;
  }

  bool ok() const { return ok_; }

  // Expands the statements of `b` in place.
  void block(Block &b) { b.stmts = statements(std::move(b.stmts)); }

  // An expression where nothing can be hoisted before it (a predicate).
  void lone_expr(ExprPtr &e, const char *place) {
    std::vector<StmtPtr> hoisted;
    expr(e, hoisted);
    if (!hoisted.empty())
      fail(e->loc, std::string("a macro with statements cannot be used in ") + place,
           "use a macro whose body is a single expression");
  }

private:
  void fail(const SourceRange &at, std::string message, std::string hint = "") {
    diags_.error(at, std::move(message), std::move(hint));
    ok_ = false;
  }

  const MacroDef *macro_named(const std::string &name) const {
    auto it = macros_.find(name);
    return it == macros_.end() ? nullptr : it->second;
  }

  std::vector<StmtPtr> statements(std::vector<StmtPtr> in) {
    std::vector<StmtPtr> out;
    for (auto &s : in) {
      if (!ok_)
        return out;
      // A call in statement position: the whole body takes its place.
      if (s->kind == StmtKind::Expr) {
        auto &es = static_cast<ExprStmt &>(*s);
        if (const MacroDef *m = call_target(*es.expr)) {
          auto body = instantiate(*m, *es.expr);
          for (auto &x : body)
            out.push_back(std::move(x));
          continue;
        }
      }
      std::vector<StmtPtr> hoisted;
      statement(*s, hoisted);
      for (auto &h : hoisted)
        out.push_back(std::move(h));
      out.push_back(std::move(s));
    }
    return out;
  }

  void statement(Stmt &s, std::vector<StmtPtr> &hoisted) {
    switch (s.kind) {
    case StmtKind::Expr:
      expr(static_cast<ExprStmt &>(s).expr, hoisted);
      break;
    case StmtKind::AssignMap: {
      auto &a = static_cast<AssignMap &>(s);
      for (auto &k : a.map->keys)
        expr(k, hoisted);
      expr(a.value, hoisted);
      break;
    }
    case StmtKind::AssignVar:
      expr(static_cast<AssignVar &>(s).value, hoisted);
      break;
    case StmtKind::Block:
      block(static_cast<Block &>(s));
      break;
    case StmtKind::If: {
      auto &i = static_cast<If &>(s);
      expr(i.cond, hoisted);
      block(*i.then_block);
      if (i.else_block)
        block(*i.else_block);
      break;
    }
    case StmtKind::While: {
      auto &w = static_cast<While &>(s);
      lone_expr(w.cond, "a loop condition");
      block(*w.body);
      break;
    }
    case StmtKind::Unroll: {
      auto &u = static_cast<Unroll &>(s);
      expr(u.count, hoisted);
      block(*u.body);
      break;
    }
    case StmtKind::For: {
      auto &f = static_cast<For &>(s);
      expr(f.start, hoisted);
      expr(f.end, hoisted);
      block(*f.body);
      break;
    }
    case StmtKind::Jump:
      expr(static_cast<Jump &>(s).value, hoisted);
      break;
    }
  }

  // The macro `e` calls: `name(args)`, or a bare `name` for a macro without parameters.
  const MacroDef *call_target(const Expr &e) const {
    if (e.kind == ExprKind::Call)
      return macro_named(static_cast<const Call &>(e).name);
    if (e.kind == ExprKind::Builtin)
      return macro_named(static_cast<const Builtin &>(e).name);
    return nullptr;
  }

  void expr(ExprPtr &e, std::vector<StmtPtr> &hoisted) {
    if (!e || !ok_)
      return;
    if (const MacroDef *m = call_target(*e)) {
      SourceRange call_loc = e->loc;
      auto body = instantiate(*m, *e);
      if (!ok_)
        return;
      if (!m->has_value) {
        fail(call_loc,
             "Macro '" + m->header.name +
                 "' expanded to a block instead of a block expression. Try removing the "
                 "semicolon from the end of the last statement in the macro body.",
             "macro " + m->header.name + " is defined at " + where_(m->header.name_range));
        return;
      }
      auto last = std::move(body.back());
      body.pop_back();
      ExprPtr value = std::move(static_cast<ExprStmt &>(*last).expr);
      if (body.empty()) {
        e = std::move(value);
        return;
      }
      // The other statements and the value make a block expression, as in bpftrace: it runs
      // where the call was, in a scope of its own.
      auto block_expr = std::make_unique<BlockExpr>();
      block_expr->loc = call_loc;
      block_expr->body = std::make_unique<Block>();
      block_expr->body->loc = call_loc;
      block_expr->body->stmts = std::move(body);
      block_expr->value = std::move(value);
      e = std::move(block_expr);
      return;
    }
    switch (e->kind) {
    case ExprKind::Map:
      for (auto &k : static_cast<Map &>(*e).keys)
        expr(k, hoisted);
      break;
    case ExprKind::Call:
      for (auto &a : static_cast<Call &>(*e).args)
        expr(a, hoisted);
      break;
    case ExprKind::Binary:
      expr(static_cast<Binary &>(*e).lhs, hoisted);
      expr(static_cast<Binary &>(*e).rhs, hoisted);
      break;
    case ExprKind::Unary:
      expr(static_cast<Unary &>(*e).operand, hoisted);
      break;
    case ExprKind::Ternary:
      expr(static_cast<Ternary &>(*e).cond, hoisted);
      expr(static_cast<Ternary &>(*e).then_expr, hoisted);
      expr(static_cast<Ternary &>(*e).else_expr, hoisted);
      break;
    case ExprKind::Cast:
      expr(static_cast<Cast &>(*e).operand, hoisted);
      if (static_cast<Cast &>(*e).type_of)
        expr(static_cast<Cast &>(*e).type_of, hoisted);
      break;
    case ExprKind::Field:
      expr(static_cast<Field &>(*e).base, hoisted);
      break;
    case ExprKind::TupleLit:
      for (auto &x : static_cast<TupleLit &>(*e).elems)
        expr(x, hoisted);
      break;
    case ExprKind::TupleIndex:
      expr(static_cast<TupleIndex &>(*e).base, hoisted);
      break;
    case ExprKind::Index:
      expr(static_cast<Index &>(*e).base, hoisted);
      expr(static_cast<Index &>(*e).index, hoisted);
      break;
    case ExprKind::BlockExpr:
      block(*static_cast<BlockExpr &>(*e).body);
      expr(static_cast<BlockExpr &>(*e).value, hoisted);
      break;
    case ExprKind::TypeQuery:
      if (static_cast<TypeQuery &>(*e).operand)
        expr(static_cast<TypeQuery &>(*e).operand, hoisted);
      break;
    default:
      break;
    }
  }

  // What a parameter stands for in one expansion.
  struct Binding {
    const MacroParam *param;
    const Expr *arg;
    size_t size = 0;       // nodes in `arg`, for the expansion budget
    bool by_value = false; // a `$param` given an expression: uses are copies of it
  };

  // The body of `m` for the call `call`, parameters bound, nested macros expanded.
  std::vector<StmtPtr> instantiate(const MacroDef &m, Expr &call) {
    std::vector<StmtPtr> out;
    const std::string &name = m.header.name;
    std::string signature = name + "(";
    for (size_t i = 0; i < m.header.params.size(); i++)
      signature += (i ? ", " : "") + m.header.params[i].name;
    signature += ")";
    std::string defined = "macro " + signature + " is defined at " + where_(m.header.name_range);

    for (const auto &active : stack_)
      if (active == name) {
        std::string chain;
        for (const auto &a : stack_)
          chain += a + " > ";
        fail(call.loc, "Recursive macro call detected. Call chain: " + chain + name, defined);
        return out;
      }
    if (stack_.size() >= 64) {
      fail(call.loc, "macro expansion too deep", defined);
      return out;
    }

    std::vector<ExprPtr> *args = nullptr;
    std::vector<ExprPtr> none;
    if (call.kind == ExprKind::Call) {
      args = &static_cast<Call &>(call).args;
      // Arguments belong to the caller: expand the macros in them first, in its context.
      for (auto &a : *args) {
        std::vector<StmtPtr> hoisted;
        expr(a, hoisted);
        if (!hoisted.empty()) {
          fail(a->loc, "a macro with statements cannot be used as a macro argument");
          return out;
        }
      }
    } else {
      args = &none;
    }
    if (call.kind != ExprKind::Call && !m.header.params.empty()) {
      fail(call.loc,
           "Call to macro has no number arguments. Expected: " +
               std::to_string(m.header.params.size()),
           defined);
      return out;
    }
    if (args->size() != m.header.params.size()) {
      fail(call.loc,
           "Call to macro has wrong number arguments. Expected: " +
               std::to_string(m.header.params.size()) + " but got " + std::to_string(args->size()),
           defined);
      return out;
    }
    assigned_.clear();
    for (const auto &s : m.body->stmts)
      collect_assigned(*s);
    std::map<std::string, Binding> bindings;
    for (size_t i = 0; i < args->size(); i++) {
      const MacroParam &p = m.header.params[i];
      const Expr &a = *(*args)[i];
      bool is_map = a.kind == ExprKind::Map && static_cast<const Map &>(a).keys.empty();
      if (p.kind == MacroParam::Kind::Variable && is_map) {
        fail(call.loc,
             "Mismatched arg to macro call. Macro expects a variable for arg " + p.name +
                 " but got a map.",
             defined);
        return out;
      }
      // A `$param` given an expression stands for it, as long as the body does not assign it.
      bool by_value = p.kind == MacroParam::Kind::Variable && a.kind != ExprKind::Variable;
      if (by_value && assigned_.count(p.name)) {
        fail(call.loc,
             "Macro '" + name + "' assigns to parameter '" + p.name +
                 "', meaning it expects a variable, not an expression.",
             defined);
        return out;
      }
      if (p.kind == MacroParam::Kind::Map && !is_map) {
        fail(call.loc,
             "Mismatched arg to macro call. Macro expects a map for arg " + p.name + " but got " +
                 (a.kind == ExprKind::Variable ? "a variable." : "an expression."),
             defined);
        return out;
      }
      // node_count recurses over the argument: it must be checked for depth first.
      if (deeper_than(a, kMaxDepth)) {
        fail(a.loc, "macro expansion too deep", defined);
        return out;
      }
      bindings[p.name] = {&p, &a, node_count(a), by_value};
    }

    suffix_ = "__" + name + "_" + std::to_string(++expansions_);
    for (const auto &s : m.body->stmts) {
      auto copy = clone_stmt(*s);
      if (!copy) { // a node kind ast_clone.cpp does not know yet
        fail(s->loc, "this statement is not supported in a macro body yet");
        return {};
      }
      bind_stmt(*copy, bindings, m);
      if (!ok_)
        return {};
      // Later passes (and the expansion of nested calls) recurse over the result.
      if (deeper_than(*copy, kMaxDepth)) {
        fail(call.loc, "macro expansion too deep", defined);
        return {};
      }
      out.push_back(std::move(copy));
    }
    stack_.push_back(name);
    out = statements(std::move(out));
    stack_.pop_back();
    if (!ok_)
      return {};
    if (out.empty() || (m.has_value && out.back()->kind != StmtKind::Expr)) {
      if (m.has_value) {
        fail(call.loc, "macro '" + name + "' has no value", defined);
        return {};
      }
    }
    return out;
  }

  // The variables a body creates: those it assigns (or declares with `let`) anywhere.
  void collect_assigned(const Stmt &s) {
    auto block = [&](const std::unique_ptr<Block> &b) {
      if (b)
        for (const auto &x : b->stmts)
          collect_assigned(*x);
    };
    switch (s.kind) {
    case StmtKind::AssignVar:
      assigned_.insert(static_cast<const AssignVar &>(s).var->name);
      break;
    case StmtKind::Block:
      for (const auto &x : static_cast<const Block &>(s).stmts)
        collect_assigned(*x);
      break;
    case StmtKind::If:
      block(static_cast<const If &>(s).then_block);
      block(static_cast<const If &>(s).else_block);
      break;
    case StmtKind::While:
      block(static_cast<const While &>(s).body);
      break;
    case StmtKind::Unroll:
      block(static_cast<const Unroll &>(s).body);
      break;
    case StmtKind::For:
      assigned_.insert(static_cast<const For &>(s).var->name);
      block(static_cast<const For &>(s).body);
      break;
    default:
      break;
    }
  }

  void rename_variable(Variable &v, const std::map<std::string, Binding> &b, const MacroDef &m) {
    if (!b.count(v.name) && !assigned_.count(v.name)) {
      // Hygiene: the caller's variables are reachable only through parameters.
      fail(v.loc,
           "macro '" + m.header.name + "' uses variable " + v.name +
               ", which is neither one of its parameters nor assigned in it",
           "pass the variable to the macro, as a parameter like " + v.name);
      return;
    }
    v.name = variable_name(v.name, b);
  }

  std::string variable_name(const std::string &name, const std::map<std::string, Binding> &b) {
    auto it = b.find(name);
    if (it != b.end())
      return static_cast<const Variable &>(*it->second.arg).name;
    return name + suffix_; // the body's own variable: a fresh name per expansion
  }

  void bind_map(Map &map, const std::map<std::string, Binding> &b, const MacroDef &m) {
    auto it = b.find(map.name);
    if (it == b.end()) {
      fail(map.loc,
           "Unhygienic access to map: " + map.name +
               ". Maps must be passed into the macro as arguments.",
           "macro " + m.header.name + " is defined at " + where_(m.header.name_range));
      return;
    }
    map.name = static_cast<const Map &>(*it->second.arg).name;
    for (auto &k : map.keys)
      bind_expr(k, b, m);
  }

  void bind_expr(ExprPtr &e, const std::map<std::string, Binding> &b, const MacroDef &m) {
    if (!e)
      return;
    switch (e->kind) {
    case ExprKind::Builtin:
    case ExprKind::Variable: {
      const std::string &n = e->kind == ExprKind::Builtin ? static_cast<Builtin &>(*e).name
                                                          : static_cast<Variable &>(*e).name;
      auto it = b.find(n);
      bool copy = it != b.end() &&
                  (it->second.param->kind == MacroParam::Kind::Expression || it->second.by_value);
      if (e->kind == ExprKind::Variable && !copy) {
        rename_variable(static_cast<Variable &>(*e), b, m);
        break;
      }
      if (copy) {
        // Each use copies the argument: nested calls could otherwise grow the program
        // exponentially.
        nodes_ += it->second.size;
        if (nodes_ > kMaxNodes) {
          fail(e->loc,
               "macro expansion too large (more than " + std::to_string(kMaxNodes) + " nodes)");
          return;
        }
        SourceRange at = e->loc;
        e = clone_expr(*it->second.arg); // the caller's expression, not renamed
        if (!e) {
          fail(at, "this expression is not supported as a macro argument yet");
          return;
        }
      }
      break;
    }
    case ExprKind::Map:
      bind_map(static_cast<Map &>(*e), b, m);
      break;
    case ExprKind::Call:
      for (auto &a : static_cast<Call &>(*e).args)
        bind_expr(a, b, m);
      break;
    case ExprKind::Binary:
      bind_expr(static_cast<Binary &>(*e).lhs, b, m);
      bind_expr(static_cast<Binary &>(*e).rhs, b, m);
      break;
    case ExprKind::Unary:
      bind_expr(static_cast<Unary &>(*e).operand, b, m);
      break;
    case ExprKind::Ternary:
      bind_expr(static_cast<Ternary &>(*e).cond, b, m);
      bind_expr(static_cast<Ternary &>(*e).then_expr, b, m);
      bind_expr(static_cast<Ternary &>(*e).else_expr, b, m);
      break;
    case ExprKind::Cast:
      bind_expr(static_cast<Cast &>(*e).operand, b, m);
      if (static_cast<Cast &>(*e).type_of)
        bind_expr(static_cast<Cast &>(*e).type_of, b, m);
      break;
    case ExprKind::Field:
      bind_expr(static_cast<Field &>(*e).base, b, m);
      break;
    case ExprKind::TupleLit:
      for (auto &x : static_cast<TupleLit &>(*e).elems)
        bind_expr(x, b, m);
      break;
    case ExprKind::TupleIndex:
      bind_expr(static_cast<TupleIndex &>(*e).base, b, m);
      break;
    case ExprKind::Index:
      bind_expr(static_cast<Index &>(*e).base, b, m);
      bind_expr(static_cast<Index &>(*e).index, b, m);
      break;
    case ExprKind::BlockExpr:
      bind_block(*static_cast<BlockExpr &>(*e).body, b, m);
      bind_expr(static_cast<BlockExpr &>(*e).value, b, m);
      break;
    case ExprKind::TypeQuery:
      if (static_cast<TypeQuery &>(*e).operand)
        bind_expr(static_cast<TypeQuery &>(*e).operand, b, m);
      break;
    default:
      break;
    }
  }

  void bind_block(Block &blk, const std::map<std::string, Binding> &b, const MacroDef &m) {
    for (auto &s : blk.stmts)
      bind_stmt(*s, b, m);
  }

  void bind_stmt(Stmt &s, const std::map<std::string, Binding> &b, const MacroDef &m) {
    switch (s.kind) {
    case StmtKind::Expr:
      bind_expr(static_cast<ExprStmt &>(s).expr, b, m);
      break;
    case StmtKind::AssignMap: {
      auto &a = static_cast<AssignMap &>(s);
      bind_map(*a.map, b, m);
      bind_expr(a.value, b, m);
      break;
    }
    case StmtKind::AssignVar: {
      auto &a = static_cast<AssignVar &>(s);
      a.var->name = variable_name(a.var->name, b);
      bind_expr(a.value, b, m);
      break;
    }
    case StmtKind::Block:
      bind_block(static_cast<Block &>(s), b, m);
      break;
    case StmtKind::If: {
      auto &i = static_cast<If &>(s);
      bind_expr(i.cond, b, m);
      bind_block(*i.then_block, b, m);
      if (i.else_block)
        bind_block(*i.else_block, b, m);
      break;
    }
    case StmtKind::While:
      bind_expr(static_cast<While &>(s).cond, b, m);
      bind_block(*static_cast<While &>(s).body, b, m);
      break;
    case StmtKind::Unroll:
      bind_expr(static_cast<Unroll &>(s).count, b, m);
      bind_block(*static_cast<Unroll &>(s).body, b, m);
      break;
    case StmtKind::For: {
      auto &f = static_cast<For &>(s);
      f.var->name = variable_name(f.var->name, b);
      if (f.map)
        bind_map(*f.map, b, m);
      bind_expr(f.start, b, m);
      bind_expr(f.end, b, m);
      bind_block(*f.body, b, m);
      break;
    }
    case StmtKind::Jump:
      bind_expr(static_cast<Jump &>(s).value, b, m);
      break;
    }
  }

  static constexpr int kMaxDepth = 1000; // as the parser's limit
  static constexpr size_t kMaxNodes = 200000;

  std::map<std::string, const MacroDef *> macros_;
  size_t nodes_ = 0;
  const std::function<std::string(const SourceRange &)> &where_;
  Diagnostics &diags_;
  std::vector<std::string> stack_;
  std::string suffix_;
  std::set<std::string> assigned_; // by the body being bound
  int expansions_ = 0;
  bool ok_ = true;
};

} // namespace

bool expand_macros(ast::Program &program, const std::vector<MacroDef> &macros,
                   const std::function<std::string(const SourceRange &)> &where,
                   Diagnostics &diags) {
  if (macros.empty())
    return true;
  Expander x(macros, where, diags);
  for (auto &probe : program.probes) {
    if (probe->predicate)
      x.lone_expr(probe->predicate, "a predicate");
    if (probe->body)
      x.block(*probe->body);
    if (!x.ok())
      return false;
    // Each expansion was checked; a call's result placed deep in its caller can still add up.
    if ((probe->predicate && ast::deeper_than(*probe->predicate, 2000)) ||
        (probe->body && ast::deeper_than(*probe->body, 2000))) {
      diags.error(probe->loc, "macro expansion too deep");
      return false;
    }
  }
  return x.ok();
}

} // namespace bpfscope
