// The last pieces of bpftrace v0.26's language: functions written without parentheses,
// delete()'s boolean, `==` on tuples, records and integer arrays, `typedef` in scripts, block
// expressions as operands, and len() of histogram maps. Parser and semantic pass, and codegen
// through the running kernel's verifier (programs loaded, attached nowhere).

#include "analysis_support.h"
#include "parser/parse.h"
#include "test_support.h"

#include <gtest/gtest.h>

using namespace bpfscope;
using bpfscope::testing::analyse;
using bpfscope::testing::error_of;
using bpfscope::testing::load_all;
using bpfscope::testing::var_type;

namespace {

// ---------------------------------------------------------------- bare calls

TEST(BareCalls, FunctionsWithOptionalArgumentsNeedNoParentheses) {
  EXPECT_EQ(var_type("BEGIN { $n = default_str_length; }", "$n"), "int64");
  auto a = analyse("BEGIN { $n = default_str_length + 1; exit }");
  ASSERT_TRUE(a.ok) << a.errors;
  // The bare name became a call, so it is the same constant as default_str_length().
  auto &assign = static_cast<ast::AssignVar &>(*a.program->probes[0]->body->stmts[0]);
  auto &sum = static_cast<ast::Binary &>(*assign.value);
  ASSERT_EQ(sum.lhs->kind, ast::ExprKind::Call);
  EXPECT_EQ(static_cast<ast::Call &>(*sum.lhs).name, "default_str_length");
  auto &exit_stmt = static_cast<ast::ExprStmt &>(*a.program->probes[0]->body->stmts[1]);
  ASSERT_EQ(exit_stmt.expr->kind, ast::ExprKind::Call);
  EXPECT_EQ(static_cast<ast::Call &>(*exit_stmt.expr).name, "exit");
}

TEST(BareCalls, StillChecked) {
  // exit() has no value: a bare `exit` is no value either.
  EXPECT_NE(error_of("BEGIN { $x = exit; }").find("exit() does not return a value"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { print(no_such_function); }").find("Unknown identifier"),
            std::string::npos);
}

TEST(BareCalls, PassTheVerifier) {
  EXPECT_EQ(load_all("BEGIN { printf(\"%d\\n\", default_str_length); time; exit }"), "");
}

// ---------------------------------------------------------------- delete()'s value

TEST(DeleteResult, IsABoolean) {
  EXPECT_EQ(var_type("BEGIN { @a[1] = 1; $d = delete(@a, 1); }", "$d"), "bool");
  EXPECT_EQ(var_type("BEGIN { @a[1] = 1; $d = delete(@a[1]); }", "$d"), "bool");
  EXPECT_EQ(var_type("BEGIN { @a = 1; $d = delete(@a); }", "$d"), "bool");
  // Still a statement of its own too.
  EXPECT_TRUE(analyse("BEGIN { @a[1] = 1; delete(@a, 1); }").ok);
}

TEST(DeleteResult, PassesTheVerifier) {
  EXPECT_EQ(load_all("BEGIN { @a[1] = 1; if (delete(@a, 1)) { print(1); } "
                     "@b = delete(@a, 2); @c = count(); $x = delete(@c); print($x); }"),
            "");
}

// ---------------------------------------------------------------- == on composite values

TEST(CompositeEquality, SameShapesCompare) {
  EXPECT_EQ(var_type("BEGIN { $x = 1; $s = \"a\"; $e = (1, \"a\") == ($x, $s); }", "$e"), "bool");
  EXPECT_EQ(
      var_type("BEGIN { $r = (name = \"x\", size = 2); $e = $r == (size = 2, name = \"y\"); }",
               "$e"),
      "bool");
  EXPECT_EQ(var_type("BEGIN { $e = (uint8[4])(uint32)1 != (uint8[4])(uint32)2; }", "$e"), "bool");
  // Elements of other widths and sizes, nested tuples, arrays of other element widths.
  EXPECT_TRUE(
      analyse("BEGIN { $e = ((int8)1, (\"ab\", 2)) == ((uint64)1, (comm, (int16)2)); }").ok);
  EXPECT_TRUE(analyse("BEGIN { $e = (uint8[4])(uint32)1 == (uint16[4])(uint64)1; }").ok);
}

TEST(CompositeEquality, OtherShapesAreTypeMismatches) {
  EXPECT_NE(error_of("BEGIN { $e = (1, \"a\") == (1, 2); }")
                .find("Type mismatch for '==': comparing '(int8,string[2])' with '(int8,int8)'"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { $e = (1, 2) != (1, 2, 3); }").find("Type mismatch for '!='"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { $e = (a = 1) == (b = 1); }").find("Type mismatch for '=='"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { $e = (a = 1) == (1); }").find("Type mismatch for '=='"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { $e = (uint8[4])(uint32)1 == (uint8[2])(uint16)1; }")
                .find("comparing 'uint8[4]' with 'uint8[2]'"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { $e = (1, kstack) == (1, kstack); }").find("Type mismatch"),
            std::string::npos);
  // Only equality: tuples have no order.
  EXPECT_NE(error_of("BEGIN { $e = (1, 2) < (1, 2); }").find("Invalid operands for '<'"),
            std::string::npos);
}

TEST(CompositeEquality, PassesTheVerifier) {
  EXPECT_EQ(load_all("BEGIN { $x = 1; $s = comm; @a = (1, \"a\") == ($x, $s); "
                     "$r = (name = comm, size = 2); @b = $r != (size = 2, name = \"bpfscope\"); "
                     "@c = (uint8[4])(uint32)pid == (uint8[4])(uint32)tid; "
                     "@d = (uint8[4])(uint32)pid == (uint16[4])(uint64)tid; "
                     "if (((1, (2, comm)), 3) == ((1, (2, \"x\")), $x)) { print(1); } }"),
            "");
}

// ---------------------------------------------------------------- typedef

// The value of `sizeof(...)`/`offsetof(...)` printed by the first statement of `src`.
uint64_t size_of(const std::string &src) {
  auto a = analyse(src);
  EXPECT_TRUE(a.ok) << a.errors;
  if (!a.ok)
    return 0;
  auto &stmt = static_cast<ast::AssignVar &>(*a.program->probes[0]->body->stmts[0]);
  return static_cast<ast::TypeQuery &>(*stmt.value).value;
}

// The type of the value the first statement of `src` assigns (variables themselves hold 64 bits).
std::string assigned_type(const std::string &src) {
  auto a = analyse(src);
  EXPECT_TRUE(a.ok) << a.errors;
  if (!a.ok)
    return "<none>";
  return static_cast<ast::AssignVar &>(*a.program->probes[0]->body->stmts[0]).value->type.name();
}

TEST(Typedefs, NameTypesForSizeofCastsMembersAndLet) {
  const std::string defs = "typedef unsigned int u32_t; typedef struct foo foo_t; "
                           "struct foo { int q; long r; }; "
                           "struct x { u32_t a; foo_t *f; foo_t g; }; "
                           "typedef struct { char n[8]; u32_t v; } pair_t; "
                           "typedef u32_t arr_t[4]; typedef long *lp_t;\n";
  EXPECT_EQ(size_of(defs + "BEGIN { $s = sizeof(u32_t); }"), 4u);
  EXPECT_EQ(size_of(defs + "BEGIN { $s = sizeof(foo_t); }"), 16u);
  // u32 a; 4 padding; foo_t *f; foo_t g (16 bytes, aligned 8).
  EXPECT_EQ(size_of(defs + "BEGIN { $s = sizeof(struct x); }"), 32u);
  EXPECT_EQ(size_of(defs + "BEGIN { $s = offsetof(struct x, g); }"), 16u);
  EXPECT_EQ(size_of(defs + "BEGIN { $s = sizeof(pair_t); }"), 12u);
  EXPECT_EQ(size_of(defs + "BEGIN { $s = sizeof(arr_t); }"), 16u);
  EXPECT_EQ(size_of(defs + "BEGIN { $s = sizeof(lp_t); }"), 8u);
  EXPECT_EQ(assigned_type(defs + "BEGIN { $v = (u32_t)(-1); }"), "uint32");
  EXPECT_EQ(assigned_type(defs + "BEGIN { let $v: u32_t = 7; }"), "uint32");
  EXPECT_EQ(assigned_type(defs + "BEGIN { let $v: u32_t; }"), "uint32");
  EXPECT_EQ(var_type(defs + "BEGIN { $p = (pair_t *)0; $n = $p->n; }", "$n"), "string[8]");
}

TEST(Typedefs, Errors) {
  EXPECT_NE(error_of("typedef int u32; BEGIN { exit(); }")
                .find("Invalid type definition: cannot redefine the built-in type u32"),
            std::string::npos);
  EXPECT_NE(error_of("typedef int; BEGIN { exit(); }").find("expected `typedef TYPE NAME;`"),
            std::string::npos);
  // Resolved when used: a typedef of a type never defined is unknown there.
  EXPECT_NE(error_of("typedef struct nope nope_t; BEGIN { $x = (nope_t *)0; }")
                .find("Unknown type: 'nope_t'"),
            std::string::npos);
  EXPECT_NE(error_of("typedef a_t b_t; typedef b_t a_t; BEGIN { $x = sizeof(a_t); }")
                .find("Unknown identifier: 'a_t'"),
            std::string::npos);
}

TEST(Typedefs, PassTheVerifier) {
  EXPECT_EQ(load_all("typedef unsigned short u16_t; struct s { u16_t a; u16_t b; }; "
                     "typedef struct s s_t;\n"
                     "BEGIN { let $v: u16_t = pid; $p = (s_t *)curtask; print(($v, $p->b)); }"),
            "");
}

// ---------------------------------------------------------------- blocks as left operands

// The AST dump of a program that must parse.
std::string dump(const std::string &src) {
  Diagnostics diags("stdin", src);
  auto program = parse_program(src, diags);
  EXPECT_TRUE(program) << src;
  return program ? dump_ast(*program) : "";
}

TEST(BlockOperands, ABlockStartingAStatementIsTheOperatorsLeftOperand) {
  // Both parse to the same binary expression with a block expression on its left.
  std::string stmt = dump("BEGIN { { 1 } + 2; }");
  std::string paren = dump("BEGIN { ({ 1 }) + 2; }");
  EXPECT_EQ(stmt, paren);
  EXPECT_EQ(dump("BEGIN { $x = { 1 } + 2; }"), dump("BEGIN { $x = ({ 1 }) + 2; }"));
  // Precedence as for any operand.
  EXPECT_EQ(dump("BEGIN { $x = { 1 } * 2 + 3; }"), dump("BEGIN { $x = (({ 1 }) * 2) + 3; }"));
  EXPECT_EQ(dump("BEGIN { $x = { 1 } + 2 * 3; }"), dump("BEGIN { $x = ({ 1 }) + (2 * 3); }"));
  // A block statement followed by another statement stays a block.
  EXPECT_EQ(dump("BEGIN { { print(1) } print(2); }"), dump("BEGIN { { print(1); } print(2); }"));
  EXPECT_EQ(var_type("BEGIN { $x = { let $a = 3; $a } * 2; }", "$x"), "int64");
}

TEST(BlockOperands, ABlockValueEndsWithAnExpression) {
  Diagnostics diags("stdin", "BEGIN { $x = { $a = 1; } + 2; }");
  EXPECT_FALSE(parse_program("BEGIN { $x = { $a = 1; } + 2; }", diags));
  ASSERT_FALSE(diags.all().empty());
  EXPECT_NE(diags.all()[0].message.find("a block used as a value must end with an expression"),
            std::string::npos);
}

TEST(BlockOperands, PassTheVerifier) {
  EXPECT_EQ(load_all("BEGIN { { 1 } + 2; $x = { let $a = pid; $a } + 2; "
                     "if ({ $x } > 1) { print($x); } }"),
            "");
}

} // namespace
