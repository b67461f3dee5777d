// The script-level front end: config block, macros, getopt(), imports and #define
// (parser/script.cpp and the passes it runs).
#include "parser/ast_clone.h"
#include "parser/config.h"
#include "parser/preamble.h"
#include "parser/script.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace bpfscope {
namespace {

struct Loaded {
  bool ok = false;
  std::string errors; // rendered diagnostics
  std::string ast;    // dump_ast of the result
  Script script;
};

Loaded load(const std::string &text, std::vector<std::string> args = {},
            const std::string &filename = "stdin") {
  Loaded l;
  ScriptInput in;
  in.filename = filename;
  in.apply_env = false;
  std::vector<std::string> positional;
  std::string error;
  EXPECT_TRUE(split_program_args(args, positional, in.named_args, error)) << error;
  Diagnostics diags(filename, text);
  l.ok = load_script(text, in, l.script, diags);
  for (auto &d : diags.all())
    l.errors += diags.render(d);
  if (l.ok)
    l.ast = dump_ast(*l.script.program);
  return l;
}

// Analyses an already loaded script with the fake resolver.
std::string analyse_errors(Loaded &l) {
  Diagnostics diags("stdin", "");
  testing::FakeResolver resolver;
  ProgramInfo info;
  SemanticOptions opts;
  analyse_program(*l.script.program, resolver, opts, info, diags);
  std::string out;
  for (auto &d : diags.all())
    out += d.message + "\n";
  return out;
}

// ---------------------------------------------------------------- config

TEST(Config, BlockSetsVariablesAndKeepsLocations) {
  auto l = load("config = {\n  max_strlen = 32;\n  print_maps_on_exit = false\n}\n"
                "BEGIN { exit(); }");
  ASSERT_TRUE(l.ok) << l.errors;
  EXPECT_EQ(l.script.config.max_strlen, 32);
  EXPECT_FALSE(l.script.config.print_maps_on_exit);
  EXPECT_EQ(l.script.program->probes.size(), 1u);
  // The probe keeps its line although the config block was taken out.
  EXPECT_EQ(l.script.program->probes[0]->loc.begin_line, 5);
}

TEST(Config, KeysMaySpellTheEnvironmentName) {
  auto l = load("config = { BPFTRACE_MAX_MAP_KEYS = 10; STACK_MODE = perf } BEGIN { }");
  ASSERT_TRUE(l.ok) << l.errors;
  EXPECT_EQ(l.script.config.max_map_keys, 10);
  EXPECT_EQ(l.script.config.stack_mode, "perf");
}

TEST(Config, UnknownKeyIsLocatedAtTheKey) {
  auto l = load("config = { BAD_CONFIG=1 } BEGIN { }");
  EXPECT_FALSE(l.ok);
  EXPECT_EQ(l.errors, "stdin:1:12-23: ERROR: Unrecognized config variable: BAD_CONFIG\n"
                      "config = { BAD_CONFIG=1 } BEGIN { }\n"
                      "           ~~~~~~~~~~~\n");
}

TEST(Config, WrongTypeAndBadValues) {
  EXPECT_NE(load("config = { BPFTRACE_MAX_PROBES=\"hello\" } BEGIN { }")
                .errors.find("Invalid type for BPFTRACE_MAX_PROBES. Type: string. Expected Type: "
                             "integer"),
            std::string::npos);
  EXPECT_NE(load("config = { missing_probes = sometimes } BEGIN { }")
                .errors.find("Invalid value for missing_probes: sometimes"),
            std::string::npos);
  EXPECT_NE(
      load("config = { max_strlen = 0 } BEGIN { }").errors.find("Invalid value for max_strlen: 0"),
      std::string::npos);
  EXPECT_NE(load("config = { print_maps_on_exit = maybe } BEGIN { }")
                .errors.find("expected true or false"),
            std::string::npos);
}

// Strings larger than the BPF stack live in the scratch map (codegen/scratch_layout.h): as in
// bpftrace v0.26, a large max_strlen is taken as it is.
TEST(Config, LargeMaxStrlenIsTakenAsItIs) {
  auto l = load("config = { max_strlen = 4096 }\nBEGIN { }");
  ASSERT_TRUE(l.ok) << l.errors;
  EXPECT_EQ(l.script.config.max_strlen, 4096);
  EXPECT_EQ(l.errors, "");
}

TEST(Config, MustComeBeforeProbes) {
  auto l = load("BEGIN { } config = { max_strlen = 8 }");
  EXPECT_FALSE(l.ok);
  EXPECT_NE(l.errors.find("the config block must come before any probe"), std::string::npos);
}

TEST(Config, MayFollowTypeDefinitionsAndDeclarations) {
  // What the preamble may hold before a config block; the grammar reads them afterwards (here
  // it refuses them, which is not this test's business: only the preamble's reading matters).
  Preamble p;
  Diagnostics diags("stdin", "");
  ASSERT_TRUE(read_preamble("struct S { int x; };\nconfig = { max_strlen = 8 }\n"
                            "macro m() { 1 }\nBEGIN { }",
                            p, diags));
  EXPECT_TRUE(p.has_config);
  ASSERT_EQ(p.macros.size(), 1u);
  EXPECT_EQ(p.macros[0].name, "m");
}

TEST(Config, EnvironmentWinsOverTheScript) {
  setenv("BPFTRACE_MAX_STRLEN", "7", 1);
  RunConfig c;
  ConfigValue v;
  v.number = 20;
  std::string error;
  bool bad_key = false;
  ASSERT_TRUE(set_config(c, "max_strlen", v, error, bad_key));
  ASSERT_TRUE(apply_config_env(c, error)) << error;
  EXPECT_EQ(c.max_strlen, 7);
  EXPECT_TRUE(c.from_env.count("max_strlen"));
  setenv("BPFTRACE_MAX_STRLEN", "lots", 1);
  EXPECT_FALSE(apply_config_env(c, error));
  EXPECT_NE(error.find("BPFTRACE_MAX_STRLEN"), std::string::npos);
  unsetenv("BPFTRACE_MAX_STRLEN");
  setenv("BPFSCOPE_MAX_MAP_KEYS", "99", 1);
  ASSERT_TRUE(apply_config_env(c, error)) << error;
  EXPECT_EQ(c.max_map_keys, 99);
  unsetenv("BPFSCOPE_MAX_MAP_KEYS");
}

TEST(Config, SummaryChangesWithTheConfiguration) {
  RunConfig a, b;
  b.max_strlen = 16;
  EXPECT_NE(a.summary(), b.summary());
  EXPECT_NE(a.summary().find("print_maps_on_exit=true"), std::string::npos);
}

TEST(Config, WarnsOnlyAboutVariablesWithoutEffect) {
  EXPECT_TRUE(
      load("config = { max_strlen = 8; stack_mode = raw } BEGIN { }").script.warnings.empty());
  // Both are honoured now (str() marks cut strings, cat() stops at max_cat_bytes).
  auto l = load("config = { str_trunc_trailer = \"~\"; max_cat_bytes = 5 } BEGIN { }");
  ASSERT_TRUE(l.ok) << l.errors;
  EXPECT_TRUE(l.script.warnings.empty());
}

// ---------------------------------------------------------------- macros

TEST(Macro, ExpressionMacrosAsInTheDocs) {
  auto l = load("macro one() { 1 }\n"
                "macro add_one(x) { x + 1 }\n"
                "macro add_two(x) { add_one(x) + 1 }\n"
                "BEGIN { $a = 10; @x = add_one($a); @y = one; @z = add_two(one()); }");
  ASSERT_TRUE(l.ok) << l.errors;
  EXPECT_EQ(l.ast.find("Call"), std::string::npos) << l.ast; // no call left
  EXPECT_NE(l.ast.find("Variable $a\n     Integer 1"), std::string::npos) << l.ast;
  EXPECT_EQ(analyse_errors(l), "");
}

TEST(Macro, IsHygienic) {
  auto l = load("macro f(x) { $y = x; $y * 2 }\nBEGIN { $y = 1; @a = f($y + 1); }");
  ASSERT_TRUE(l.ok) << l.errors;
  // The body's $y is renamed; the argument's $y is the caller's.
  EXPECT_NE(
      l.ast.find("AssignVar\n       Variable $y__f_1\n       Binary +\n        Variable $y\n"),
      std::string::npos)
      << l.ast;
  EXPECT_EQ(analyse_errors(l), "");
}

TEST(Macro, VariableAndMapParametersAreTheCallers) {
  auto l = load("macro bump($a, @b) { $a += 1; @b += 1; }\n"
                "BEGIN { $x = 10; @m = 5; bump($x, @m); }");
  ASSERT_TRUE(l.ok) << l.errors;
  EXPECT_NE(l.ast.find("AssignVar\n    Variable $x\n"), std::string::npos) << l.ast;
  EXPECT_NE(l.ast.find("Map @m"), std::string::npos);
  EXPECT_EQ(l.ast.find("@b"), std::string::npos);
}

TEST(Macro, ArityErrorAtTheCallWithTheDefinition) {
  auto l = load("macro f(a, b) { a }\nBEGIN { print(f(1)); }");
  EXPECT_FALSE(l.ok);
  EXPECT_EQ(l.errors, "stdin:2:15-19: ERROR: Call to macro has wrong number arguments. Expected: "
                      "2 but got 1\n"
                      "BEGIN { print(f(1)); }\n"
                      "              ~~~~\n"
                      "HINT: macro f(a, b) is defined at stdin:1:7\n");
}

TEST(Macro, ParameterKindsAreChecked) {
  EXPECT_NE(load("macro f($x) { $x++ }\nBEGIN { @x = 1; f(@x); }")
                .errors.find("Mismatched arg to macro call. Macro expects a variable for arg $x "
                             "but got a map."),
            std::string::npos);
  EXPECT_NE(load("macro f(@m) { @m++ }\nBEGIN { f(1 + 1); }")
                .errors.find("Mismatched arg to macro call. Macro expects a map for arg @m but "
                             "got an expression."),
            std::string::npos);
  EXPECT_NE(load("macro f($x) { $x = 2; }\nBEGIN { f(1 + 1); }")
                .errors.find("Macro 'f' assigns to parameter '$x', meaning it expects a "
                             "variable, not an expression."),
            std::string::npos);
  EXPECT_NE(load("macro f(a) { a }\nBEGIN { print(f); }")
                .errors.find("Call to macro has no number arguments. Expected: 1"),
            std::string::npos);
}

TEST(Macro, AVariableParameterMayTakeAnExpressionItOnlyReads) {
  auto l = load("macro twice($x) { $x * 2 }\nBEGIN { @a = twice(3 + 4); }");
  ASSERT_TRUE(l.ok) << l.errors;
  EXPECT_NE(l.ast.find("Binary *\n     Binary +"), std::string::npos) << l.ast;
}

TEST(Macro, UnhygienicMapAccessIsRefused) {
  auto l = load("macro f() { @x++ }\nBEGIN { @x = 1; f(); }");
  EXPECT_FALSE(l.ok);
  EXPECT_NE(l.errors.find("stdin:1:13-15: ERROR: Unhygienic access to map: @x. Maps must be "
                          "passed into the macro as arguments."),
            std::string::npos)
      << l.errors;
}

TEST(Macro, CallerVariablesOnlyThroughParameters) {
  auto l = load("macro f() { $x + 1 }\nBEGIN { $x = 1; @a = f(); }");
  EXPECT_FALSE(l.ok);
  EXPECT_NE(l.errors.find("stdin:1:13-15: ERROR: macro 'f' uses variable $x, which is neither one "
                          "of its parameters nor assigned in it"),
            std::string::npos)
      << l.errors;
  // Assigned anywhere in the body (here in a nested block) makes it the body's own.
  EXPECT_TRUE(load("macro f() { if (1) { $t = 2; } $t }\nBEGIN { @a = f(); }").ok);
}

TEST(Macro, RecursionIsRefused) {
  auto l = load("macro f(a) { g(a) }\nmacro g(a) { f(a) }\nBEGIN { print(f(1)); }");
  EXPECT_FALSE(l.ok);
  EXPECT_NE(l.errors.find("Recursive macro call detected. Call chain: f > g > f"),
            std::string::npos)
      << l.errors;
}

TEST(Macro, StatementsAndValueBecomeABlockExpression) {
  auto l = load("macro f(x) { let $t = x; $t + 1 }\nBEGIN { @a = f(2); }");
  ASSERT_TRUE(l.ok) << l.errors;
  auto &stmts = l.script.program->probes[0]->body->stmts;
  ASSERT_EQ(stmts.size(), 1u);
  ASSERT_EQ(stmts[0]->kind, ast::StmtKind::AssignMap);
  EXPECT_EQ(static_cast<ast::AssignMap &>(*stmts[0]).value->kind, ast::ExprKind::BlockExpr);
}

TEST(Macro, WithoutValueInAnExpression) {
  auto l = load("macro f() { printf(\"x\"); }\nBEGIN { @a = f(); }");
  EXPECT_FALSE(l.ok);
  EXPECT_NE(l.errors.find("Macro 'f' expanded to a block instead of a block expression"),
            std::string::npos);
}

TEST(Macro, InAPredicateAndALoopCondition) {
  EXPECT_TRUE(load("macro big(x) { x > 10 }\nBEGIN /big(pid)/ { }").ok);
  auto l = load("macro big(x) { $v = x; $v > 10 }\nBEGIN /big(pid)/ { while (big(3)) { } }");
  ASSERT_TRUE(l.ok) << l.errors;
  EXPECT_EQ(l.script.program->probes[0]->predicate->kind, ast::ExprKind::BlockExpr);
}

TEST(Macro, InsideForLoopsAndBlockExpressions) {
  auto l =
      load("macro twice(x) { x * 2 }\nmacro acc(@m, k) { @m[k] = count(); }\n"
           "BEGIN { for ($i : 0..3) { acc(@c, twice($i)); } @v = { let $z = 1; twice($z) }; }");
  ASSERT_TRUE(l.ok) << l.errors;
  EXPECT_EQ(l.ast.find("Call twice"), std::string::npos) << l.ast;
  EXPECT_EQ(l.ast.find("Call acc"), std::string::npos) << l.ast;
}

TEST(Macro, DefinedTwice) {
  auto l = load("macro f() { 1 }\nmacro f() { 2 }\nBEGIN { }");
  EXPECT_FALSE(l.ok);
  EXPECT_NE(l.errors.find("macro 'f' is defined twice"), std::string::npos);
}

TEST(Macro, ExponentialExpansionIsCapped) {
  std::string calls, close;
  for (int i = 0; i < 40; i++) {
    calls += "d(";
    close += ")";
  }
  auto l = load("macro d(x) { x + x }\nBEGIN { print(" + calls + "1" + close + "); }");
  EXPECT_FALSE(l.ok);
  EXPECT_NE(l.errors.find("macro expansion too large"), std::string::npos) << l.errors;
}

// ---------------------------------------------------------------- getopt

TEST(Getopt, DefaultsAndGivenValues) {
  auto l = load("BEGIN { @a = getopt(\"aa\", 1); @b = getopt(\"bb\"); @c = getopt(\"cc\", \"x\"); "
                "@d = getopt(\"dd\", -3); }",
                {"--", "--aa=20", "--bb", "--cc=hello"});
  ASSERT_TRUE(l.ok) << l.errors;
  EXPECT_NE(l.ast.find("Map @a\n    Integer 20"), std::string::npos) << l.ast;
  EXPECT_NE(l.ast.find("Builtin true"), std::string::npos) << l.ast;
  EXPECT_NE(l.ast.find("String \"hello\""), std::string::npos) << l.ast;
  EXPECT_NE(l.ast.find("Unary -"), std::string::npos) << l.ast;
}

TEST(Getopt, InsideAMacroBody) {
  auto l =
      load("macro limit() { getopt(\"limit\", 5) }\nBEGIN { @a = limit(); }", {"--", "--limit=9"});
  ASSERT_TRUE(l.ok) << l.errors;
  EXPECT_NE(l.ast.find("Map @a\n    Integer 9"), std::string::npos) << l.ast;
}

TEST(Getopt, PositionalAndNamedArgumentsSplit) {
  std::vector<std::string> pos;
  NamedArgs named;
  std::string error;
  ASSERT_TRUE(split_program_args({"p1", "--", "--aa=20", "--bb", "p2"}, pos, named, error));
  EXPECT_EQ(pos, (std::vector<std::string>{"p1", "p2"}));
  EXPECT_EQ(named.values.at("aa"), std::optional<std::string>("20"));
  EXPECT_EQ(named.values.at("bb"), std::nullopt);
  // Before `--`, anything is positional.
  pos.clear();
  named.values.clear();
  ASSERT_TRUE(split_program_args({"--aa=1"}, pos, named, error));
  EXPECT_EQ(pos.size(), 1u);
  EXPECT_FALSE(split_program_args({"--", "--=3"}, pos, named, error));
}

TEST(Getopt, BadValuesAndUnknownOptions) {
  EXPECT_NE(load("BEGIN { @a = getopt(\"n\", 1); }", {"--", "--n=abc"})
                .errors.find("stdin:1:14-28: ERROR: Command line option 'n' is expecting an "
                             "integer. Got: abc"),
            std::string::npos);
  EXPECT_NE(load("BEGIN { @a = getopt(\"n\", 1); }", {"--", "--n"})
                .errors.find("Command line option 'n' is expecting an integer. Got no value"),
            std::string::npos);
  EXPECT_NE(load("BEGIN { @a = getopt(\"b\"); }", {"--", "--b=maybe"})
                .errors.find("Command line option 'b' is expecting a boolean (e.g. 1, 'true'). "
                             "Got: maybe"),
            std::string::npos);
  EXPECT_EQ(load("BEGIN { @a = getopt(\"n\", 1); }", {"--", "--m=1", "--k"}).errors,
            "ERROR: Unexpected command line options: k, m\n");
  EXPECT_NE(load("BEGIN { @a = getopt(\"n\", 1 + 1); }")
                .errors.find("Second argument to 'getopt' must be a string literal, integer "
                             "literal, or a boolean literal."),
            std::string::npos);
  EXPECT_NE(load("BEGIN { @a = getopt(\"n\", 1); @b = getopt(\"n\", 2); }")
                .errors.find("Command line option 'n' needs to have the same default value in "
                             "all places it is used. Previous default value: 1"),
            std::string::npos);
}

// ---------------------------------------------------------------- imports

class ImportTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("bpfscope_import_" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_ / "lib");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string &name, const std::string &text) {
    std::ofstream(dir_ / name) << text;
  }
  std::string path(const std::string &name) { return (dir_ / name).string(); }
  std::filesystem::path dir_;
};

TEST_F(ImportTest, MacrosAndProbesOfAnImportedFile) {
  write("lib/util.bt", "macro twice(x) { x * 2 }\nBEGIN { @lib = 1; }\n");
  auto l = load("import \"lib/util.bt\";\nBEGIN { @a = twice(21); }", {}, path("main.bt"));
  ASSERT_TRUE(l.ok) << l.errors;
  ASSERT_EQ(l.script.program->probes.size(), 2u);
  // The imported file's probe comes first and is marked with its file.
  EXPECT_EQ(l.script.program->probes[0]->loc.file, 1);
  EXPECT_EQ(l.script.program->probes[1]->loc.file, 0);
}

TEST_F(ImportTest, ErrorsInAnImportedFileNameThatFile) {
  write("lib/bad.bt", "macro f( { 1 }\n");
  auto l = load("import \"lib/bad.bt\";\nBEGIN { }", {}, path("main.bt"));
  EXPECT_FALSE(l.ok);
  EXPECT_EQ(l.errors.rfind(path("lib/bad.bt") + ":1:", 0), 0u) << l.errors;
}

TEST_F(ImportTest, CyclesAreRefused) {
  write("lib/a.bt", "import \"b.bt\";\nmacro a() { 1 }\n");
  write("lib/b.bt", "import \"a.bt\";\nmacro b() { 2 }\n");
  auto l = load("import \"lib/a.bt\";\nBEGIN { }", {}, path("main.bt"));
  EXPECT_FALSE(l.ok);
  EXPECT_NE(l.errors.find("ERROR: import cycle: a.bt -> b.bt -> a.bt"), std::string::npos)
      << l.errors;
}

TEST_F(ImportTest, MissingFileUnknownTypeAndConfig) {
  EXPECT_NE(load("import \"nope.bt\";\nBEGIN { }", {}, path("main.bt"))
                .errors.find("Unable to find suitable path for import"),
            std::string::npos);
  write("lib/x.txt", "");
  EXPECT_NE(load("import \"lib/x.txt\";\nBEGIN { }", {}, path("main.bt"))
                .errors.find("unknown import type: x.txt"),
            std::string::npos);
  write("lib/c.bt", "config = { max_strlen = 8 }\nmacro c() { 1 }\n");
  EXPECT_NE(load("import \"lib/c.bt\";\nBEGIN { }", {}, path("main.bt"))
                .errors.find("invalid `config` within import"),
            std::string::npos);
}

TEST_F(ImportTest, ADirectoryImportsItsScriptsInNameOrder) {
  std::filesystem::create_directories(dir_ / "lib/pack");
  write("lib/pack/b.bt", "BEGIN { @b = 1; }\n");
  write("lib/pack/a.bt", "macro a() { 1 }\nBEGIN { @a = a(); }\n");
  write("lib/pack/notes.txt", "not a script");
  auto l = load("import \"lib/pack\";\nBEGIN { @main = a(); }", {}, path("main.bt"));
  ASSERT_TRUE(l.ok) << l.errors;
  ASSERT_EQ(l.script.program->probes.size(), 3u);
  EXPECT_NE(l.ast.find("Map @a"), std::string::npos);
  EXPECT_LT(l.ast.find("Map @a"), l.ast.find("Map @b"));
  EXPECT_LT(l.ast.find("Map @b"), l.ast.find("Map @main"));
}

TEST_F(ImportTest, WorldWritablePlacesAreRefused) {
  write("lib/open.bt", "macro o() { 1 }\n");
  std::filesystem::permissions(dir_ / "lib/open.bt", std::filesystem::perms::others_write,
                               std::filesystem::perm_options::add);
  auto l = load("import \"lib/open.bt\";\nBEGIN { }", {}, path("main.bt"));
  EXPECT_FALSE(l.ok);
  EXPECT_NE(l.errors.find("cowardly refusing to import from a directory with global write "
                          "permissions"),
            std::string::npos)
      << l.errors;
}

TEST_F(ImportTest, DiamondImportsAreReadOnce) {
  write("lib/base.bt", "macro base() { 1 }\n");
  write("lib/l.bt", "import \"base.bt\";\nmacro l() { base() }\n");
  write("lib/r.bt", "import \"base.bt\";\nmacro r() { base() }\n");
  auto l = load("import \"lib/l.bt\";\nimport \"lib/r.bt\";\nBEGIN { @ = l() + r(); }", {},
                path("main.bt"));
  EXPECT_TRUE(l.ok) << l.errors;
}

// ---------------------------------------------------------------- preprocessor

TEST(Preprocessor, DefinesAreSubstitutedAndLinesKept) {
  auto l = load("#include <linux/sched.h>\n#define LIMIT 10\n#define TWICE (LIMIT * 2)\n"
                "BEGIN { @a = TWICE; @b = \"LIMIT\"; $LIMIT = 1; }");
  ASSERT_TRUE(l.ok) << l.errors;
  EXPECT_NE(l.ast.find("Integer 10"), std::string::npos) << l.ast;
  EXPECT_NE(l.ast.find("String \"LIMIT\""), std::string::npos);
  EXPECT_NE(l.ast.find("Variable $LIMIT"), std::string::npos);
  EXPECT_EQ(l.script.program->probes[0]->loc.begin_line, 4);
  ASSERT_EQ(l.script.notes.size(), 1u);
  EXPECT_NE(l.script.notes[0].find("#include <linux/sched.h>: ignored"), std::string::npos);
}

TEST(Preprocessor, CommentsAndStringsAroundDirectives) {
  // A `#` line inside a block comment is no directive; "/*" in a string opens no comment.
  auto l = load("/*\n#define X 1\n*/\nBEGIN { printf(\"/*\"); }\n#define Y 2\nEND { @y = Y; }");
  ASSERT_TRUE(l.ok) << l.errors;
  EXPECT_NE(l.ast.find("Integer 2"), std::string::npos) << l.ast;
}

TEST(Preprocessor, FunctionLikeDefinesAsInC) {
  auto l =
      load("#define MAX(a, b) ((a) > (b) ? (a) : (b))\n#define SQ(x) ((x) * (x))\n"
           "#define F() 7\n#define G (1)\n"
           "BEGIN { @a = MAX(SQ(2), 3); @b = MAX(\"(x, y)\", \"z\"); @c = F() + G; @d = MAX; }");
  ASSERT_TRUE(l.ok) << l.errors;
  EXPECT_EQ(l.ast.find("Call"), std::string::npos) << l.ast; // only @d's MAX stays a name
  EXPECT_NE(l.ast.find("String \"(x, y)\""), std::string::npos) << l.ast;
  EXPECT_NE(l.ast.find("Integer 7"), std::string::npos) << l.ast;
  EXPECT_NE(l.ast.find("Builtin MAX"), std::string::npos) << l.ast;
  // Arity errors point at the call.
  auto bad = load("#define MAX(a, b) (a)\nBEGIN { print(MAX(1)); }");
  EXPECT_NE(
      bad.errors.find("stdin:2:15-18: ERROR: macro \"MAX\" requires 2 arguments, but 1 given"),
      std::string::npos)
      << bad.errors;
  EXPECT_NE(load("#define F(a, a) a\nBEGIN { }").errors.find("invalid parameter list"),
            std::string::npos);
}

TEST(Preprocessor, ConditionalsKeepOneBranchAndTheLines) {
  auto l = load("#define A 2\n#ifdef A\n#if A * 2 == 4 && !defined(B) && defined A\n"
                "#define X 10\n#elif 1\n#define X 20\n#else\n#define X 30\n#endif\n#endif\n"
                "#ifndef A\nBEGIN { not a probe }\n#elif (1 ? 0 : 1) || 0x10 >> 4 == 1\n"
                "#define Y 5\n#endif\n#if UNDEFINED_NAME\n#error not reached\n#endif\n"
                "BEGIN { @x = X; @y = Y; }");
  ASSERT_TRUE(l.ok) << l.errors;
  EXPECT_NE(l.ast.find("Integer 10"), std::string::npos) << l.ast;
  EXPECT_NE(l.ast.find("Integer 5"), std::string::npos) << l.ast;
  EXPECT_EQ(l.script.program->probes[0]->loc.begin_line, 19);
  struct Case {
    const char *text, *error;
  } cases[] = {
      {"#if 1\nBEGIN { }", "stdin:1:1-6: ERROR: unterminated conditional directive"},
      {"#endif\nBEGIN { }", "#endif without #if"},
      {"#else\nBEGIN { }", "#else without #if"},
      {"#if 1\n#else\n#elif 1\n#endif\nBEGIN { }", "#elif after #else"},
      {"#if 1 +\n#endif\nBEGIN { }", "#if: invalid expression: missing expression"},
      {"#if 4 / 0\n#endif\nBEGIN { }", "#if: invalid expression: division by zero"},
      {"#if defined(\n#endif\nBEGIN { }", "'defined' needs a name"},
      {"#if (1\n#endif\nBEGIN { }", "expected ')'"},
      {"#pragma once\nBEGIN { }", "#pragma: preprocessor directive not supported"},
  };
  for (const auto &c : cases)
    EXPECT_NE(load(c.text).errors.find(c.error), std::string::npos) << c.text;
}

TEST(Preprocessor, ContinuationsAndColumnsAfterSubstitution) {
  auto l = load("#define SUM3(a, b, \\\n  c) ((a) + (b) + \\\n  (c))\n"
                "BEGIN { @s = SUM3(1, 2, 3); $v = 1; }");
  ASSERT_TRUE(l.ok) << l.errors;
  EXPECT_EQ(l.script.program->probes[0]->loc.begin_line, 4);
  // `$v` starts at column 29 as written, whatever SUM3's expansion made of the line.
  EXPECT_NE(l.ast.find("Variable $v"), std::string::npos);
  SourceRange v;
  ast::for_each_range(*l.script.program->probes[0], [&v](SourceRange &r) {
    if (r.begin_col == 29 && r.end_col == 31)
      v = r;
  });
  EXPECT_TRUE(v.valid()) << "no node at 4:29-31";
}

TEST(Preprocessor, SelfReferenceAndBlowUpAreBounded) {
  auto l = load("#define A A\n#define B C\n#define C B\nBEGIN { @a = 1; }");
  EXPECT_TRUE(l.ok) << l.errors;
  std::string defs = "#define A0 1\n";
  for (int i = 1; i < 40; i++)
    defs += "#define A" + std::to_string(i) + " (A" + std::to_string(i - 1) + " + A" +
            std::to_string(i - 1) + ")\n";
  auto big = load(defs + "BEGIN { print(A39); }");
  EXPECT_FALSE(big.ok);
  EXPECT_NE(big.errors.find("#define: substitution produces more than"), std::string::npos);
}

} // namespace
} // namespace bpfscope
