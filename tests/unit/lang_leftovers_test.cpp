// The last pieces of bpftrace v0.26's language: functions written without parentheses,
// delete()'s boolean, `==` on tuples, records and integer arrays, `typedef` in scripts, block
// expressions as operands, and len() of histogram maps. Parser and semantic pass, and codegen
// through the running kernel's verifier (programs loaded, attached nowhere).

#include "codegen/codegen.h"
#include "load_support.h"
#include "parser/parse.h"
#include "test_support.h"

#include <gtest/gtest.h>

using namespace bpfscope;
using bpfscope::testing::analyse;

namespace {

// The errors of a program that must not pass the semantic pass.
std::string error_of(const std::string &src) {
  auto a = analyse(src);
  EXPECT_FALSE(a.ok) << src;
  return a.errors;
}

// The type of variable `name` in the first probe of `src` (which must be accepted).
std::string var_type(const std::string &src, const std::string &name) {
  auto a = analyse(src);
  EXPECT_TRUE(a.ok) << a.errors;
  if (!a.ok || !a.info.probes[0].variables.count(name))
    return "<none>";
  return a.info.probes[0].variables.at(name).name();
}

// Compiles `src` and hands every program to the verifier: "" or the first error.
std::string load_all(const std::string &src) {
  auto a = analyse(src);
  if (!a.ok)
    return "analysis failed: " + a.errors;
  Diagnostics diags("stdin", src);
  CompiledObject object;
  if (!compile_program(*a.program, a.info, {}, object, diags))
    return "compile failed";
  return bpfscope::testing::load_every_program(a.info, object);
}

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

} // namespace
