// Unit tests of the front end's lexer and parser: the AST built for each construct, precedence,
// source locations, and the syntax errors (rendered exactly as the user sees them).
#include "parser/parse.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace bpfscope {
namespace {

// ---------------------------------------------------------------- helpers

struct Parsed {
  std::unique_ptr<ast::Program> program;
  std::string errors; // rendered diagnostics
  size_t error_count = 0;
};

Parsed parse(const std::string &src) {
  Diagnostics diags("stdin", src);
  Parsed r;
  r.program = parse_program(src, diags);
  for (const auto &d : diags.all()) {
    r.errors += diags.render(d);
    r.error_count++;
  }
  return r;
}

// The dump of a program that must parse.
std::string dump(const std::string &src) {
  Parsed r = parse(src);
  EXPECT_TRUE(r.program) << src << "\n" << r.errors;
  EXPECT_EQ(r.error_count, 0u) << r.errors;
  return r.program ? dump_ast(*r.program) : "";
}

// The rendered error of a program that must not parse (exactly one error).
std::string error(const std::string &src) {
  Parsed r = parse(src);
  EXPECT_FALSE(r.program) << src;
  EXPECT_EQ(r.error_count, 1u) << r.errors;
  return r.errors;
}

std::string str(const SourceRange &r) {
  return std::to_string(r.begin_line) + ":" + std::to_string(r.begin_col) + "-" +
         std::to_string(r.end_line) + ":" + std::to_string(r.end_col);
}

// A compact s-expression of an expression, for precedence tests.
std::string sexpr(const ast::Expr *e) {
  using namespace ast;
  switch (e->kind) {
  case ExprKind::Integer:
    return std::to_string(static_cast<const IntegerLit *>(e)->value);
  case ExprKind::String:
    return "\"" + static_cast<const StringLit *>(e)->value + "\"";
  case ExprKind::Builtin:
    return static_cast<const Builtin *>(e)->name;
  case ExprKind::Positional: {
    auto *p = static_cast<const Positional *>(e);
    return p->is_count ? "$#" : "$" + std::to_string(p->index);
  }
  case ExprKind::Variable:
    return static_cast<const Variable *>(e)->name;
  case ExprKind::Index:
    return sexpr(static_cast<const Index *>(e)->base.get()) + "[" +
           sexpr(static_cast<const Index *>(e)->index.get()) + "]";
  case ExprKind::BlockExpr:
    return "{... " + sexpr(static_cast<const BlockExpr *>(e)->value.get()) + "}";
  case ExprKind::Map: {
    auto *m = static_cast<const Map *>(e);
    if (m->keys.empty())
      return m->name;
    std::string s = m->name + "[";
    for (size_t i = 0; i < m->keys.size(); i++)
      s += (i ? ", " : "") + sexpr(m->keys[i].get());
    return s + "]";
  }
  case ExprKind::Call: {
    auto *c = static_cast<const Call *>(e);
    std::string s = c->name + "(";
    for (size_t i = 0; i < c->args.size(); i++)
      s += (i ? ", " : "") + sexpr(c->args[i].get());
    return s + ")";
  }
  case ExprKind::Binary: {
    auto *b = static_cast<const Binary *>(e);
    return std::string("(") + binary_op_spelling(b->op) + " " + sexpr(b->lhs.get()) + " " +
           sexpr(b->rhs.get()) + ")";
  }
  case ExprKind::Unary: {
    auto *u = static_cast<const Unary *>(e);
    const char *ops[] = {"-", "!", "~", "++", "--", "*", "&"};
    std::string op = ops[static_cast<int>(u->op)];
    return "(" + (u->postfix ? "post" + op : op) + " " + sexpr(u->operand.get()) + ")";
  }
  case ExprKind::Ternary: {
    auto *t = static_cast<const Ternary *>(e);
    return "(? " + sexpr(t->cond.get()) + " " + sexpr(t->then_expr.get()) + " " +
           sexpr(t->else_expr.get()) + ")";
  }
  case ExprKind::Cast: {
    auto *c = static_cast<const Cast *>(e);
    return "(cast " + c->type_name + " " + sexpr(c->operand.get()) + ")";
  }
  case ExprKind::Field: {
    auto *f = static_cast<const Field *>(e);
    return "(" + std::string(f->arrow ? "->" : ".") + " " + sexpr(f->base.get()) + " " + f->field +
           ")";
  }
  case ExprKind::TupleLit: {
    auto *t = static_cast<const TupleLit *>(e);
    std::string s = "(tuple";
    for (auto &el : t->elems)
      s += " " + sexpr(el.get());
    return s + ")";
  }
  case ExprKind::TupleIndex: {
    auto *t = static_cast<const TupleIndex *>(e);
    return "(. " + sexpr(t->base.get()) + " " + std::to_string(t->index) + ")";
  }
  case ExprKind::TypeQuery: {
    auto *q = static_cast<const TypeQuery *>(e);
    std::string s = std::string(q->is_offsetof ? "(offsetof " : "(sizeof ") + q->type_name;
    for (auto &m : q->members)
      s += " " + m;
    return s + (q->operand ? sexpr(q->operand.get()) : "") + ")";
  }
  }
  return "?";
}

// Parses `BEGIN { <text> }` and returns the first statement.
struct OneStmt {
  std::unique_ptr<ast::Program> program;
  const ast::Stmt *stmt = nullptr;
};

OneStmt stmt(const std::string &text) {
  OneStmt r;
  Parsed p = parse("BEGIN { " + text + " }");
  EXPECT_TRUE(p.program) << text << "\n" << p.errors;
  r.program = std::move(p.program);
  if (r.program && !r.program->probes.empty() && !r.program->probes[0]->body->stmts.empty())
    r.stmt = r.program->probes[0]->body->stmts[0].get();
  return r;
}

// The s-expression of `text` parsed as an expression statement.
std::string expr(const std::string &text) {
  OneStmt s = stmt(text);
  if (!s.stmt || s.stmt->kind != ast::StmtKind::Expr)
    return "<not an expression statement>";
  return sexpr(static_cast<const ast::ExprStmt *>(s.stmt)->expr.get());
}

// ---------------------------------------------------------------- probes and attach points

TEST(ParserProbe, DumpFormat) {
  EXPECT_EQ(dump("tracepoint:syscalls:sys_enter_openat /pid == 1/ { @[comm] = count(); }"),
            "Program\n"
            " Probe\n"
            "  AttachPoint tracepoint:syscalls:sys_enter_openat\n"
            "  Predicate\n"
            "   Binary ==\n"
            "    Builtin pid\n"
            "    Integer 1\n"
            "  Block\n"
            "   AssignMap\n"
            "    Map @\n"
            "     Builtin comm\n"
            "    Call count\n");
}

TEST(ParserProbe, DumpOfStatements) {
  EXPECT_EQ(dump("BEGIN { $x += 1; if ($x) { print(\"a\\n\") } else { $t.0; args->f; } }"),
            "Program\n"
            " Probe\n"
            "  AttachPoint BEGIN\n"
            "  Block\n"
            "   AssignVar +=\n"
            "    Variable $x\n"
            "    Integer 1\n"
            "   If\n"
            "    Variable $x\n"
            "    Then\n"
            "     ExprStmt\n"
            "      Call print\n"
            "       String \"a\\n\"\n"
            "    Else\n"
            "     ExprStmt\n"
            "      TupleIndex 0\n"
            "       Variable $t\n"
            "     ExprStmt\n"
            "      Field ->f\n"
            "       Builtin args\n");
}

TEST(ParserProbe, AttachPointExamples) {
  const char *examples[] = {
      "BEGIN",
      "END",
      "begin",
      "tracepoint:syscalls:sys_enter_openat",
      "t:syscalls:sys_enter_*",
      "interval:s:1",
      "interval:100ms",
      "profile:hz:99",
      "kprobe:do_sys_open+10",
      "uprobe:/bin/bash:readline",
      "kprobe:vfs_rea?",
      "uprobe:./app:\"ns::K::m(int)\"",
      "uprobe:/lib/x86_64-linux-gnu/libc.so.6:malloc",
      "usdt:./app:\"provider\":\"probe name, with {braces}\"",
  };
  for (const char *ap : examples) {
    Parsed r = parse(std::string(ap) + " { }");
    ASSERT_TRUE(r.program) << ap << "\n" << r.errors;
    ASSERT_EQ(r.program->probes.size(), 1u);
    ASSERT_EQ(r.program->probes[0]->attach_points.size(), 1u);
    EXPECT_EQ(r.program->probes[0]->attach_points[0]->raw, ap);
  }
}

TEST(ParserProbe, AttachPointLists) {
  Parsed r = parse("kprobe:vfs_read*,kprobe:vfs_write* , \n  uprobe:\"/a b/c\":f\n{ }");
  ASSERT_TRUE(r.program) << r.errors;
  auto &aps = r.program->probes[0]->attach_points;
  ASSERT_EQ(aps.size(), 3u);
  EXPECT_EQ(aps[0]->raw, "kprobe:vfs_read*");
  EXPECT_EQ(aps[1]->raw, "kprobe:vfs_write*");
  EXPECT_EQ(aps[2]->raw, "uprobe:\"/a b/c\":f");
  EXPECT_EQ(str(aps[0]->loc), "1:1-1:17");
  EXPECT_EQ(str(aps[1]->loc), "1:18-1:35");
  EXPECT_EQ(str(aps[2]->loc), "2:3-2:20");
}

TEST(ParserProbe, MultipleProbesWithoutSpaces) {
  Parsed r = parse("BEGIN{@x=1}END{print(@x)}interval:s:1{exit()}");
  ASSERT_TRUE(r.program) << r.errors;
  ASSERT_EQ(r.program->probes.size(), 3u);
  EXPECT_EQ(r.program->probes[0]->attach_points[0]->raw, "BEGIN");
  EXPECT_EQ(r.program->probes[1]->attach_points[0]->raw, "END");
  EXPECT_EQ(r.program->probes[2]->attach_points[0]->raw, "interval:s:1");
}

TEST(ParserProbe, PredicateWithDivision) {
  Parsed r = parse("t:a:b /$x / 2 > 1/ { }");
  ASSERT_TRUE(r.program) << r.errors;
  EXPECT_EQ(sexpr(r.program->probes[0]->predicate.get()), "(> (/ $x 2) 1)");
  r = parse("t:a:b / 10 / $1 / 2 == 0 /\n\n   { }");
  ASSERT_TRUE(r.program) << r.errors;
  EXPECT_EQ(sexpr(r.program->probes[0]->predicate.get()), "(== (/ (/ 10 $1) 2) 0)");
  // The blanks before `{` are not part of the closing `/`.
  EXPECT_EQ(str(r.program->probes[0]->predicate->loc), "1:9-1:25");
  EXPECT_EQ(str(r.program->probes[0]->body->loc), "3:4-3:7");
  EXPECT_EQ(str(r.program->probes[0]->loc), "1:1-3:7");
}

TEST(ParserProbe, PredicateEndsBeforeCommentsAndNewlines) {
  Parsed r = parse("k:f /comm == \"a/b{\"/ /* c */ // d\n // e\n{ }");
  ASSERT_TRUE(r.program) << r.errors;
  EXPECT_EQ(sexpr(r.program->probes[0]->predicate.get()), "(== comm \"a/b{\")");
  r = parse("k:f /pid/{}");
  ASSERT_TRUE(r.program) << r.errors;
  EXPECT_EQ(sexpr(r.program->probes[0]->predicate.get()), "pid");
}

TEST(ParserProbe, NoPredicate) {
  Parsed r = parse("BEGIN { }");
  ASSERT_TRUE(r.program);
  EXPECT_EQ(r.program->probes[0]->predicate, nullptr);
  EXPECT_TRUE(r.program->probes[0]->body->stmts.empty());
}

TEST(ParserProbe, Comments) {
  EXPECT_EQ(dump("// leading\n/* block\n comment */ BEGIN /* a */ { // x\n"
                 " @x /* in */ = /* expr */ 1; /* } */ // }\n} // trailing"),
            dump("BEGIN { @x = 1; }"));
  EXPECT_EQ(dump("BEGIN { /**/ /***/ /* ** / */ }"), dump("BEGIN { }"));
}

TEST(ParserProbe, ShebangLine) {
  EXPECT_EQ(dump("#!/usr/bin/env bpftrace\nBEGIN { }"), dump("BEGIN { }"));
  Parsed r = parse("#!/usr/bin/bpftrace -q\n\nBEGIN { @ = 1 }");
  ASSERT_TRUE(r.program) << r.errors;
  EXPECT_EQ(str(r.program->probes[0]->loc), "3:1-3:16");
  // Only the first line may be one.
  EXPECT_NE(parse("BEGIN { }\n#!x\n").error_count, 0u);
}

// ---------------------------------------------------------------- literals and primaries

TEST(ParserLiteral, Integers) {
  EXPECT_EQ(expr("42"), "42");
  EXPECT_EQ(expr("0"), "0");
  EXPECT_EQ(expr("0x2a"), "42");
  EXPECT_EQ(expr("0XFF"), "255");
  EXPECT_EQ(expr("052"), "42");
  EXPECT_EQ(expr("0b101010"), "42");
  EXPECT_EQ(expr("1_000_000"), "1000000");
  EXPECT_EQ(expr("0xffff_ffff"), "4294967295");
  EXPECT_EQ(expr("18446744073709551615"), "18446744073709551615");
  EXPECT_EQ(expr("0xffffffffffffffff"), "18446744073709551615");
}

TEST(ParserLiteral, Strings) {
  OneStmt s = stmt(R"("a\n\t\r\\\"\0\x41\101\7z")");
  ASSERT_TRUE(s.stmt);
  auto *lit =
      static_cast<const ast::StringLit *>(static_cast<const ast::ExprStmt *>(s.stmt)->expr.get());
  ASSERT_EQ(lit->kind, ast::ExprKind::String);
  EXPECT_EQ(lit->value, std::string("a\n\t\r\\\"\0AA\7z", 11));
  EXPECT_EQ(expr(R"("")"), "\"\"");
  EXPECT_EQ(expr("\"h\xc3\xa9llo\""), "\"h\xc3\xa9llo\"");
}

TEST(ParserLiteral, VariablesMapsPositionals) {
  EXPECT_EQ(expr("$x"), "$x");
  EXPECT_EQ(expr("$_tmp1"), "$_tmp1");
  EXPECT_EQ(expr("$1"), "$1");
  EXPECT_EQ(expr("$12"), "$12");
  EXPECT_EQ(expr("$#"), "$#");
  EXPECT_EQ(expr("@"), "@");
  EXPECT_EQ(expr("@name"), "@name");
  EXPECT_EQ(expr("@[1]"), "@[1]");
  EXPECT_EQ(expr("@m[pid, comm]"), "@m[pid, comm]");
  EXPECT_EQ(expr("@m[(1, 2)]"), "@m[(tuple 1 2)]");
}

TEST(ParserLiteral, BuiltinsAndCalls) {
  for (const char *b : {"pid", "tid", "comm", "nsecs", "arg0", "arg9", "retval", "args", "kstack",
                        "true", "false", "whatever"})
    EXPECT_EQ(expr(b), b);
  EXPECT_EQ(expr("count()"), "count()");
  EXPECT_EQ(expr("printf(\"%d %s\\n\", pid, comm)"), "printf(\"%d %s\n\", pid, comm)");
  EXPECT_EQ(expr("kstack(3)"), "kstack(3)");
  EXPECT_EQ(expr("hist(@x[1] + 2)"), "hist((+ @x[1] 2))");
}

TEST(ParserLiteral, PositionalInPredicate) {
  Parsed r = parse("k:f /pid == $1 && $# > 0/ { }");
  ASSERT_TRUE(r.program) << r.errors;
  EXPECT_EQ(sexpr(r.program->probes[0]->predicate.get()), "(&& (== pid $1) (> $# 0))");
  auto *b = static_cast<const ast::Binary *>(r.program->probes[0]->predicate.get());
  auto *count = static_cast<const ast::Positional *>(
      static_cast<const ast::Binary *>(b->rhs.get())->lhs.get());
  EXPECT_TRUE(count->is_count);
  EXPECT_EQ(count->index, 0);
}

// ---------------------------------------------------------------- expressions

TEST(ParserExpr, ArithmeticPrecedence) {
  EXPECT_EQ(expr("1 + 2 * 3"), "(+ 1 (* 2 3))");
  EXPECT_EQ(expr("1 * 2 + 3"), "(+ (* 1 2) 3)");
  EXPECT_EQ(expr("1 - 2 - 3"), "(- (- 1 2) 3)");
  EXPECT_EQ(expr("8 / 4 / 2"), "(/ (/ 8 4) 2)");
  EXPECT_EQ(expr("7 % 3 * 2"), "(* (% 7 3) 2)");
  EXPECT_EQ(expr("(1 + 2) * 3"), "(* (+ 1 2) 3)");
}

TEST(ParserExpr, LogicalAndBitwisePrecedence) {
  EXPECT_EQ(expr("a || b && c"), "(|| a (&& b c))");
  EXPECT_EQ(expr("a && b || c"), "(|| (&& a b) c)");
  EXPECT_EQ(expr("a | b ^ c & d"), "(| a (^ b (& c d)))");
  EXPECT_EQ(expr("a & b == c"), "(& a (== b c))");
  EXPECT_EQ(expr("a == b < c"), "(== a (< b c))");
  EXPECT_EQ(expr("a != b >= c"), "(!= a (>= b c))");
  EXPECT_EQ(expr("a && b | c"), "(&& a (| b c))");
  EXPECT_EQ(expr("a < b <= c > d"), "(> (<= (< a b) c) d)");
}

TEST(ParserExpr, ShiftsVersusComparisonAndAddition) {
  EXPECT_EQ(expr("1 << 2 < 3"), "(< (<< 1 2) 3)");
  EXPECT_EQ(expr("a > b >> c"), "(> a (>> b c))");
  EXPECT_EQ(expr("1 << 2 + 3"), "(<< 1 (+ 2 3))");
  EXPECT_EQ(expr("1 << 2 << 3"), "(<< (<< 1 2) 3)");
}

TEST(ParserExpr, Unary) {
  EXPECT_EQ(expr("-x.y"), "(- (. x y))");
  EXPECT_EQ(expr("-1 + 2"), "(+ (- 1) 2)");
  EXPECT_EQ(expr("!a && ~b"), "(&& (! a) (~ b))");
  EXPECT_EQ(expr("- -x"), "(- (- x))");
  EXPECT_EQ(expr("*$p"), "(* $p)");
  EXPECT_EQ(expr("&$p"), "(& $p)");
  EXPECT_EQ(expr("2 * *$p"), "(* 2 (* $p))");
  EXPECT_EQ(expr("a & &b"), "(& a (& b))");
  EXPECT_EQ(expr("!!x"), "(! (! x))");
}

TEST(ParserExpr, IncrementDecrement) {
  EXPECT_EQ(expr("$x++"), "(post++ $x)");
  EXPECT_EQ(expr("$x--"), "(post-- $x)");
  EXPECT_EQ(expr("++$x"), "(++ $x)");
  EXPECT_EQ(expr("--@m[1]"), "(-- @m[1])");
  EXPECT_EQ(expr("-$x++"), "(- (post++ $x))");
  EXPECT_EQ(expr("$x++ + 1"), "(+ (post++ $x) 1)");
  EXPECT_EQ(expr("@c++"), "(post++ @c)");
}

TEST(ParserExpr, Ternary) {
  EXPECT_EQ(expr("a ? b : c"), "(? a b c)");
  EXPECT_EQ(expr("a ? b : c ? d : e"), "(? a b (? c d e))");
  EXPECT_EQ(expr("a ? b ? c : d : e"), "(? a (? b c d) e)");
  EXPECT_EQ(expr("a || b ? c + 1 : d"), "(? (|| a b) (+ c 1) d)");
  EXPECT_EQ(expr("(a ? b : c) + 1"), "(+ (? a b c) 1)");
}

TEST(ParserExpr, FieldsAndTupleIndex) {
  EXPECT_EQ(expr("args.filename"), "(. args filename)");
  EXPECT_EQ(expr("args->filename"), "(-> args filename)");
  EXPECT_EQ(expr("curtask->parent->pid"), "(-> (-> curtask parent) pid)");
  EXPECT_EQ(expr("$t.0"), "(. $t 0)");
  EXPECT_EQ(expr("$t.1.0"), "(. (. $t 1) 0)");
  EXPECT_EQ(expr("@t[1].2"), "(. @t[1] 2)");
  EXPECT_EQ(expr("$s.string"), "(. $s string)");
  EXPECT_EQ(expr("(1, 2).1"), "(. (tuple 1 2) 1)");
}

TEST(ParserExpr, Casts) {
  EXPECT_EQ(expr("(uint32)x"), "(cast uint32 x)");
  EXPECT_EQ(expr("(int8)-1"), "(cast int8 (- 1))");
  EXPECT_EQ(expr("(u64)$x + 1"), "(+ (cast u64 $x) 1)");
  EXPECT_EQ(expr("(s16)(a + b)"), "(cast s16 (+ a b))");
  EXPECT_EQ(expr("(bool)x"), "(cast bool x)");
  EXPECT_EQ(expr("(string[8])x"), "(cast string[8] x)");
  EXPECT_EQ(expr("(uint8)(uint16)x"), "(cast uint8 (cast uint16 x))");
  EXPECT_EQ(expr("-(int64)x.y"), "(- (cast int64 (. x y)))");
}

// `(NAME)` and `(NAME *)` before an operand cast to a C type name; after a word or before an
// operator they stay what they were.
TEST(ParserExpr, CastsToTypeNames) {
  EXPECT_EQ(expr("(pid_t)x"), "(cast pid_t x)");
  EXPECT_EQ(expr("( uint64_t ) $x + 1"), "(+ (cast uint64_t $x) 1)");
  EXPECT_EQ(expr("(task_t *)(a + 1)"), "(cast task_t * (+ a 1))");
  EXPECT_EQ(expr("(size_t * *)@m"), "(cast size_t * * @m)");
  EXPECT_EQ(expr("(pid_t)(u32)x"), "(cast pid_t (cast u32 x))");
  EXPECT_EQ(expr("(pid_t)\n  x"), "(cast pid_t x)");
  EXPECT_EQ(expr("(a) - 1"), "(- a 1)");
  EXPECT_EQ(expr("(a) * b"), "(* a b)");
  EXPECT_EQ(expr("f(a)"), "f(a)");
  EXPECT_EQ(expr("str(a) "), "str(a)");
  EXPECT_NE(error("k:f { if (a) $x = 1; }").find("unexpected variable"), std::string::npos);
}

TEST(ParserExpr, Tuples) {
  EXPECT_EQ(expr("(1, \"a\")"), "(tuple 1 \"a\")");
  EXPECT_EQ(expr("(1, (2, 3), $x + 1)"), "(tuple 1 (tuple 2 3) (+ $x 1))");
  EXPECT_EQ(expr("((1))"), "1");
  EXPECT_EQ(expr("print((1, 2))"), "print((tuple 1 2))");
}

// ---------------------------------------------------------------- statements

TEST(ParserStmt, Assignments) {
  OneStmt s = stmt("@x = 1");
  ASSERT_EQ(s.stmt->kind, ast::StmtKind::AssignMap);
  auto *am = static_cast<const ast::AssignMap *>(s.stmt);
  EXPECT_EQ(am->map->name, "@x");
  EXPECT_FALSE(am->compound);
  EXPECT_EQ(sexpr(am->value.get()), "1");

  s = stmt("@m[k1, k2] = $v * 2");
  am = static_cast<const ast::AssignMap *>(s.stmt);
  EXPECT_EQ(sexpr(am->map.get()), "@m[k1, k2]");
  EXPECT_EQ(sexpr(am->value.get()), "(* $v 2)");

  s = stmt("$v = (1, 2)");
  ASSERT_EQ(s.stmt->kind, ast::StmtKind::AssignVar);
  auto *av = static_cast<const ast::AssignVar *>(s.stmt);
  EXPECT_EQ(av->var->name, "$v");
  EXPECT_FALSE(av->compound);
  EXPECT_EQ(sexpr(av->value.get()), "(tuple 1 2)");
}

TEST(ParserStmt, CompoundAssignments) {
  struct Case {
    const char *op;
    ast::BinaryOp expected;
  } cases[] = {
      {"+=", ast::BinaryOp::Add},   {"-=", ast::BinaryOp::Sub},    {"*=", ast::BinaryOp::Mul},
      {"/=", ast::BinaryOp::Div},   {"%=", ast::BinaryOp::Mod},    {"&=", ast::BinaryOp::BitAnd},
      {"|=", ast::BinaryOp::BitOr}, {"^=", ast::BinaryOp::BitXor}, {"<<=", ast::BinaryOp::Shl},
      {">>=", ast::BinaryOp::Shr},
  };
  for (const auto &c : cases) {
    OneStmt s = stmt(std::string("@m[1] ") + c.op + " 2");
    ASSERT_EQ(s.stmt->kind, ast::StmtKind::AssignMap) << c.op;
    auto *am = static_cast<const ast::AssignMap *>(s.stmt);
    EXPECT_TRUE(am->compound) << c.op;
    EXPECT_EQ(am->op, c.expected) << c.op;
    EXPECT_EQ(sexpr(am->map.get()), "@m[1]");

    s = stmt(std::string("$x ") + c.op + " 3 + 4");
    ASSERT_EQ(s.stmt->kind, ast::StmtKind::AssignVar) << c.op;
    auto *av = static_cast<const ast::AssignVar *>(s.stmt);
    EXPECT_TRUE(av->compound) << c.op;
    EXPECT_EQ(av->op, c.expected) << c.op;
    EXPECT_EQ(sexpr(av->value.get()), "(+ 3 4)");
  }
}

TEST(ParserStmt, Separators) {
  auto count = [](const std::string &body) -> size_t {
    Parsed r = parse("BEGIN { " + body + " }");
    EXPECT_TRUE(r.program) << body << "\n" << r.errors;
    return r.program ? r.program->probes[0]->body->stmts.size() : 0;
  };
  EXPECT_EQ(count(""), 0u);
  EXPECT_EQ(count(";;;"), 0u);
  EXPECT_EQ(count("a; b"), 2u);
  EXPECT_EQ(count("a; b;"), 2u);
  EXPECT_EQ(count(";a;;b;;"), 2u);
  EXPECT_EQ(count("if (a) { } b"), 2u);
  EXPECT_EQ(count("if (a) { } if (b) { } else { } c;"), 3u);
  EXPECT_EQ(count("{ a } { b; c } d"), 3u);
  EXPECT_EQ(count("a; if (a) { b }; c"), 3u);
  // Two simple statements need a `;` between them.
  EXPECT_FALSE(parse("BEGIN { a b }").program);
  EXPECT_FALSE(parse("BEGIN { @x = 1 @y = 2 }").program);
}

TEST(ParserStmt, NestedBlocks) {
  EXPECT_EQ(dump("BEGIN { { $x = 1; { $y } } }"), "Program\n"
                                                  " Probe\n"
                                                  "  AttachPoint BEGIN\n"
                                                  "  Block\n"
                                                  "   Block\n"
                                                  "    AssignVar\n"
                                                  "     Variable $x\n"
                                                  "     Integer 1\n"
                                                  "    Block\n"
                                                  "     ExprStmt\n"
                                                  "      Variable $y\n");
}

TEST(ParserStmt, IfElseChains) {
  OneStmt s = stmt("if (a) { x } else if (b) { y } else if (c) { z } else { w }");
  ASSERT_EQ(s.stmt->kind, ast::StmtKind::If);
  auto *i1 = static_cast<const ast::If *>(s.stmt);
  EXPECT_EQ(sexpr(i1->cond.get()), "a");
  ASSERT_EQ(i1->then_block->stmts.size(), 1u);
  ASSERT_TRUE(i1->else_block);
  ASSERT_EQ(i1->else_block->stmts.size(), 1u);
  ASSERT_EQ(i1->else_block->stmts[0]->kind, ast::StmtKind::If);
  auto *i2 = static_cast<const ast::If *>(i1->else_block->stmts[0].get());
  EXPECT_EQ(sexpr(i2->cond.get()), "b");
  // The else block of an else-if spans the `if ...` it holds.
  EXPECT_EQ(str(i1->else_block->loc), str(i2->loc));
  ASSERT_TRUE(i2->else_block);
  auto *i3 = static_cast<const ast::If *>(i2->else_block->stmts[0].get());
  ASSERT_EQ(i3->kind, ast::StmtKind::If);
  EXPECT_EQ(sexpr(i3->cond.get()), "c");
  ASSERT_TRUE(i3->else_block);
  ASSERT_EQ(i3->else_block->stmts.size(), 1u);
  EXPECT_EQ(i3->else_block->stmts[0]->kind, ast::StmtKind::Expr);

  s = stmt("if (a) { x }");
  EXPECT_EQ(static_cast<const ast::If *>(s.stmt)->else_block, nullptr);
}

// ---------------------------------------------------------------- locations

TEST(ParserLocation, Nodes) {
  //                        1         2         3
  //               123456789012345678901234567890123456789
  Parsed r = parse("BEGIN { @x[1, 2] = count() + $y * 3; }");
  ASSERT_TRUE(r.program) << r.errors;
  auto &probe = *r.program->probes[0];
  EXPECT_EQ(str(r.program->loc), "1:1-1:39");
  EXPECT_EQ(str(probe.loc), "1:1-1:39");
  EXPECT_EQ(str(probe.attach_points[0]->loc), "1:1-1:6");
  EXPECT_EQ(str(probe.body->loc), "1:7-1:39");
  auto *am = static_cast<const ast::AssignMap *>(probe.body->stmts[0].get());
  EXPECT_EQ(str(am->loc), "1:9-1:36");
  EXPECT_EQ(str(am->map->loc), "1:9-1:17");
  EXPECT_EQ(str(am->map->keys[0]->loc), "1:12-1:13");
  EXPECT_EQ(str(am->map->keys[1]->loc), "1:15-1:16");
  auto *add = static_cast<const ast::Binary *>(am->value.get());
  EXPECT_EQ(str(add->loc), "1:20-1:36");
  EXPECT_EQ(str(add->lhs->loc), "1:20-1:27");
  auto *mul = static_cast<const ast::Binary *>(add->rhs.get());
  EXPECT_EQ(str(mul->loc), "1:30-1:36");
  EXPECT_EQ(str(mul->lhs->loc), "1:30-1:32");
}

TEST(ParserLocation, ExpressionForms) {
  //                        1         2         3         4
  //               12345678901234567890123456789012345678901234567
  Parsed r = parse("k:f /(uint8)-$a.b > 0/ { $x = (1, \"s\"); $t.0++; }");
  ASSERT_TRUE(r.program) << r.errors;
  auto &probe = *r.program->probes[0];
  auto *gt = static_cast<const ast::Binary *>(probe.predicate.get());
  EXPECT_EQ(str(gt->loc), "1:6-1:22");
  auto *cast = static_cast<const ast::Cast *>(gt->lhs.get());
  EXPECT_EQ(str(cast->loc), "1:6-1:18");
  auto *neg = static_cast<const ast::Unary *>(cast->operand.get());
  EXPECT_EQ(str(neg->loc), "1:13-1:18");
  EXPECT_EQ(str(neg->operand->loc), "1:14-1:18");
  auto *av = static_cast<const ast::AssignVar *>(probe.body->stmts[0].get());
  EXPECT_EQ(str(av->loc), "1:26-1:39");
  EXPECT_EQ(str(av->var->loc), "1:26-1:28");
  EXPECT_EQ(str(av->value->loc), "1:31-1:39");
  auto *es = static_cast<const ast::ExprStmt *>(probe.body->stmts[1].get());
  EXPECT_EQ(str(es->loc), "1:41-1:47");
  auto *inc = static_cast<const ast::Unary *>(es->expr.get());
  EXPECT_TRUE(inc->postfix);
  EXPECT_EQ(str(inc->operand->loc), "1:41-1:45");
}

TEST(ParserLocation, ParenthesesAreNotPartOfTheInnerNode) {
  Parsed r = parse("BEGIN { (1 + 2) * 3 }");
  ASSERT_TRUE(r.program);
  auto *es = static_cast<const ast::ExprStmt *>(r.program->probes[0]->body->stmts[0].get());
  auto *mul = static_cast<const ast::Binary *>(es->expr.get());
  EXPECT_EQ(str(mul->loc), "1:9-1:20");
  EXPECT_EQ(str(mul->lhs->loc), "1:10-1:15");
}

TEST(ParserLocation, CallsStringsIfAndMultiline) {
  std::string src = "BEGIN\n"
                    "{\n"
                    "\tprintf(\"%d\\n\",\n"
                    "\t       pid);\n"
                    "  if ($x) { } else if ($y) { }\n"
                    "}\n";
  Parsed r = parse(src);
  ASSERT_TRUE(r.program) << r.errors;
  auto &probe = *r.program->probes[0];
  EXPECT_EQ(str(probe.loc), "1:1-6:2");
  EXPECT_EQ(str(probe.body->loc), "2:1-6:2");
  auto *call = static_cast<const ast::Call *>(
      static_cast<const ast::ExprStmt *>(probe.body->stmts[0].get())->expr.get());
  EXPECT_EQ(str(call->loc), "3:2-4:13"); // a tab counts as one column
  EXPECT_EQ(str(call->args[0]->loc), "3:9-3:15");
  EXPECT_EQ(str(call->args[1]->loc), "4:9-4:12");
  auto *i = static_cast<const ast::If *>(probe.body->stmts[1].get());
  EXPECT_EQ(str(i->loc), "5:3-5:31");
  EXPECT_EQ(str(i->cond->loc), "5:7-5:9");
  EXPECT_EQ(str(i->then_block->loc), "5:11-5:14");
  EXPECT_EQ(str(i->else_block->loc), "5:20-5:31");
}

// ---------------------------------------------------------------- syntax errors

TEST(ParserError, ExpectedExpression) {
  EXPECT_EQ(error("BEGIN { @x = ; }"), "stdin:1:14-15: ERROR: syntax: expected expression\n"
                                       "BEGIN { @x = ; }\n"
                                       "             ~\n");
  EXPECT_EQ(error("BEGIN { $x = 1 + ; }"), "stdin:1:18-19: ERROR: syntax: expected expression\n"
                                           "BEGIN { $x = 1 + ; }\n"
                                           "                 ~\n");
}

TEST(ParserError, UnexpectedToken) {
  EXPECT_EQ(error("BEGIN { f(; }"),
            "stdin:1:11-12: ERROR: syntax: unexpected ;, expecting ) or expression\n"
            "BEGIN { f(; }\n"
            "          ~\n");
  EXPECT_EQ(error("BEGIN { if x { } }"),
            "stdin:1:12-13: ERROR: syntax: unexpected identifier, expecting (\n"
            "BEGIN { if x { } }\n"
            "           ~\n");
  EXPECT_EQ(error("BEGIN { @x = 1 }}"),
            "stdin:1:17-18: ERROR: syntax: unexpected }, expecting end of file or attach point\n"
            "BEGIN { @x = 1 }}\n"
            "                ~\n");
  EXPECT_EQ(error("BEGIN { @x = 1 @y = 2 }"), "stdin:1:16-18: ERROR: syntax: unexpected map\n"
                                              "BEGIN { @x = 1 @y = 2 }\n"
                                              "               ~~\n");
  EXPECT_EQ(error("BEGIN\n"),
            "stdin:1:6-7: ERROR: syntax: unexpected end of file, expecting {, ',' or /\n"
            "BEGIN\n"
            "     ~\n");
}

TEST(ParserError, InvalidCharacter) {
  EXPECT_EQ(error("BEGIN {\n  @x = 1 # 2;\n}"),
            "stdin:2:10-11: ERROR: syntax: invalid character '#'\n"
            "  @x = 1 # 2;\n"
            "         ~\n");
  std::string nul = std::string("BEGIN { ") + '\0' + " }";
  EXPECT_EQ(error(nul), "stdin:1:9-10: ERROR: syntax: invalid character '\\x00'\n" + nul +
                            "\n"
                            "        ~\n");
  EXPECT_NE(error("BEGIN { \xff }").find("invalid character '\\xff'"), std::string::npos);
}

TEST(ParserError, Unterminated) {
  EXPECT_EQ(error("BEGIN {\n  if ($x) {\n    @a = 1;\n"),
            "stdin:2:11-12: ERROR: syntax: unterminated block\n"
            "  if ($x) {\n"
            "          ~\n");
  EXPECT_EQ(error("BEGIN { printf(\"%d\", 1"), "stdin:1:15-16: ERROR: syntax: unmatched '('\n"
                                               "BEGIN { printf(\"%d\", 1\n"
                                               "              ~\n");
  // A wrong closing bracket is an unexpected token.
  EXPECT_EQ(error("BEGIN { f(1 }"), "stdin:1:13-14: ERROR: syntax: unexpected }\n"
                                    "BEGIN { f(1 }\n"
                                    "            ~\n");
  EXPECT_EQ(error("BEGIN { $x = \"abc }\n"), "stdin:1:14-20: ERROR: syntax: unterminated string\n"
                                             "BEGIN { $x = \"abc }\n"
                                             "             ~~~~~~\n");
  EXPECT_EQ(error("BEGIN { } /* never\nclosed"),
            "stdin:1:11-13: ERROR: syntax: unterminated comment\n"
            "BEGIN { } /* never\n"
            "          ~~\n");
  EXPECT_EQ(error("k:f / pid == 1"), "stdin:1:5-6: ERROR: syntax: unterminated predicate\n"
                                     "k:f / pid == 1\n"
                                     "    ~\n");
  EXPECT_EQ(error("uprobe:./a:\"f(int) { }"),
            "stdin:1:12-23: ERROR: syntax: unterminated string in attach point\n"
            "uprobe:./a:\"f(int) { }\n"
            "           ~~~~~~~~~~~\n");
}

TEST(ParserError, BadLiterals) {
  EXPECT_EQ(error("BEGIN { @x = 99999999999999999999; }"),
            "stdin:1:14-34: ERROR: syntax: integer literal '99999999999999999999' is out of "
            "range\n"
            "BEGIN { @x = 99999999999999999999; }\n"
            "             ~~~~~~~~~~~~~~~~~~~~\n");
  EXPECT_EQ(error("BEGIN { @x = 0x10000000000000000; }").find("out of range") != std::string::npos,
            true);
  EXPECT_NE(error("BEGIN { 09 }").find("syntax: invalid integer literal '09'"), std::string::npos);
  EXPECT_NE(error("BEGIN { 0b12 }").find("invalid integer literal"), std::string::npos);
  EXPECT_NE(error("BEGIN { 0x }").find("invalid integer literal"), std::string::npos);
  EXPECT_NE(error("BEGIN { 12abc }").find("invalid integer literal"), std::string::npos);
  EXPECT_EQ(error("BEGIN { \"a\\qb\" }"), "stdin:1:11-13: ERROR: syntax: invalid escape "
                                          "sequence '\\q'\n"
                                          "BEGIN { \"a\\qb\" }\n"
                                          "          ~~\n");
  EXPECT_NE(error("BEGIN { \"\\xzz\" }").find("invalid escape"), std::string::npos);
  EXPECT_NE(error("BEGIN { \"\\777\" }").find("out of range"), std::string::npos);
  EXPECT_NE(error("BEGIN { (bool[4])1 }").find("only string and integer types take a size"),
            std::string::npos);
}

TEST(ParserError, MiscSyntax) {
  for (const char *src : {
           "",
           "   \n  // only a comment\n",
           "{ }",
           "BEGIN",
           "BEGIN { } }",
           "BEGIN }",
           "BEGIN, { }",
           ",BEGIN { }",
           "BEGIN / / { }",
           "BEGIN { @x[] = 1 }",
           "BEGIN { @x[1 = 2 }",
           "BEGIN { (1,) }",
           "BEGIN { () }",
           "BEGIN { f(1,) }",
           "BEGIN { $x = = 1 }",
           "BEGIN { 1 = 2 }",
           "BEGIN { if ($x) @y = 1; }",
           "BEGIN { if ($x) { } else }",
           "BEGIN { else { } }",
           "BEGIN { $ }",
           "BEGIN { (uint32) }",
           "BEGIN { x. }",
           "BEGIN { a ? b }",
           "BEGIN { a ? b : }",
           "BEGIN { $x.999999999999 }",
           "BEGIN { (] }",
           "BEGIN { $99999999999 }",
       }) {
    Parsed r = parse(src);
    EXPECT_FALSE(r.program) << src;
    ASSERT_EQ(r.error_count, 1u) << src << "\n" << r.errors;
    EXPECT_EQ(r.errors.find("ERROR: syntax: "), r.errors.find("ERROR:")) << r.errors;
  }
}

// ---------------------------------------------------------------- robustness

TEST(ParserLimits, DeepParentheses) {
  std::string ok = "BEGIN { " + std::string(200, '(') + "1" + std::string(200, ')') + " }";
  EXPECT_TRUE(parse(ok).program);
  std::string deep = "BEGIN { " + std::string(100000, '(') + "1" + std::string(100000, ')') + " }";
  Parsed r = parse(deep);
  EXPECT_FALSE(r.program);
  ASSERT_EQ(r.error_count, 1u);
  // The 256th bracket, counting the block's `{`, is the last one allowed.
  EXPECT_EQ(r.errors.substr(0, r.errors.find('\n')),
            "stdin:1:264-265: ERROR: syntax: nesting too deep");
}

TEST(ParserLimits, DeepBlocksAndCalls) {
  std::string blocks = "BEGIN " + std::string(5000, '{') + std::string(5000, '}');
  EXPECT_NE(error(blocks).find("syntax: nesting too deep"), std::string::npos);
  std::string calls = "BEGIN { ";
  for (int i = 0; i < 5000; i++)
    calls += "f(";
  calls += std::string(5000, ')') + " }";
  EXPECT_NE(error(calls).find("syntax: nesting too deep"), std::string::npos);
  std::string maps = "BEGIN { ";
  for (int i = 0; i < 5000; i++)
    maps += "@[";
  EXPECT_NE(error(maps).find("syntax: nesting too deep"), std::string::npos);
}

TEST(ParserLimits, DeepTreesWithoutBrackets) {
  // Long operator chains and else-if chains nest the tree without any bracket.
  std::string sum = "BEGIN { $x = 1";
  for (int i = 0; i < 500; i++)
    sum += " + 1";
  EXPECT_TRUE(parse(sum + "; }").program);
  for (int i = 0; i < 100000; i++)
    sum += " + 1";
  EXPECT_NE(error(sum + "; }").find("syntax: nesting too deep"), std::string::npos);

  EXPECT_NE(error("BEGIN { " + std::string(100000, '-') + "1 }").find("nesting too deep"),
            std::string::npos);
  EXPECT_NE(error("BEGIN { " + std::string(100000, '!') + "1 }").find("nesting too deep"),
            std::string::npos);
  std::string fields = "BEGIN { x";
  for (int i = 0; i < 100000; i++)
    fields += ".a";
  EXPECT_NE(error(fields + " }").find("nesting too deep"), std::string::npos);
  std::string ternary = "BEGIN { ";
  for (int i = 0; i < 100000; i++)
    ternary += "a ? b : ";
  EXPECT_NE(error(ternary + "c }").find("nesting too deep"), std::string::npos);
  std::string chain = "BEGIN { if (a) { }";
  for (int i = 0; i < 100000; i++)
    chain += " else if (a) { }";
  EXPECT_NE(error(chain + " }").find("nesting too deep"), std::string::npos);
}

TEST(ParserLimits, ManyProbesAndStatements) {
  std::string src;
  for (int i = 0; i < 2000; i++)
    src += "k:f" + std::to_string(i) + " { @x[" + std::to_string(i) + "] = 1; $y = 2 }\n";
  Parsed r = parse(src);
  ASSERT_TRUE(r.program) << r.errors;
  EXPECT_EQ(r.program->probes.size(), 2000u);
  std::string body = "BEGIN {";
  for (int i = 0; i < 100000; i++)
    body += " @x = 1;";
  r = parse(body + " }");
  ASSERT_TRUE(r.program);
  EXPECT_EQ(r.program->probes[0]->body->stmts.size(), 100000u);
}

// Every failure reports exactly one error, with a place in the source.
void expect_handled(const std::string &src) {
  Parsed r = parse(src);
  if (r.program) {
    EXPECT_EQ(r.error_count, 0u);
    dump_ast(*r.program);
  } else {
    ASSERT_EQ(r.error_count, 1u) << r.errors;
    EXPECT_NE(r.errors.find("ERROR: syntax: "), std::string::npos) << r.errors;
    EXPECT_EQ(r.errors.rfind("stdin:", 0), 0u) << r.errors;
  }
}

TEST(ParserRobustness, RandomBytes) {
  std::mt19937 rng(12345);
  for (int i = 0; i < 3000; i++) {
    std::string src(rng() % 200, '\0');
    for (auto &c : src)
      c = static_cast<char>(rng() % 256);
    expect_handled(src);
  }
}

TEST(ParserRobustness, NulAndInvalidUtf8) {
  expect_handled(std::string(1, '\0'));
  expect_handled(std::string(100, '\0'));
  expect_handled(std::string("BEGIN { @x = \"\0\"; }", 19));
  expect_handled(std::string("BEGIN\0{ }", 9));
  expect_handled("BEGIN { @x = \"\xc3\x28\xa0\xa1\"; }");
  expect_handled("\xff\xfe\xfd { }");
  expect_handled("k:f /\xc0\xaf/ { }");
}

TEST(ParserRobustness, MutatedPrograms) {
  const std::string base =
      "#!/usr/bin/env bpftrace\n"
      "tracepoint:syscalls:sys_enter_openat, k:f+1 /pid == $1 && comm != \"a\\n\"/ {\n"
      "  @[comm, tid] = count(); $x += (uint32)args->flags.0 << 2 ? -1 : ~0x1_0;\n"
      "  if ($x > 1) { printf(\"%d\\n\", $x++); } else if (!$y) { @m = (1, \"s\"); }\n"
      "  /* c */ // d\n"
      "}\n"
      "interval:s:1 { exit(); }\n";
  expect_handled(base);
  ASSERT_TRUE(parse(base).program) << parse(base).errors;
  const std::string alphabet = "(){}[]/\\*\"'$@#,;:.-+!~<>=&|^%?0x1a \n\t";
  std::mt19937 rng(777);
  for (int i = 0; i < 5000; i++) {
    std::string src = base;
    int edits = 1 + rng() % 4;
    for (int e = 0; e < edits && !src.empty(); e++) {
      size_t pos = rng() % src.size();
      switch (rng() % 3) {
      case 0:
        src.erase(pos, 1 + rng() % 3);
        break;
      case 1:
        src.insert(pos, 1, alphabet[rng() % alphabet.size()]);
        break;
      default:
        src[pos] = static_cast<char>(rng() % 256);
      }
    }
    expect_handled(src);
  }
}

TEST(ParserRobustness, TruncatedPrograms) {
  const std::string base = "k:f /pid/ { @x[1] = (uint8)\"s\\x41\" + $t.0; if (a) { b } else { c } "
                           "} /* x */ END { print((1, 2)) }";
  for (size_t n = 0; n <= base.size(); n++)
    expect_handled(base.substr(0, n));
}

} // namespace
} // namespace bpfscope

namespace {

TEST(ParserLoops, WhileUnrollAndJumps) {
  std::string src = "BEGIN { while ($i < 3) { $i++; continue; break; } unroll(2) { return; } }";
  bpfscope::Diagnostics d("stdin", src);
  auto program = bpfscope::parse_program(src, d);
  ASSERT_TRUE(program);
  std::string dump = bpfscope::dump_ast(*program);
  EXPECT_NE(dump.find("While"), std::string::npos) << dump;
  EXPECT_NE(dump.find("Continue"), std::string::npos) << dump;
  EXPECT_NE(dump.find("Break"), std::string::npos) << dump;
  EXPECT_NE(dump.find("Unroll"), std::string::npos) << dump;
  EXPECT_NE(dump.find("Return"), std::string::npos) << dump;
}

TEST(ParserLoops, ForOverARangeAndOverAMap) {
  std::string src = "BEGIN { $n = 4; for ($i : 1..$n) { } for ($kv : @m) { break; } }";
  bpfscope::Diagnostics d("stdin", src);
  auto program = bpfscope::parse_program(src, d);
  ASSERT_TRUE(program);
  std::string dump = bpfscope::dump_ast(*program);
  EXPECT_NE(dump.find("For\n    Variable $i\n    Range\n     Integer 1\n     Variable $n"),
            std::string::npos)
      << dump;
  EXPECT_NE(dump.find("For\n    Variable $kv\n    Map @m\n    Body\n     Break"), std::string::npos)
      << dump;
}

TEST(ParserLoops, ForNeedsAVariableAndARangeOrMap) {
  for (std::string src : {"BEGIN { for (@m : @x) { } }", "BEGIN { for ($i : 1, 2) { } }",
                          "BEGIN { for ($i in @m) { } }"}) {
    bpfscope::Diagnostics d("stdin", src);
    EXPECT_FALSE(bpfscope::parse_program(src, d)) << src;
    ASSERT_FALSE(d.all().empty()) << src;
    EXPECT_NE(d.render(d.all()[0]).find("ERROR: syntax"), std::string::npos) << src;
  }
  // `for` not followed by `(` is still an identifier (a field name, say).
  std::string src = "tracepoint:a:b { $x = args.for; }";
  bpfscope::Diagnostics d("stdin", src);
  EXPECT_TRUE(bpfscope::parse_program(src, d));
}

} // namespace

namespace {

// The integer a one-expression program prints, from the AST dump.
std::string literal_value(const std::string &literal) {
  std::string src = "BEGIN { $x = " + literal + "; }";
  bpfscope::Diagnostics d("stdin", src);
  auto program = bpfscope::parse_program(src, d);
  if (!program)
    return d.all().empty() ? "?" : d.render(d.all()[0]);
  std::string dump = bpfscope::dump_ast(*program);
  size_t at = dump.find("Integer ");
  return at == std::string::npos ? dump : dump.substr(at + 8, dump.find('\n', at) - at - 8);
}

TEST(ParserLiterals, DurationsAreNanoseconds) {
  EXPECT_EQ(literal_value("100ns"), "100");
  EXPECT_EQ(literal_value("5us"), "5000");
  EXPECT_EQ(literal_value("10ms"), "10000000");
  EXPECT_EQ(literal_value("1s"), "1000000000");
  EXPECT_EQ(literal_value("1m"), "60000000000");
  EXPECT_EQ(literal_value("2h"), "7200000000000");
  EXPECT_EQ(literal_value("1d"), "86400000000000");
  EXPECT_EQ(literal_value("1_500ms"), "1500000000");
  EXPECT_NE(literal_value("300000d").find("is out of range"), std::string::npos);
  EXPECT_NE(literal_value("1ks").find("invalid integer literal '1ks'"), std::string::npos);
}

TEST(ParserLiterals, CSuffixesAndScientificForm) {
  EXPECT_EQ(literal_value("123UL"), "123");
  EXPECT_EQ(literal_value("123u"), "123");
  EXPECT_EQ(literal_value("123LL"), "123");
  EXPECT_EQ(literal_value("0xffull"), "255");
  EXPECT_EQ(literal_value("0x1d"), "29"); // a hex digit, not a day
  EXPECT_EQ(literal_value("2e3"), "2000");
  EXPECT_EQ(literal_value("1e19"), "10000000000000000000");
  EXPECT_NE(literal_value("1e20").find("out of range"), std::string::npos);
}

} // namespace

namespace {

TEST(ParserBlockExpr, BlocksAsAssignedValuesAndArguments) {
  std::string src = "BEGIN { $x = { let $y = 2; $y + 1 }; print({ 1 }); @m = { \"s\" }; }";
  bpfscope::Diagnostics d("stdin", src);
  auto program = bpfscope::parse_program(src, d);
  ASSERT_TRUE(program) << (d.all().empty() ? "" : d.render(d.all()[0]));
  std::string dump = bpfscope::dump_ast(*program);
  EXPECT_NE(dump.find("AssignVar\n    Variable $x\n    BlockExpr\n     Block\n      AssignVar\n"
                      "       Variable $y\n       Integer 2\n     Binary +"),
            std::string::npos)
      << dump;
  EXPECT_NE(dump.find("Call print\n     BlockExpr\n      Block\n      Integer 1"),
            std::string::npos)
      << dump;
}

TEST(ParserBlockExpr, TheLastStatementMustBeAnExpression) {
  for (std::string src : {"BEGIN { $x = { let $y = 2; }; }", "BEGIN { $x = { $y = 2 }; }"}) {
    bpfscope::Diagnostics d("stdin", src);
    EXPECT_FALSE(bpfscope::parse_program(src, d)) << src;
    ASSERT_FALSE(d.all().empty());
    EXPECT_NE(d.render(d.all()[0]).find("ERROR: syntax"), std::string::npos) << src;
  }
}

} // namespace

namespace {

TEST(ParserMapDecl, DeclarationsBeforeTheProbes) {
  std::string src = "// maps\nlet @a = lruhash(100);\nlet @ = percpuhash(2);\nBEGIN { @a[1] = 1; }";
  bpfscope::Diagnostics d("stdin", src);
  auto program = bpfscope::parse_program(src, d);
  ASSERT_TRUE(program) << (d.all().empty() ? "" : d.render(d.all()[0]));
  ASSERT_EQ(program->map_decls.size(), 2u);
  EXPECT_EQ(program->map_decls[0]->name, "@a");
  EXPECT_EQ(program->map_decls[0]->map_type, "lruhash");
  EXPECT_EQ(program->map_decls[0]->max_entries, 100u);
  EXPECT_EQ(program->map_decls[0]->loc.begin_line, 2);
  EXPECT_EQ(program->map_decls[1]->name, "@");
  ASSERT_EQ(program->probes.size(), 1u);
}

TEST(ParserMapDecl, MalformedDeclarations) {
  for (std::string src : {"let @a = hash(2) BEGIN { }", "let @a = hash() ; BEGIN { }",
                          "let @a = hash(\"x\"); BEGIN { }", "BEGIN { } let @a = hash(2);"}) {
    bpfscope::Diagnostics d("stdin", src);
    EXPECT_FALSE(bpfscope::parse_program(src, d)) << src;
    ASSERT_FALSE(d.all().empty()) << src;
    EXPECT_NE(d.render(d.all()[0]).find("ERROR: syntax"), std::string::npos)
        << src << d.render(d.all()[0]);
  }
}

} // namespace

namespace {

TEST(ParserIndex, MapKeysStayKeysAndValuesCanBeIndexed) {
  EXPECT_EQ(bpfscope::expr("@m[1][0]"), "@m[1][0]");
  EXPECT_EQ(bpfscope::expr("$t[1 - 1].0"), "(. $t[(- 1 1)] 0)");
  EXPECT_EQ(bpfscope::expr("-$s[2]"), "(- $s[2])");
}

} // namespace
