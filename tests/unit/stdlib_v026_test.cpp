// bpftrace v0.26 functions: find, the compile-time type queries (is_str and the like, strcap,
// default_str_length, kfunc_exist/kfunc_allowed, assert_str) and globmatch. The semantic pass
// types them, and what they compile to passes the running kernel's verifier (loaded for real, as
// root, attached nowhere).
#include "analysis_support.h"
#include "codegen/codegen.h"
#include "runtime/task_offsets.h"
#include "test_support.h"

#include <gtest/gtest.h>

using namespace bpfscope;
using bpfscope::testing::Analysed;

namespace {

// Analyses `source` with the kernel's kfunc ids (and $1 = 1) that kfunc_exist and the like need.
Analysed analyse(const std::string &source) {
  SemanticOptions opts;
  opts.kfunc_btf_id = kfunc_btf_id_from_btf;
  opts.positional_params = {"1"};
  return bpfscope::testing::analyse_with(source, opts);
}

// The errors of `source`, "" when it is accepted.
std::string error_of(const std::string &source) {
  return bpfscope::testing::errors_if_rejected(analyse(source));
}

// Compiles and loads every program of `source`; "" or the first error.
std::string load_all(const std::string &source) {
  return bpfscope::testing::compile_and_load(analyse(source), source);
}

// The type `e` gives the variable it is assigned to in BEGIN.
std::string type_of(const std::string &e) {
  Analysed r = analyse("BEGIN { $v = " + e + "; }");
  return r.ok ? r.info.probes[0].variables.at("$v").name() : "error: " + r.errors;
}

// The answers of the queries that key the map assigned last in the first probe
// (`@[is_str($s), ...] = 1`): each call's resource_id.
std::vector<int> answers(const Analysed &r) {
  auto &stmt = static_cast<const ast::AssignMap &>(*r.program->probes[0]->body->stmts.back());
  std::vector<int> out;
  for (auto &k : stmt.map->keys)
    out.push_back(static_cast<const ast::Call &>(*k).resource_id);
  return out;
}

} // namespace

TEST(Find, TypesTheResultVariableAsTheMapValue) {
  Analysed r = analyse("BEGIN { @m[1] = (2, \"x\"); let $v; if (find(@m, 1, $v)) { print($v); } }");
  ASSERT_TRUE(r.ok) << r.errors;
  EXPECT_EQ(r.info.probes[0].variables.at("$v").name(), "(int64,string[2])");
  EXPECT_EQ(type_of("find(@m, 1, $r)"),
            "error: " + analyse("BEGIN { $v = find(@m, 1, $r); }").errors);
}

TEST(Find, Errors) {
  EXPECT_EQ(error_of("BEGIN { @s = 1; $v = 0; find(@s, 1, $v); }"),
            "stdin:1:25-40: ERROR: find() expects a map with keys (@s has none)\n"
            "BEGIN { @s = 1; $v = 0; find(@s, 1, $v); }\n"
            "                        ~~~~~~~~~~~~~~~\n");
  EXPECT_NE(error_of("BEGIN { @m[1] = 1; find(@m, 1, 5); }").find("scratch variable"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { @m[1] = 1; $v = \"s\"; find(@m, 1, $v); }").find("Type mismatch"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { @m[1] = count(); find(@m, 1, $v); }").find("aggregation"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { @m[1] = 1; find(@m, 1); }").find("find(@m, key, $result)"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { @m[1] = 1; find(@m, \"a\", $v); }").find("ERROR"), std::string::npos);
}

TEST(Find, LoadsThroughTheVerifier) {
  EXPECT_EQ(load_all("BEGIN { @m[1] = 5; @s[\"a\", 2] = (comm, 3); let $v; let $t;"
                     " if (find(@m, 1, $v)) { printf(\"%d\\n\", $v); }"
                     " $f = find(@s, (\"a\", 2), $t); print($t); }"),
            "");
  EXPECT_EQ(load_all("tracepoint:test:a { @m[args.delta] = comm; let $c;"
                     " if (find(@m, args.delta + 1, $c)) { print($c); } }"),
            "");
}

TEST(TypeQueries, Answers) {
  Analysed r = analyse("BEGIN { $s = \"a\"; $i = 1; $u = (uint8)1; $p = (int8 *)0;"
                       " @[is_str($s), is_str($i), is_integer($i), is_integer($s),"
                       " is_unsigned_integer($u), is_unsigned_integer($i), is_ptr($p), is_ptr($i),"
                       " is_literal(1), is_literal(\"x\"), is_literal($i), is_array($s)] = 1; }");
  ASSERT_TRUE(r.ok) << r.errors;
  // `1` is an int8 literal (v0.26), so $i is signed.
  EXPECT_EQ(answers(r), (std::vector<int>{1, 0, 1, 0, 1, 0, 1, 0, 1, 1, 0, 0}));
  EXPECT_EQ(type_of("is_str(1)"), "bool");
  EXPECT_EQ(type_of("strcap(comm)"), "int64");
  EXPECT_EQ(type_of("default_str_length()"), "int64");
}

TEST(TypeQueries, OnlyTheBranchTakenIsChecked) {
  // strlen() of an integer would be an error: the branch is dropped.
  EXPECT_EQ(
      error_of("BEGIN { $x = 1; if (is_str($x)) { print(strlen($x)); } else { print($x + 1); } }"),
      "");
  EXPECT_EQ(error_of("BEGIN { $x = \"a\"; if (!is_str($x)) { fail(\"not a string\"); } }"), "");
  EXPECT_EQ(error_of("BEGIN { $x = 2; if (!is_str($x)) { fail(\"not a string\"); } }"),
            "stdin:1:36-56: ERROR: not a string\n"
            "BEGIN { $x = 2; if (!is_str($x)) { fail(\"not a string\"); } }\n"
            "                                   ~~~~~~~~~~~~~~~~~~~~\n");
  EXPECT_EQ(error_of("BEGIN { static_assert(is_integer(pid), \"pid\"); }"), "");
  EXPECT_NE(error_of("BEGIN { static_assert(is_str(pid), \"pid is no string\"); }")
                .find("ERROR: pid is no string"),
            std::string::npos);
  EXPECT_EQ(load_all("BEGIN { $x = comm; if (is_str($x) && strcap($x) == 16) { print($x); }"
                     " else { print($x + 1); } print(default_str_length()); }"),
            "");
}

TEST(TypeQueries, AssertStrAndErrors) {
  EXPECT_EQ(error_of("BEGIN { assert_str(comm); }"), "");
  EXPECT_EQ(error_of("BEGIN { assert_str(pid); }"),
            "stdin:1:20-23: ERROR: assert_str() expects a string-like value (uint32 provided)\n"
            "BEGIN { assert_str(pid); }\n"
            "                   ~~~\n");
  EXPECT_NE(error_of("BEGIN { $v = strcap(1); }").find("strcap() expects a string"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { $n = \"x\"; $v = kfunc_exist($n); }").find("string literal"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { $v = is_str(); }").find("takes 1 argument"), std::string::npos);
}

TEST(TypeQueries, Kfuncs) {
  Analysed r = analyse(
      "BEGIN { @[kfunc_exist(\"bpf_map_sum_elem_count\"), kfunc_exist(\"no_such_kfunc\"),"
      " kfunc_allowed(\"bpf_map_sum_elem_count\"), kfunc_allowed(\"bpf_task_from_pid\")] = 1; }");
  ASSERT_TRUE(r.ok) << r.errors;
  // bpf_task_from_pid exists, but is for tracing programs (fentry and the like), not BEGIN.
  EXPECT_EQ(answers(r), (std::vector<int>{1, 0, 1, 0}));
}

TEST(Globmatch, LoadsThroughTheVerifier) {
  EXPECT_EQ(type_of("globmatch(comm, \"a*\")"), "bool");
  EXPECT_EQ(load_all("BEGIN { printf(\"%d\\n\", globmatch(comm, \"bpf*[a-z]?[!0-9]\")); }"), "");
  // A pattern known only at run time, and strings as long as max_strlen.
  EXPECT_EQ(load_all("tracepoint:test:a { $p = str(args.filename); $s = str(args.filename + 1);"
                     " if (globmatch($s, $p)) { print(1); } }"),
            "");
  EXPECT_NE(error_of("BEGIN { $v = globmatch(1, \"a\"); }").find("expects two strings"),
            std::string::npos);
}
