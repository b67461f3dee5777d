// User-defined functions (parser/function_inline.h): header reading, inlining, and the checks of
// the inliner and of the semantic pass.
#include "parser/script.h"
#include "parser/semantic.h"
#include "test_support.h"

#include <gtest/gtest.h>

namespace bpfscope {
namespace {

struct Loaded {
  bool ok = false;
  std::string errors; // rendered diagnostics of loading
  std::string ast;
  Script script;
};

Loaded load(const std::string &text) {
  Loaded l;
  ScriptInput in;
  in.filename = "stdin";
  in.apply_env = false;
  Diagnostics diags("stdin", text);
  l.ok = load_script(text, in, l.script, diags);
  for (auto &d : diags.all())
    l.errors += diags.render(d);
  if (l.ok)
    l.ast = dump_ast(*l.script.program);
  return l;
}

// The semantic pass's messages (and hints) for a loaded script.
std::string analyse(Loaded &l, const std::string &text) {
  Diagnostics diags("stdin", text);
  testing::FakeResolver resolver;
  ProgramInfo info;
  SemanticOptions opts;
  analyse_program(*l.script.program, resolver, opts, info, diags);
  std::string out;
  for (auto &d : diags.all())
    out += diags.render(d);
  return out;
}

TEST(Function, CallsAreInlinedWithRenamedVariables) {
  std::string text = "fn add($a: int64, $b: int64): int64 { $s = $a + $b; return $s; }\n"
                     "BEGIN { $s = 1; @x = add($s, 2); }";
  auto l = load(text);
  ASSERT_TRUE(l.ok) << l.errors;
  EXPECT_EQ(l.ast.find("Call add"), std::string::npos) << l.ast;
  EXPECT_NE(l.ast.find("Variable $a__add_1"), std::string::npos) << l.ast;
  EXPECT_NE(l.ast.find("Variable $s__add_1"), std::string::npos) << l.ast;
  EXPECT_EQ(analyse(l, text), "");
}

TEST(Function, NestedCallsAndStringsTypeCheck) {
  std::string text = "fn twice($x: int32): int64 { return $x * 2; }\n"
                     "fn quad($x: int64): int64 { return twice(twice($x)); }\n"
                     "fn name($n: int64): string { if ($n > 1) { return \"many\"; } else {"
                     " return \"one\"; } }\n"
                     "fn say($s: string): void { printf(\"%s\\n\", $s); return; }\n"
                     "BEGIN { say(name(quad(3))); }";
  auto l = load(text);
  ASSERT_TRUE(l.ok) << l.errors;
  EXPECT_EQ(analyse(l, text), "");
}

TEST(Function, ArgumentTypeMismatchPointsAtTheArgument) {
  std::string text = "fn f($a: int64): int64 { return $a; }\nBEGIN { print(f(\"x\")); }";
  auto l = load(text);
  ASSERT_TRUE(l.ok) << l.errors;
  EXPECT_EQ(analyse(l, text),
            "stdin:2:17-20: ERROR: Function 'f' expects int64 for parameter $a, not string[2]\n"
            "BEGIN { print(f(\"x\")); }\n"
            "                ~~~\n"
            "HINT: parameter declared at line 1, column 10\n");
}

TEST(Function, ReturnTypeMismatch) {
  std::string text = "fn f(): string { return 1; }\nBEGIN { print(f()); }";
  auto l = load(text);
  ASSERT_TRUE(l.ok) << l.errors;
  EXPECT_NE(analyse(l, text).find("Function 'f' is of type string, cannot return int8"),
            std::string::npos);
}

TEST(Function, LoadErrors) {
  struct Case {
    const char *text, *error;
  } cases[] = {
      {"fn f($a: int64): int64 { if ($a) { return 1; } }\nBEGIN { }",
       "stdin:1:4-5: ERROR: Function 'f' does not return a value on every path"},
      {"fn f(): int64 { return g(); }\nfn g(): int64 { return f(); }\nBEGIN { print(f()); }",
       "ERROR: Function 'f' is called recursively (f -> g -> f)"},
      {"fn f($a: int64): int64 { return $a; }\nBEGIN { print(f(1, 2)); }",
       "stdin:2:15-22: ERROR: Function 'f' takes 1 argument, 2 given"},
      {"fn f($a: int64): int64 { return $b; }\nBEGIN { }",
       "stdin:1:33-35: ERROR: Undefined or undeclared variable: $b"},
      {"fn f($a: float): int64 { return 1; }\nBEGIN { }",
       "stdin:1:10-15: ERROR: Invalid type for parameter $a: float"},
      {"fn f(): void { return 1; }\nBEGIN { }",
       "ERROR: Function 'f' is of type void, cannot return a value"},
      {"fn f(): int64 { return; }\nBEGIN { }",
       "ERROR: Function 'f' must return a value of type int64"},
      {"fn f(): int64 { for ($i : 0..2) { return 1; } return 0; }\nBEGIN { }",
       "ERROR: 'return' inside a for loop is not supported in a function"},
      {"fn f(): int64 { break; }\nBEGIN { }", "ERROR: break used outside of a loop"},
      {"fn f(): int64 { return 1; }\nfn f(): int64 { return 2; }\nBEGIN { }",
       "stdin:2:4-5: ERROR: Function 'f' is defined twice"},
      {"fn f($a: int64, $a: int64): int64 { return 1; }\nBEGIN { }",
       "ERROR: duplicate function parameter $a"},
      {"fn f($a int64): int64 { return 1; }\nBEGIN { }", "expecting ':' and the parameter's type"},
  };
  for (const auto &c : cases) {
    auto l = load(c.text);
    EXPECT_FALSE(l.ok) << c.text;
    EXPECT_NE(l.errors.find(c.error), std::string::npos) << c.text << "\n" << l.errors;
  }
}

TEST(Function, UnknownFunctionSuggestsAUserFunction) {
  std::string text = "fn add($a: int64): int64 { return $a; }\nBEGIN { print(ad(1)); }";
  auto l = load(text);
  ASSERT_TRUE(l.ok) << l.errors;
  EXPECT_NE(analyse(l, text).find("ERROR: Unknown function: 'ad'"), std::string::npos);
  EXPECT_NE(analyse(l, text).find("HINT: Did you mean 'add'?"), std::string::npos);
}

TEST(Function, ReturnWithAValueInAProbeIsRefused) {
  std::string text = "BEGIN { return 1; }";
  auto l = load(text);
  ASSERT_TRUE(l.ok) << l.errors;
  EXPECT_NE(analyse(l, text).find("return with a value is only allowed in a function"),
            std::string::npos);
}

} // namespace
} // namespace bpfscope
