#include "parser/ast_clone.h"

namespace bpfscope::ast {

namespace {

// Set when a node of a kind this file does not know was met: the copy is then incomplete, and
// the public functions return null rather than a tree with holes.
thread_local bool incomplete = false;

ExprPtr copy_expr(const Expr &e);
StmtPtr copy_stmt(const Stmt &s);
std::unique_ptr<Block> copy_block(const Block &b);

template <class T> std::unique_ptr<T> copy_node(const T &from) {
  auto n = std::make_unique<T>();
  n->loc = from.loc;
  return n;
}

ExprPtr maybe(const ExprPtr &e) { return e ? copy_expr(*e) : nullptr; }

std::unique_ptr<Map> clone_map(const Map &m) {
  auto n = copy_node(m);
  n->name = m.name;
  for (const auto &k : m.keys)
    n->keys.push_back(copy_expr(*k));
  n->type = m.type;
  return n;
}

std::unique_ptr<Variable> clone_var(const Variable &v) {
  auto n = copy_node(v);
  n->name = v.name;
  n->type = v.type;
  return n;
}

ExprPtr copy_expr(const Expr &e) {
  ExprPtr out;
  switch (e.kind) {
  case ExprKind::Integer: {
    auto n = copy_node(static_cast<const IntegerLit &>(e));
    n->value = static_cast<const IntegerLit &>(e).value;
    out = std::move(n);
    break;
  }
  case ExprKind::String: {
    auto n = copy_node(static_cast<const StringLit &>(e));
    n->value = static_cast<const StringLit &>(e).value;
    out = std::move(n);
    break;
  }
  case ExprKind::Builtin: {
    auto n = copy_node(static_cast<const Builtin &>(e));
    n->name = static_cast<const Builtin &>(e).name;
    out = std::move(n);
    break;
  }
  case ExprKind::Positional: {
    auto &p = static_cast<const Positional &>(e);
    auto n = copy_node(p);
    n->index = p.index;
    n->is_count = p.is_count;
    out = std::move(n);
    break;
  }
  case ExprKind::Variable:
    out = clone_var(static_cast<const Variable &>(e));
    break;
  case ExprKind::Map:
    out = clone_map(static_cast<const Map &>(e));
    break;
  case ExprKind::Call: {
    auto &c = static_cast<const Call &>(e);
    auto n = copy_node(c);
    n->name = c.name;
    for (const auto &a : c.args)
      n->args.push_back(copy_expr(*a));
    out = std::move(n);
    break;
  }
  case ExprKind::Binary: {
    auto &b = static_cast<const Binary &>(e);
    auto n = copy_node(b);
    n->op = b.op;
    n->operand_type = b.operand_type;
    n->lhs = maybe(b.lhs);
    n->rhs = maybe(b.rhs);
    out = std::move(n);
    break;
  }
  case ExprKind::Unary: {
    auto &u = static_cast<const Unary &>(e);
    auto n = copy_node(u);
    n->op = u.op;
    n->postfix = u.postfix;
    n->operand = maybe(u.operand);
    out = std::move(n);
    break;
  }
  case ExprKind::Ternary: {
    auto &t = static_cast<const Ternary &>(e);
    auto n = copy_node(t);
    n->cond = maybe(t.cond);
    n->then_expr = maybe(t.then_expr);
    n->else_expr = maybe(t.else_expr);
    out = std::move(n);
    break;
  }
  case ExprKind::Cast: {
    auto &c = static_cast<const Cast &>(e);
    auto n = copy_node(c);
    n->type_name = c.type_name;
    n->operand = maybe(c.operand);
    n->type_of = maybe(c.type_of);
    out = std::move(n);
    break;
  }
  case ExprKind::Field: {
    auto &f = static_cast<const Field &>(e);
    auto n = copy_node(f);
    n->base = maybe(f.base);
    n->field = f.field;
    n->arrow = f.arrow;
    n->record_field = f.record_field;
    out = std::move(n);
    break;
  }
  case ExprKind::TupleLit: {
    auto &t = static_cast<const TupleLit &>(e);
    auto n = copy_node(t);
    for (const auto &x : t.elems)
      n->elems.push_back(copy_expr(*x));
    n->names = t.names;
    n->name_locs = t.name_locs;
    out = std::move(n);
    break;
  }
  case ExprKind::TupleIndex: {
    auto &t = static_cast<const TupleIndex &>(e);
    auto n = copy_node(t);
    n->base = maybe(t.base);
    n->index = t.index;
    out = std::move(n);
    break;
  }
  case ExprKind::Index: {
    auto &x = static_cast<const Index &>(e);
    auto n = copy_node(x);
    n->base = maybe(x.base);
    n->index = maybe(x.index);
    n->constant = x.constant;
    out = std::move(n);
    break;
  }
  case ExprKind::TypeQuery: {
    auto &q = static_cast<const TypeQuery &>(e);
    auto n = copy_node(q);
    n->is_offsetof = q.is_offsetof;
    n->type_name = q.type_name;
    n->operand = maybe(q.operand);
    n->members = q.members;
    n->value = q.value;
    out = std::move(n);
    break;
  }
  case ExprKind::BlockExpr: {
    auto &x = static_cast<const BlockExpr &>(e);
    auto n = copy_node(x);
    n->body = copy_block(*x.body);
    n->value = maybe(x.value);
    n->function = x.function;
    out = std::move(n);
    break;
  }
  }
  if (out)
    out->type = e.type;
  else
    incomplete = true;
  return out;
}

std::unique_ptr<Block> copy_block(const Block &b) {
  auto n = copy_node(b);
  for (const auto &s : b.stmts)
    n->stmts.push_back(copy_stmt(*s));
  return n;
}

StmtPtr copy_stmt(const Stmt &s) {
  switch (s.kind) {
  case StmtKind::Expr: {
    auto n = copy_node(static_cast<const ExprStmt &>(s));
    n->expr = maybe(static_cast<const ExprStmt &>(s).expr);
    return n;
  }
  case StmtKind::AssignMap: {
    auto &a = static_cast<const AssignMap &>(s);
    auto n = copy_node(a);
    n->map = clone_map(*a.map);
    n->value = maybe(a.value);
    n->compound = a.compound;
    n->op = a.op;
    return n;
  }
  case StmtKind::AssignVar: {
    auto &a = static_cast<const AssignVar &>(s);
    auto n = copy_node(a);
    n->var = clone_var(*a.var);
    n->value = maybe(a.value);
    n->compound = a.compound;
    n->op = a.op;
    n->declaration = a.declaration;
    n->type_annotated = a.type_annotated;
    return n;
  }
  case StmtKind::For: {
    auto &f = static_cast<const For &>(s);
    auto n = copy_node(f);
    n->var = clone_var(*f.var);
    if (f.map)
      n->map = clone_map(*f.map);
    n->start = maybe(f.start);
    n->end = maybe(f.end);
    n->body = copy_block(*f.body);
    return n;
  }
  case StmtKind::Block:
    return copy_block(static_cast<const Block &>(s));
  case StmtKind::If: {
    auto &i = static_cast<const If &>(s);
    auto n = copy_node(i);
    n->cond = maybe(i.cond);
    n->then_block = copy_block(*i.then_block);
    if (i.else_block)
      n->else_block = copy_block(*i.else_block);
    return n;
  }
  case StmtKind::While: {
    auto &w = static_cast<const While &>(s);
    auto n = copy_node(w);
    n->cond = maybe(w.cond);
    n->body = copy_block(*w.body);
    return n;
  }
  case StmtKind::Unroll: {
    auto &u = static_cast<const Unroll &>(s);
    auto n = copy_node(u);
    n->count = maybe(u.count);
    n->body = copy_block(*u.body);
    return n;
  }
  case StmtKind::Jump: {
    auto n = copy_node(static_cast<const Jump &>(s));
    n->jump = static_cast<const Jump &>(s).jump;
    n->value = maybe(static_cast<const Jump &>(s).value);
    n->function_return = static_cast<const Jump &>(s).function_return;
    return n;
  }
  }
  incomplete = true;
  return nullptr;
}

} // namespace

ExprPtr clone_expr(const Expr &e) {
  incomplete = false;
  auto out = copy_expr(e);
  return incomplete ? nullptr : std::move(out);
}

StmtPtr clone_stmt(const Stmt &s) {
  incomplete = false;
  auto out = copy_stmt(s);
  return incomplete ? nullptr : std::move(out);
}

std::unique_ptr<Block> clone_block(const Block &b) {
  incomplete = false;
  auto out = copy_block(b);
  return incomplete ? nullptr : std::move(out);
}

void for_each_range(Expr &e, const std::function<void(SourceRange &)> &fn) {
  fn(e.loc);
  auto sub = [&](ExprPtr &x) {
    if (x)
      for_each_range(*x, fn);
  };
  switch (e.kind) {
  case ExprKind::Map:
    for (auto &k : static_cast<Map &>(e).keys)
      sub(k);
    break;
  case ExprKind::Call:
    for (auto &a : static_cast<Call &>(e).args)
      sub(a);
    break;
  case ExprKind::Binary:
    sub(static_cast<Binary &>(e).lhs);
    sub(static_cast<Binary &>(e).rhs);
    break;
  case ExprKind::Unary:
    sub(static_cast<Unary &>(e).operand);
    break;
  case ExprKind::Ternary:
    sub(static_cast<Ternary &>(e).cond);
    sub(static_cast<Ternary &>(e).then_expr);
    sub(static_cast<Ternary &>(e).else_expr);
    break;
  case ExprKind::Cast:
    sub(static_cast<Cast &>(e).operand);
    if (static_cast<Cast &>(e).type_of)
      sub(static_cast<Cast &>(e).type_of);
    break;
  case ExprKind::Field:
    sub(static_cast<Field &>(e).base);
    break;
  case ExprKind::TupleLit:
    for (auto &x : static_cast<TupleLit &>(e).elems)
      sub(x);
    break;
  case ExprKind::TupleIndex:
    sub(static_cast<TupleIndex &>(e).base);
    break;
  case ExprKind::Index:
    sub(static_cast<Index &>(e).base);
    sub(static_cast<Index &>(e).index);
    break;
  case ExprKind::TypeQuery:
    if (static_cast<TypeQuery &>(e).operand)
      sub(static_cast<TypeQuery &>(e).operand);
    break;
  case ExprKind::BlockExpr:
    for_each_range(*static_cast<BlockExpr &>(e).body, fn);
    sub(static_cast<BlockExpr &>(e).value);
    break;
  default:
    break;
  }
}

void for_each_range(Stmt &s, const std::function<void(SourceRange &)> &fn) {
  fn(s.loc);
  auto sub = [&](ExprPtr &x) {
    if (x)
      for_each_range(*x, fn);
  };
  auto block = [&](std::unique_ptr<Block> &b) {
    if (b)
      for_each_range(*b, fn);
  };
  switch (s.kind) {
  case StmtKind::Expr:
    sub(static_cast<ExprStmt &>(s).expr);
    break;
  case StmtKind::AssignMap: {
    auto &a = static_cast<AssignMap &>(s);
    for_each_range(*a.map, fn);
    sub(a.value);
    break;
  }
  case StmtKind::AssignVar: {
    auto &a = static_cast<AssignVar &>(s);
    for_each_range(*a.var, fn);
    sub(a.value);
    break;
  }
  case StmtKind::Block:
    for (auto &x : static_cast<Block &>(s).stmts)
      for_each_range(*x, fn);
    break;
  case StmtKind::If:
    sub(static_cast<If &>(s).cond);
    block(static_cast<If &>(s).then_block);
    block(static_cast<If &>(s).else_block);
    break;
  case StmtKind::While:
    sub(static_cast<While &>(s).cond);
    block(static_cast<While &>(s).body);
    break;
  case StmtKind::Unroll:
    sub(static_cast<Unroll &>(s).count);
    block(static_cast<Unroll &>(s).body);
    break;
  case StmtKind::For: {
    auto &f = static_cast<For &>(s);
    for_each_range(*f.var, fn);
    if (f.map)
      for_each_range(*f.map, fn);
    sub(f.start);
    sub(f.end);
    block(f.body);
    break;
  }
  case StmtKind::Jump:
    sub(static_cast<Jump &>(s).value);
    break;
  }
}

void for_each_range(Probe &p, const std::function<void(SourceRange &)> &fn) {
  fn(p.loc);
  for (auto &ap : p.attach_points)
    fn(ap->loc);
  if (p.predicate)
    for_each_range(*p.predicate, fn);
  if (p.body)
    for_each_range(*p.body, fn);
}

} // namespace bpfscope::ast

namespace bpfscope::ast {

namespace {

void slots(Stmt &s, const std::function<bool(ExprPtr &)> &fn);

void slots(ExprPtr &e, const std::function<bool(ExprPtr &)> &fn) {
  if (!e || fn(e))
    return;
  switch (e->kind) {
  case ExprKind::Map:
    for (auto &k : static_cast<Map &>(*e).keys)
      slots(k, fn);
    break;
  case ExprKind::Call:
    for (auto &a : static_cast<Call &>(*e).args)
      slots(a, fn);
    break;
  case ExprKind::Binary:
    slots(static_cast<Binary &>(*e).lhs, fn);
    slots(static_cast<Binary &>(*e).rhs, fn);
    break;
  case ExprKind::Unary:
    slots(static_cast<Unary &>(*e).operand, fn);
    break;
  case ExprKind::Ternary:
    slots(static_cast<Ternary &>(*e).cond, fn);
    slots(static_cast<Ternary &>(*e).then_expr, fn);
    slots(static_cast<Ternary &>(*e).else_expr, fn);
    break;
  case ExprKind::Cast:
    slots(static_cast<Cast &>(*e).operand, fn);
    if (static_cast<Cast &>(*e).type_of)
      slots(static_cast<Cast &>(*e).type_of, fn);
    break;
  case ExprKind::Field:
    slots(static_cast<Field &>(*e).base, fn);
    break;
  case ExprKind::TupleLit:
    for (auto &x : static_cast<TupleLit &>(*e).elems)
      slots(x, fn);
    break;
  case ExprKind::TupleIndex:
    slots(static_cast<TupleIndex &>(*e).base, fn);
    break;
  case ExprKind::Index:
    slots(static_cast<Index &>(*e).base, fn);
    slots(static_cast<Index &>(*e).index, fn);
    break;
  case ExprKind::TypeQuery:
    if (static_cast<TypeQuery &>(*e).operand)
      slots(static_cast<TypeQuery &>(*e).operand, fn);
    break;
  case ExprKind::BlockExpr:
    for (auto &s : static_cast<BlockExpr &>(*e).body->stmts)
      slots(*s, fn);
    slots(static_cast<BlockExpr &>(*e).value, fn);
    break;
  default:
    break;
  }
}

void slots(Stmt &s, const std::function<bool(ExprPtr &)> &fn);

void slots(Block &b, const std::function<bool(ExprPtr &)> &fn) {
  for (auto &s : b.stmts)
    slots(*s, fn);
}

void slots(Stmt &s, const std::function<bool(ExprPtr &)> &fn) {
  switch (s.kind) {
  case StmtKind::Expr:
    slots(static_cast<ExprStmt &>(s).expr, fn);
    break;
  case StmtKind::AssignMap: {
    auto &a = static_cast<AssignMap &>(s);
    for (auto &k : a.map->keys)
      slots(k, fn);
    slots(a.value, fn);
    break;
  }
  case StmtKind::AssignVar:
    slots(static_cast<AssignVar &>(s).value, fn);
    break;
  case StmtKind::Block:
    slots(static_cast<Block &>(s), fn);
    break;
  case StmtKind::If: {
    auto &i = static_cast<If &>(s);
    slots(i.cond, fn);
    slots(*i.then_block, fn);
    if (i.else_block)
      slots(*i.else_block, fn);
    break;
  }
  case StmtKind::While:
    slots(static_cast<While &>(s).cond, fn);
    slots(*static_cast<While &>(s).body, fn);
    break;
  case StmtKind::Unroll:
    slots(static_cast<Unroll &>(s).count, fn);
    slots(*static_cast<Unroll &>(s).body, fn);
    break;
  case StmtKind::For: {
    auto &f = static_cast<For &>(s);
    slots(f.start, fn);
    slots(f.end, fn);
    slots(*f.body, fn);
    break;
  }
  case StmtKind::Jump:
    slots(static_cast<Jump &>(s).value, fn);
    break;
  }
}

} // namespace

void for_each_expr_slot(Probe &p, const std::function<bool(ExprPtr &)> &fn) {
  slots(p.predicate, fn);
  if (p.body)
    slots(*p.body, fn);
}

} // namespace bpfscope::ast

namespace bpfscope::ast {

namespace {

bool deeper(const Expr *e, int left);
bool deeper(const Stmt *s, int left);

bool deeper_block(const Block *b, int left) {
  if (!b)
    return false;
  if (left <= 0)
    return true;
  for (const auto &s : b->stmts)
    if (deeper(s.get(), left - 1))
      return true;
  return false;
}

bool deeper(const Expr *e, int left) {
  if (!e)
    return false;
  if (left <= 0)
    return true;
  int l = left - 1;
  switch (e->kind) {
  case ExprKind::Map:
    for (const auto &k : static_cast<const Map *>(e)->keys)
      if (deeper(k.get(), l))
        return true;
    return false;
  case ExprKind::Call:
    for (const auto &a : static_cast<const Call *>(e)->args)
      if (deeper(a.get(), l))
        return true;
    return false;
  case ExprKind::Binary:
    return deeper(static_cast<const Binary *>(e)->lhs.get(), l) ||
           deeper(static_cast<const Binary *>(e)->rhs.get(), l);
  case ExprKind::Unary:
    return deeper(static_cast<const Unary *>(e)->operand.get(), l);
  case ExprKind::Ternary:
    return deeper(static_cast<const Ternary *>(e)->cond.get(), l) ||
           deeper(static_cast<const Ternary *>(e)->then_expr.get(), l) ||
           deeper(static_cast<const Ternary *>(e)->else_expr.get(), l);
  case ExprKind::Cast:
    return deeper(static_cast<const Cast *>(e)->operand.get(), l);
  case ExprKind::Field:
    return deeper(static_cast<const Field *>(e)->base.get(), l);
  case ExprKind::TupleLit:
    for (const auto &x : static_cast<const TupleLit *>(e)->elems)
      if (deeper(x.get(), l))
        return true;
    return false;
  case ExprKind::TupleIndex:
    return deeper(static_cast<const TupleIndex *>(e)->base.get(), l);
  case ExprKind::Index:
    return deeper(static_cast<const Index *>(e)->base.get(), l) ||
           deeper(static_cast<const Index *>(e)->index.get(), l);
  case ExprKind::TypeQuery:
    return deeper(static_cast<const TypeQuery *>(e)->operand.get(), l);
  case ExprKind::BlockExpr:
    return deeper_block(static_cast<const BlockExpr *>(e)->body.get(), l) ||
           deeper(static_cast<const BlockExpr *>(e)->value.get(), l);
  default:
    return false;
  }
}

bool deeper(const Stmt *s, int left) {
  if (!s)
    return false;
  if (left <= 0)
    return true;
  int l = left - 1;
  switch (s->kind) {
  case StmtKind::Expr:
    return deeper(static_cast<const ExprStmt *>(s)->expr.get(), l);
  case StmtKind::AssignMap:
    return deeper(static_cast<const AssignMap *>(s)->map.get(), l) ||
           deeper(static_cast<const AssignMap *>(s)->value.get(), l);
  case StmtKind::AssignVar:
    return deeper(static_cast<const AssignVar *>(s)->value.get(), l);
  case StmtKind::Block:
    return deeper_block(static_cast<const Block *>(s), left);
  case StmtKind::If:
    return deeper(static_cast<const If *>(s)->cond.get(), l) ||
           deeper_block(static_cast<const If *>(s)->then_block.get(), l) ||
           deeper_block(static_cast<const If *>(s)->else_block.get(), l);
  case StmtKind::While:
    return deeper(static_cast<const While *>(s)->cond.get(), l) ||
           deeper_block(static_cast<const While *>(s)->body.get(), l);
  case StmtKind::Unroll:
    return deeper(static_cast<const Unroll *>(s)->count.get(), l) ||
           deeper_block(static_cast<const Unroll *>(s)->body.get(), l);
  case StmtKind::For:
    return deeper(static_cast<const For *>(s)->start.get(), l) ||
           deeper(static_cast<const For *>(s)->end.get(), l) ||
           deeper_block(static_cast<const For *>(s)->body.get(), l);
  case StmtKind::Jump:
    return deeper(static_cast<const Jump *>(s)->value.get(), l);
  }
  return false;
}

} // namespace

bool deeper_than(const Stmt &s, int limit) { return deeper(&s, limit); }
bool deeper_than(const Expr &e, int limit) { return deeper(&e, limit); }

size_t node_count(const Expr &e) {
  size_t n = 0;
  for_each_range(const_cast<Expr &>(e), [&n](SourceRange &) { n++; });
  return n;
}

} // namespace bpfscope::ast
