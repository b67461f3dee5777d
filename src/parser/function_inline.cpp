#include "parser/function_inline.h"

#include "parser/ast_clone.h"
#include "parser/semantic.h"

#include <algorithm>
#include <map>
#include <set>

namespace bpfscope {

using namespace ast;

bool is_string_type(const std::string &name) { return name.rfind("string", 0) == 0; }

bool valid_function_type(const std::string &name, bool allow_void) {
  if (name == "string" || (allow_void && name == "void"))
    return true;
  return !type_from_name(name).is_none();
}

namespace {

// Calls `on_var` on every variable under a block (assigned, declared, loop variables and reads)
// and `on_call` on every call, walking into block expressions too.
struct VariableWalk {
  std::function<void(Variable &, bool defines)> on_var;
  std::function<void(Call &)> on_call;

  void block(Block &b) {
    for (auto &s : b.stmts)
      stmt(*s);
  }
  void stmt(Stmt &s) {
    switch (s.kind) {
    case StmtKind::Expr:
      expr(static_cast<ExprStmt &>(s).expr);
      break;
    case StmtKind::AssignMap: {
      auto &a = static_cast<AssignMap &>(s);
      expr_node(*a.map);
      expr(a.value);
      break;
    }
    case StmtKind::AssignVar: {
      auto &a = static_cast<AssignVar &>(s);
      expr(a.value); // `let $x = $x + 1` reads before it defines
      on_var(*a.var, true);
      break;
    }
    case StmtKind::If: {
      auto &i = static_cast<If &>(s);
      expr(i.cond);
      block(*i.then_block);
      if (i.else_block)
        block(*i.else_block);
      break;
    }
    case StmtKind::Block:
      block(static_cast<Block &>(s));
      break;
    case StmtKind::While:
      expr(static_cast<While &>(s).cond);
      block(*static_cast<While &>(s).body);
      break;
    case StmtKind::Unroll:
      expr(static_cast<Unroll &>(s).count);
      block(*static_cast<Unroll &>(s).body);
      break;
    case StmtKind::For: {
      auto &f = static_cast<For &>(s);
      if (f.map)
        expr_node(*f.map);
      expr(f.start);
      expr(f.end);
      on_var(*f.var, true);
      block(*f.body);
      break;
    }
    case StmtKind::Jump:
      expr(static_cast<Jump &>(s).value);
      break;
    }
  }
  void expr(ExprPtr &e) {
    if (e)
      expr_node(*e);
  }
  void expr_node(Expr &e) {
    switch (e.kind) {
    case ExprKind::Variable:
      on_var(static_cast<Variable &>(e), false);
      break;
    case ExprKind::Map:
      for (auto &k : static_cast<Map &>(e).keys)
        expr(k);
      break;
    case ExprKind::Call:
      for (auto &a : static_cast<Call &>(e).args)
        expr(a);
      if (on_call)
        on_call(static_cast<Call &>(e));
      break;
    case ExprKind::Binary:
      expr(static_cast<Binary &>(e).lhs);
      expr(static_cast<Binary &>(e).rhs);
      break;
    case ExprKind::Unary:
      expr(static_cast<Unary &>(e).operand);
      break;
    case ExprKind::Ternary:
      expr(static_cast<Ternary &>(e).cond);
      expr(static_cast<Ternary &>(e).then_expr);
      expr(static_cast<Ternary &>(e).else_expr);
      break;
    case ExprKind::Cast:
      expr(static_cast<Cast &>(e).operand);
      expr(static_cast<Cast &>(e).type_of);
      break;
    case ExprKind::Field:
      expr(static_cast<Field &>(e).base);
      break;
    case ExprKind::TupleLit:
      for (auto &x : static_cast<TupleLit &>(e).elems)
        expr(x);
      break;
    case ExprKind::TupleIndex:
      expr(static_cast<TupleIndex &>(e).base);
      break;
    case ExprKind::Index:
      expr(static_cast<Index &>(e).base);
      expr(static_cast<Index &>(e).index);
      break;
    case ExprKind::TypeQuery:
      expr(static_cast<TypeQuery &>(e).operand);
      break;
    case ExprKind::BlockExpr:
      block(*static_cast<BlockExpr &>(e).body);
      expr(static_cast<BlockExpr &>(e).value);
      break;
    default:
      break;
    }
  }
};

// Whether every path through `stmts` ends in a `return`.
bool always_returns(const std::vector<StmtPtr> &stmts) {
  for (const auto &s : stmts) {
    if (s->kind == StmtKind::Jump && static_cast<const Jump &>(*s).jump == JumpKind::Return)
      return true;
    if (s->kind == StmtKind::Block && always_returns(static_cast<const Block &>(*s).stmts))
      return true;
    if (s->kind == StmtKind::If) {
      auto &i = static_cast<const If &>(*s);
      if (i.else_block && always_returns(i.then_block->stmts) &&
          always_returns(i.else_block->stmts))
        return true;
    }
  }
  return false;
}

class Inliner {
public:
  Inliner(std::vector<FunctionDef> &defs,
          const std::function<std::string(const SourceRange &)> &where, Diagnostics &diags)
      : where_(where), diags_(diags) {
    for (auto &d : defs)
      defs_[d.sig->name] = &d;
  }

  // The per-definition checks (see function_inline.h).
  bool check_definitions() {
    for (auto &[name, d] : defs_) {
      const FunctionSignature &sig = *d->sig;
      for (const auto &p : sig.params)
        if (!valid_function_type(p.type_name, false))
          fail(p.type_range, "Invalid type for parameter " + p.name + ": " + p.type_name,
               "function parameters are integers (int8 .. uint64, bool) or strings");
      if (!valid_function_type(sig.return_type, true))
        fail(sig.return_range,
             "Invalid return type for function '" + name + "': " + sig.return_type,
             "a function returns an integer type, a string or void");
      check_jumps(*d->body, sig, 0, false);
      if (sig.return_type != "void" && ok_ && !always_returns(d->body->stmts))
        fail(sig.name_range, "Function '" + name + "' does not return a value on every path",
             "end the body with `return value;` (it returns " + sig.return_type + ")");
      check_variables(*d);
    }
    if (ok_)
      check_recursion();
    return ok_;
  }

  // Replaces every call of a function in `p`.
  void inline_probe(Probe &p) {
    for_each_expr_slot(p, [this](ExprPtr &e) { return replace(e); });
  }

  bool ok() const { return ok_; }

private:
  void fail(const SourceRange &at, const std::string &msg, const std::string &hint = "") {
    diags_.error(at, msg, hint);
    ok_ = false;
  }

  void check_jumps(Block &b, const FunctionSignature &sig, int loops, bool in_for) {
    for (auto &s : b.stmts)
      check_jump_stmt(*s, sig, loops, in_for);
  }
  void check_jump_stmt(Stmt &s, const FunctionSignature &sig, int loops, bool in_for) {
    switch (s.kind) {
    case StmtKind::If:
      check_jumps(*static_cast<If &>(s).then_block, sig, loops, in_for);
      if (static_cast<If &>(s).else_block)
        check_jumps(*static_cast<If &>(s).else_block, sig, loops, in_for);
      break;
    case StmtKind::Block:
      check_jumps(static_cast<Block &>(s), sig, loops, in_for);
      break;
    case StmtKind::While:
      check_jumps(*static_cast<While &>(s).body, sig, loops + 1, in_for);
      break;
    case StmtKind::Unroll:
      check_jumps(*static_cast<Unroll &>(s).body, sig, 0, in_for);
      break;
    case StmtKind::For:
      check_jumps(*static_cast<For &>(s).body, sig, loops + 1, true);
      break;
    case StmtKind::Jump: {
      auto &j = static_cast<Jump &>(s);
      if (j.jump != JumpKind::Return) {
        if (loops == 0)
          fail(j.loc, std::string(j.jump == JumpKind::Break ? "break" : "continue") +
                          " used outside of a loop");
        break;
      }
      j.function_return = true;
      if (in_for)
        fail(j.loc, "'return' inside a for loop is not supported in a function",
             "a for loop's body is a callback of its own; break out of the loop, then return");
      else if (sig.return_type == "void" && j.value)
        fail(j.value->loc, "Function '" + sig.name + "' is of type void, cannot return a value");
      else if (sig.return_type != "void" && !j.value)
        fail(j.loc, "Function '" + sig.name + "' must return a value of type " + sig.return_type);
      break;
    }
    default:
      break;
    }
  }

  // Hygiene: the body reads only its parameters and the variables it assigns.
  void check_variables(FunctionDef &d) {
    std::set<std::string> own;
    for (const auto &p : d.sig->params)
      own.insert(p.name);
    VariableWalk collect;
    collect.on_var = [&own](Variable &v, bool defines) {
      if (defines)
        own.insert(v.name);
    };
    collect.block(*d.body);
    VariableWalk reads;
    reads.on_var = [&](Variable &v, bool defines) {
      if (!defines && !own.count(v.name))
        fail(v.loc, "Undefined or undeclared variable: " + v.name,
             "function '" + d.sig->name + "' sees only its parameters and its own variables");
    };
    reads.block(*d.body);
  }

  // BPF forbids recursion: the verifier rejects a call graph with a cycle. Report the first call
  // that closes one.
  void check_recursion() {
    std::map<std::string, std::vector<const Call *>> calls;
    for (auto &[name, d] : defs_) {
      VariableWalk w;
      w.on_var = [](Variable &, bool) {};
      auto &out = calls[name];
      w.on_call = [&](Call &c) {
        if (defs_.count(c.name))
          out.push_back(&c);
      };
      w.block(*d->body);
    }
    std::map<std::string, int> state; // 1 on the path, 2 done
    std::vector<std::string> path;
    std::function<bool(const std::string &)> visit = [&](const std::string &f) {
      state[f] = 1;
      path.push_back(f);
      for (const Call *c : calls[f]) {
        if (state[c->name] == 1) {
          std::string chain;
          auto it = std::find(path.begin(), path.end(), c->name);
          for (; it != path.end(); ++it)
            chain += *it + " -> ";
          fail(c->loc, "Function '" + c->name + "' is called recursively (" + chain + c->name + ")",
               "BPF programs cannot recurse: the verifier rejects cycles of calls");
          return false;
        }
        if (state[c->name] == 0 && !visit(c->name))
          return false;
      }
      path.pop_back();
      state[f] = 2;
      return true;
    };
    for (auto &[name, d] : defs_)
      if (state[name] == 0 && !visit(name))
        return;
  }

  bool replace(ExprPtr &e) {
    if (!ok_)
      return true;
    if (e->kind != ExprKind::Call)
      return false;
    auto &c = static_cast<Call &>(*e);
    auto it = defs_.find(c.name);
    if (it == defs_.end())
      return false;
    const FunctionDef &d = *it->second;
    const FunctionSignature &sig = *d.sig;
    if (c.args.size() != sig.params.size()) {
      fail(c.loc,
           "Function '" + sig.name + "' takes " + std::to_string(sig.params.size()) +
               (sig.params.size() == 1 ? " argument" : " arguments") + ", " +
               std::to_string(c.args.size()) + " given",
           "defined at " + where_(sig.name_range));
      return true;
    }
    // The arguments first: they may call functions too.
    for (auto &a : c.args)
      slots(a);
    std::string suffix = "__" + sig.name + "_" + std::to_string(++calls_);

    auto call = std::make_unique<BlockExpr>();
    call->loc = c.loc;
    call->function = d.sig;
    call->body = std::make_unique<Block>();
    call->body->loc = c.loc;
    for (size_t i = 0; i < c.args.size(); i++) {
      auto bind = std::make_unique<AssignVar>();
      bind->loc = c.args[i]->loc;
      bind->declaration = true;
      bind->var = std::make_unique<Variable>();
      bind->var->loc = sig.params[i].range;
      bind->var->name = sig.params[i].name + suffix;
      bind->value = std::move(c.args[i]);
      if (!is_string_type(sig.params[i].type_name)) {
        // An integer parameter has its declared width: the argument is converted as by a cast
        // (the semantic pass checks the argument's own type first).
        auto cast = std::make_unique<Cast>();
        cast->loc = bind->value->loc;
        cast->type_name = sig.params[i].type_name;
        cast->operand = std::move(bind->value);
        bind->value = std::move(cast);
      }
      call->body->stmts.push_back(std::move(bind));
    }
    auto body = clone_block(*d.body);
    if (!body) {
      fail(c.loc, "this function body has a statement not supported in functions yet");
      return true;
    }
    VariableWalk rename;
    rename.on_var = [&suffix](Variable &v, bool) { v.name += suffix; };
    rename.block(*body);
    for (auto &s : body->stmts)
      call->body->stmts.push_back(std::move(s));
    // Calls in the body (of other functions: recursion was refused).
    size_t args = sig.params.size();
    for (size_t i = args; i < call->body->stmts.size() && ok_; i++)
      stmt_slots(call->body->stmts[i]);
    nodes_ += node_count(*call);
    if (nodes_ > kMaxNodes) {
      fail(c.loc,
           "function inlining too large (more than " + std::to_string(kMaxNodes) + " nodes)");
      return true;
    }
    e = std::move(call);
    return true;
  }

  void slots(ExprPtr &e) {
    Probe holder; // for_each_expr_slot walks a probe: lend it the expression
    holder.predicate = std::move(e);
    inline_probe(holder);
    e = std::move(holder.predicate);
  }
  void stmt_slots(StmtPtr &s) {
    Probe holder;
    holder.body = std::make_unique<Block>();
    holder.body->stmts.push_back(std::move(s));
    inline_probe(holder);
    s = std::move(holder.body->stmts[0]);
  }

  static constexpr size_t kMaxNodes = 200000;
  std::map<std::string, FunctionDef *> defs_;
  const std::function<std::string(const SourceRange &)> &where_;
  Diagnostics &diags_;
  int calls_ = 0;
  size_t nodes_ = 0;
  bool ok_ = true;
};

} // namespace

bool inline_functions(Program &program, std::vector<FunctionDef> &functions,
                      const std::function<std::string(const SourceRange &)> &where,
                      Diagnostics &diags) {
  if (functions.empty())
    return true;
  for (const auto &f : functions)
    program.function_names.push_back(f.sig->name);
  Inliner x(functions, where, diags);
  if (!x.check_definitions())
    return false;
  for (auto &p : program.probes) {
    x.inline_probe(*p);
    if (!x.ok())
      return false;
  }
  return true;
}

} // namespace bpfscope
