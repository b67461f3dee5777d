// parse_program (the scanner + parser driver) and the AST dump.
#include "parser/parse.h"

#include "parser.tab.hh"

#include <climits>
#include <cstdio>
#include <sstream>

namespace bpfscope {

namespace ast {

const char *binary_op_spelling(BinaryOp op) {
  switch (op) {
  case BinaryOp::Add:
    return "+";
  case BinaryOp::Sub:
    return "-";
  case BinaryOp::Mul:
    return "*";
  case BinaryOp::Div:
    return "/";
  case BinaryOp::Mod:
    return "%";
  case BinaryOp::BitAnd:
    return "&";
  case BinaryOp::BitOr:
    return "|";
  case BinaryOp::BitXor:
    return "^";
  case BinaryOp::Shl:
    return "<<";
  case BinaryOp::Shr:
    return ">>";
  case BinaryOp::Eq:
    return "==";
  case BinaryOp::Ne:
    return "!=";
  case BinaryOp::Lt:
    return "<";
  case BinaryOp::Le:
    return "<=";
  case BinaryOp::Gt:
    return ">";
  case BinaryOp::Ge:
    return ">=";
  case BinaryOp::LogicalAnd:
    return "&&";
  case BinaryOp::LogicalOr:
    return "||";
  }
  return "?";
}

} // namespace ast

namespace {

struct ScannerGuard {
  explicit ScannerGuard(ParseDriver &drv) : drv(drv) { lexer_init(drv); }
  ~ScannerGuard() { lexer_destroy(drv); }
  ParseDriver &drv;
};

} // namespace

std::unique_ptr<ast::Program> parse_program(const std::string &source, Diagnostics &diags) {
  ParseDriver drv(source, diags);
  if (source.size() > static_cast<size_t>(INT_MAX)) {
    diags.error(SourceRange{}, "program too large");
    return nullptr;
  }
  int rc;
  {
    ScannerGuard guard(drv);
    yy::Parser parser(drv);
    rc = parser.parse();
  }
  if (rc != 0 || drv.failed || !drv.program) {
    if (!drv.failed) // cannot happen: every failure path reports; keep the contract anyway
      diags.error(SourceRange{}, "syntax: invalid program");
    return nullptr;
  }
  return std::move(drv.program);
}

// ---------------------------------------------------------------- dump

namespace {

const char *unary_spelling(ast::UnaryOp op) {
  switch (op) {
  case ast::UnaryOp::Neg:
    return "-";
  case ast::UnaryOp::LogicalNot:
    return "!";
  case ast::UnaryOp::BitNot:
    return "~";
  case ast::UnaryOp::Increment:
    return "++";
  case ast::UnaryOp::Decrement:
    return "--";
  case ast::UnaryOp::Deref:
    return "*";
  case ast::UnaryOp::AddressOf:
    return "&";
  }
  return "?";
}

std::string quote(const std::string &s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
    case '\n':
      out += "\\n";
      break;
    case '\t':
      out += "\\t";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '"':
      out += "\\\"";
      break;
    default:
      if (c < 0x20 || c >= 0x7f) {
        char buf[8];
        std::snprintf(buf, sizeof(buf), "\\x%02x", c);
        out += buf;
      } else {
        out += static_cast<char>(c);
      }
    }
  }
  return out + "\"";
}

class Dumper {
public:
  std::ostringstream out;

  void line(int depth, const std::string &text) { out << std::string(depth, ' ') << text << "\n"; }

  void expr(const ast::Expr *e, int d) {
    if (!e) {
      line(d, "(null)");
      return;
    }
    switch (e->kind) {
    case ast::ExprKind::Integer:
      line(d, "Integer " + std::to_string(static_cast<const ast::IntegerLit *>(e)->value));
      break;
    case ast::ExprKind::String:
      line(d, "String " + quote(static_cast<const ast::StringLit *>(e)->value));
      break;
    case ast::ExprKind::Builtin:
      line(d, "Builtin " + static_cast<const ast::Builtin *>(e)->name);
      break;
    case ast::ExprKind::Positional: {
      auto *p = static_cast<const ast::Positional *>(e);
      line(d,
           p->is_count ? std::string("Positional $#") : "Positional $" + std::to_string(p->index));
      break;
    }
    case ast::ExprKind::Variable:
      line(d, "Variable " + static_cast<const ast::Variable *>(e)->name);
      break;
    case ast::ExprKind::Map: {
      auto *m = static_cast<const ast::Map *>(e);
      line(d, "Map " + m->name);
      for (auto &k : m->keys)
        expr(k.get(), d + 1);
      break;
    }
    case ast::ExprKind::Call: {
      auto *c = static_cast<const ast::Call *>(e);
      line(d, "Call " + c->name);
      for (auto &a : c->args)
        expr(a.get(), d + 1);
      break;
    }
    case ast::ExprKind::Binary: {
      auto *b = static_cast<const ast::Binary *>(e);
      line(d, std::string("Binary ") + ast::binary_op_spelling(b->op));
      expr(b->lhs.get(), d + 1);
      expr(b->rhs.get(), d + 1);
      break;
    }
    case ast::ExprKind::Unary: {
      auto *u = static_cast<const ast::Unary *>(e);
      line(d, std::string("Unary ") + unary_spelling(u->op) + (u->postfix ? " postfix" : ""));
      expr(u->operand.get(), d + 1);
      break;
    }
    case ast::ExprKind::Ternary: {
      auto *t = static_cast<const ast::Ternary *>(e);
      line(d, "Ternary");
      expr(t->cond.get(), d + 1);
      expr(t->then_expr.get(), d + 1);
      expr(t->else_expr.get(), d + 1);
      break;
    }
    case ast::ExprKind::Cast: {
      auto *c = static_cast<const ast::Cast *>(e);
      line(d, "Cast " + c->type_name);
      expr(c->operand.get(), d + 1);
      break;
    }
    case ast::ExprKind::Field: {
      auto *f = static_cast<const ast::Field *>(e);
      line(d, std::string("Field ") + (f->arrow ? "->" : ".") + f->field);
      expr(f->base.get(), d + 1);
      break;
    }
    case ast::ExprKind::TupleLit: {
      auto *t = static_cast<const ast::TupleLit *>(e);
      if (t->names.empty()) {
        line(d, "Tuple");
        for (auto &el : t->elems)
          expr(el.get(), d + 1);
        break;
      }
      line(d, "Record");
      for (size_t i = 0; i < t->elems.size(); i++) {
        line(d + 1, t->names[i] + " =");
        expr(t->elems[i].get(), d + 2);
      }
      break;
    }
    case ast::ExprKind::TupleIndex: {
      auto *t = static_cast<const ast::TupleIndex *>(e);
      line(d, "TupleIndex " + std::to_string(t->index));
      expr(t->base.get(), d + 1);
      break;
    }
    case ast::ExprKind::Index: {
      auto *i = static_cast<const ast::Index *>(e);
      line(d, "Index");
      expr(i->base.get(), d + 1);
      expr(i->index.get(), d + 1);
      break;
    }
    case ast::ExprKind::TypeQuery: {
      auto *q = static_cast<const ast::TypeQuery *>(e);
      std::string path;
      for (auto &m : q->members)
        path += (path.empty() ? "" : ".") + m;
      line(d, std::string(q->is_offsetof ? "Offsetof " : "Sizeof ") + q->type_name +
                  (path.empty() ? "" : ", " + path));
      if (q->operand)
        expr(q->operand.get(), d + 1);
      break;
    }
    case ast::ExprKind::BlockExpr: {
      auto *b = static_cast<const ast::BlockExpr *>(e);
      line(d, "BlockExpr");
      block(b->body.get(), d + 1);
      expr(b->value.get(), d + 1);
      break;
    }
    }
  }

  void block(const ast::Block *b, int d, const char *label = "Block") {
    line(d, label);
    if (!b)
      return;
    for (auto &s : b->stmts)
      stmt(s.get(), d + 1);
  }

  void stmt(const ast::Stmt *s, int d) {
    if (!s) {
      line(d, "(null)");
      return;
    }
    switch (s->kind) {
    case ast::StmtKind::Expr:
      line(d, "ExprStmt");
      expr(static_cast<const ast::ExprStmt *>(s)->expr.get(), d + 1);
      break;
    case ast::StmtKind::AssignMap: {
      auto *a = static_cast<const ast::AssignMap *>(s);
      line(d, a->compound ? std::string("AssignMap ") + ast::binary_op_spelling(a->op) + "="
                          : std::string("AssignMap"));
      expr(a->map.get(), d + 1);
      expr(a->value.get(), d + 1);
      break;
    }
    case ast::StmtKind::AssignVar: {
      auto *a = static_cast<const ast::AssignVar *>(s);
      line(d, a->compound ? std::string("AssignVar ") + ast::binary_op_spelling(a->op) + "="
                          : std::string("AssignVar"));
      expr(a->var.get(), d + 1);
      expr(a->value.get(), d + 1);
      break;
    }
    case ast::StmtKind::If: {
      auto *i = static_cast<const ast::If *>(s);
      line(d, "If");
      expr(i->cond.get(), d + 1);
      block(i->then_block.get(), d + 1, "Then");
      if (i->else_block)
        block(i->else_block.get(), d + 1, "Else");
      break;
    }
    case ast::StmtKind::Block:
      block(static_cast<const ast::Block *>(s), d);
      break;
    case ast::StmtKind::While: {
      auto *w = static_cast<const ast::While *>(s);
      line(d, "While");
      expr(w->cond.get(), d + 1);
      block(w->body.get(), d + 1, "Body");
      break;
    }
    case ast::StmtKind::Unroll: {
      auto *u = static_cast<const ast::Unroll *>(s);
      line(d, "Unroll");
      expr(u->count.get(), d + 1);
      block(u->body.get(), d + 1, "Body");
      break;
    }
    case ast::StmtKind::For: {
      auto *f = static_cast<const ast::For *>(s);
      line(d, "For");
      expr(f->var.get(), d + 1);
      if (f->map) {
        expr(f->map.get(), d + 1);
      } else {
        line(d + 1, "Range");
        expr(f->start.get(), d + 2);
        expr(f->end.get(), d + 2);
      }
      block(f->body.get(), d + 1, "Body");
      break;
    }
    case ast::StmtKind::Jump: {
      auto kind = static_cast<const ast::Jump *>(s)->jump;
      line(d, kind == ast::JumpKind::Break      ? "Break"
              : kind == ast::JumpKind::Continue ? "Continue"
                                                : "Return");
      if (auto &v = static_cast<const ast::Jump *>(s)->value)
        expr(v.get(), d + 1);
      break;
    }
    }
  }
};

} // namespace

std::string dump_ast(const ast::Program &program) {
  Dumper dumper;
  dumper.line(0, "Program");
  for (auto &probe : program.probes) {
    dumper.line(1, "Probe");
    for (auto &ap : probe->attach_points)
      dumper.line(2, "AttachPoint " + ap->raw);
    if (probe->predicate) {
      dumper.line(2, "Predicate");
      dumper.expr(probe->predicate.get(), 3);
    }
    dumper.block(probe->body.get(), 2);
  }
  return dumper.out.str();
}

} // namespace bpfscope
