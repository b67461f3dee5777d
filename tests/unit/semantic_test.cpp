#include "test_support.h"

#include <gtest/gtest.h>

using namespace bpfscope;
using bpfscope::testing::analyse;

namespace {

const MapInfo &map_named(const ProgramInfo &info, const std::string &name) {
  return info.maps.at(info.map_ids.at(name));
}

TEST(Semantic, CountMapKeyedByComm) {
  auto a = analyse("tracepoint:test:ev { @[comm] = count(); }");
  ASSERT_TRUE(a.ok) << a.errors;
  const MapInfo &m = map_named(a.info, "@");
  EXPECT_EQ(m.key_type.name(), "string[16]");
  EXPECT_EQ(m.value_type.kind, TypeKind::Count);
  EXPECT_TRUE(m.per_cpu());
}

TEST(Semantic, IntegerLiteralTypesAreTheSmallestThatFit) {
  auto a = analyse("BEGIN { print(1); print(300); print(70000); print(5000000000); "
                   "print(18446744073709551615); }");
  ASSERT_TRUE(a.ok) << a.errors;
  auto &body = a.program->probes[0]->body->stmts;
  std::vector<std::string> names;
  for (auto &s : body) {
    auto &call = static_cast<ast::Call &>(*static_cast<ast::ExprStmt &>(*s).expr);
    names.push_back(call.args[0]->type.name());
  }
  EXPECT_EQ(names, (std::vector<std::string>{"int8", "int16", "int32", "int64", "uint64"}));
}

TEST(Semantic, TypeMismatchOnMapMatchesBpftrace) {
  auto a = analyse("BEGIN { @x = 1; @x = \"s\"; }");
  EXPECT_FALSE(a.ok);
  EXPECT_EQ(a.errors, "stdin:1:17-25: ERROR: Type mismatch for @x: trying to assign value of "
                      "type 'string[2]' when map already has a type 'int8'\n"
                      "BEGIN { @x = 1; @x = \"s\"; }\n"
                      "                ~~~~~~~~\n");
}

TEST(Semantic, VariableTypeMismatch) {
  auto a = analyse("BEGIN { $x = 1; $x = \"s\"; }");
  EXPECT_FALSE(a.ok);
  EXPECT_NE(a.errors.find("Type mismatch for $x"), std::string::npos) << a.errors;
}

TEST(Semantic, UndefinedVariableHasLocation) {
  auto a = analyse("BEGIN { print($nope); }");
  EXPECT_FALSE(a.ok);
  EXPECT_EQ(a.errors.substr(0, a.errors.find('\n')),
            "stdin:1:15-20: ERROR: Undefined or undeclared variable: $nope");
}

TEST(Semantic, UnknownFunctionAndBuiltin) {
  auto a = analyse("BEGIN { foo(1); }");
  EXPECT_NE(a.errors.find("Unknown function: 'foo'"), std::string::npos) << a.errors;
  auto b = analyse("BEGIN { print(bogus); }");
  EXPECT_NE(b.errors.find("Unknown identifier: 'bogus'"), std::string::npos) << b.errors;
}

TEST(Semantic, AggregationOutsideMapAssignment) {
  auto a = analyse("BEGIN { count(); }");
  EXPECT_FALSE(a.ok);
  EXPECT_NE(a.errors.find("count() must be assigned directly to a map"), std::string::npos);
}

TEST(Semantic, AggregationArgumentCounts) {
  EXPECT_NE(analyse("BEGIN { @ = sum(); }").errors.find("sum() requires 1 argument"),
            std::string::npos);
  EXPECT_NE(analyse("BEGIN { @ = lhist(1, 2); }").errors.find("lhist() requires 4 arguments"),
            std::string::npos);
}

TEST(Semantic, LhistBoundsMustBeConstantAndOrdered) {
  EXPECT_NE(analyse("BEGIN { $m = 1; @ = lhist(1, $m, 10, 1); }").errors.find("constant"),
            std::string::npos);
  EXPECT_NE(analyse("BEGIN { @ = lhist(1, 10, 0, 1); }").errors.find("max must be greater"),
            std::string::npos);
  EXPECT_NE(analyse("BEGIN { @ = lhist(1, 0, 10, 0); }").errors.find("step must be >= 1"),
            std::string::npos);
  auto ok = analyse("BEGIN { @ = lhist(5, 0, 50, 10); }");
  ASSERT_TRUE(ok.ok) << ok.errors;
  const MapInfo &m = map_named(ok.info, "@");
  EXPECT_EQ(m.value_type.lhist_max, 50);
  // Keyless: a per-CPU array indexed by bucket.
  EXPECT_TRUE(m.is_array());
  EXPECT_EQ(m.bpf_key_type().name(), "(uint32)");
  auto keyed = analyse("BEGIN { @[comm] = hist(5); }");
  ASSERT_TRUE(keyed.ok) << keyed.errors;
  EXPECT_FALSE(map_named(keyed.info, "@").is_array());
  EXPECT_EQ(map_named(keyed.info, "@").bpf_key_type().name(), "(string[16],uint64)");
}

TEST(Semantic, MapKeyShapeMustNotChange) {
  auto a = analyse("BEGIN { @m[1] = 1; @m[1, 2] = 2; }");
  EXPECT_FALSE(a.ok);
  EXPECT_NE(a.errors.find("Argument mismatch for @m"), std::string::npos) << a.errors;
}

TEST(Semantic, StringKeysWidenToTheLongest) {
  auto a = analyse("BEGIN { @m[\"a\"] = 1; @m[\"longer\"] = 2; }");
  ASSERT_TRUE(a.ok) << a.errors;
  EXPECT_EQ(map_named(a.info, "@m").key_type.name(), "string[7]");
}

TEST(Semantic, TupleKeysAndValues) {
  auto a = analyse("BEGIN { @t[1, \"a\"] = (2, \"bb\"); }");
  ASSERT_TRUE(a.ok) << a.errors;
  const MapInfo &m = map_named(a.info, "@t");
  EXPECT_EQ(m.key_type.name(), "(int64,string[2])"); // maps hold integers in 8 bytes
  EXPECT_EQ(m.value_type.name(), "(int64,string[3])");
  EXPECT_EQ(m.key_type.size, 16);
}

TEST(Semantic, ArgsFieldsTypedFromTheContext) {
  auto a = analyse("tracepoint:test:ev { @a = args.count; @b = args->comm; @c = args.delta; "
                   "@d = str(args.filename); }");
  ASSERT_TRUE(a.ok) << a.errors;
  EXPECT_EQ(map_named(a.info, "@a").value_type.name(), "uint64");
  EXPECT_EQ(map_named(a.info, "@b").value_type.name(), "string[16]");
  EXPECT_EQ(map_named(a.info, "@c").value_type.name(), "int64");
  EXPECT_EQ(map_named(a.info, "@d").value_type.name(), "string[1024]");
  EXPECT_TRUE(a.info.probes[0].program_per_target);
}

TEST(Semantic, UnknownArgsFieldListsTheFields) {
  auto a = analyse("tracepoint:test:ev { print(args.nope); }");
  EXPECT_FALSE(a.ok);
  EXPECT_NE(a.errors.find("Can't find field 'nope' in tracepoint:test:ev"), std::string::npos);
  EXPECT_NE(a.errors.find("fields: count, filename, comm, delta"), std::string::npos) << a.errors;
}

TEST(Semantic, ArgsOutsideTracepoints) {
  EXPECT_NE(analyse("BEGIN { print(args.x); }").errors.find("only be used with tracepoint"),
            std::string::npos);
}

TEST(Semantic, StringOperatorsOtherThanEquality) {
  auto a = analyse("BEGIN { print(\"a\" + 1); }");
  EXPECT_FALSE(a.ok);
  EXPECT_NE(a.errors.find("Invalid operands for '+'"), std::string::npos) << a.errors;
}

TEST(Semantic, PrintfFormatsAreRecordedInOrder) {
  auto a = analyse("BEGIN { printf(\"%d\\n\", 1); printf(\"%s %d\\n\", comm, pid); }");
  ASSERT_TRUE(a.ok) << a.errors;
  ASSERT_EQ(a.info.printfs.size(), 2u);
  EXPECT_EQ(a.info.printfs[1].format, "%s %d\n");
  EXPECT_EQ(a.info.printfs[1].args.name(), "(string[16],uint32)");
}

TEST(Semantic, PositionalParameters) {
  auto a = analyse("BEGIN { @n = $1; @s = $2; @c = $#; @u = $3; }", {"42", "hello"});
  ASSERT_TRUE(a.ok) << a.errors;
  EXPECT_EQ(map_named(a.info, "@n").value_type.name(), "int64");
  EXPECT_EQ(map_named(a.info, "@s").value_type.name(), "string[6]");
  EXPECT_EQ(map_named(a.info, "@u").value_type.name(), "int64");
}

TEST(Semantic, MapsReadBeforeTheyAreAssignedInTheText) {
  auto a = analyse("END { print(@x); } BEGIN { @x = 1; }");
  EXPECT_TRUE(a.ok) << a.errors;
}

TEST(Semantic, ReadingAnAggregationIsRejected) {
  auto a = analyse("BEGIN { @c = count(); if (@c > 1) { exit(); } }");
  EXPECT_FALSE(a.ok);
  EXPECT_NE(a.errors.find("can only be printed"), std::string::npos) << a.errors;
}

TEST(Semantic, OnlySpecialProbesFlag) {
  EXPECT_TRUE(analyse("BEGIN { exit(); } END { }").info.only_special_probes);
  EXPECT_FALSE(analyse("BEGIN { } interval:s:1 { exit(); }").info.only_special_probes);
}

TEST(Semantic, CastsAndTheirErrors) {
  auto a = analyse("BEGIN { @a = (uint8)300; @b = (int16)-1; }");
  ASSERT_TRUE(a.ok) << a.errors;
  EXPECT_NE(analyse("BEGIN { print((uint8)\"s\"); }").errors.find("Cannot cast"),
            std::string::npos);
  EXPECT_NE(analyse("BEGIN { print((foo)1); }").errors.find(""), std::string::npos);
}

TEST(Semantic, DeleteWithTwoArgumentsMovesTheKey) {
  auto a = analyse("BEGIN { @m[1] = 2; delete(@m, 1); delete(@m[1]); }");
  EXPECT_TRUE(a.ok) << a.errors;
}

TEST(Semantic, TupleIndexOutOfRange) {
  auto a = analyse("BEGIN { $t = (1, 2); print($t.5); }");
  EXPECT_FALSE(a.ok);
  EXPECT_NE(a.errors.find("Invalid tuple index: 5"), std::string::npos) << a.errors;
}

} // namespace

TEST(SemanticBool, ComparisonsAndNotAreBools) {
  for (const char *e : {"1 == 2", "\"a\" != \"b\"", "1 < 2", "!5", "1 && 0", "true", "1 >= 2"}) {
    auto a = bpfscope::testing::analyse(std::string("BEGIN { $x = ") + e + "; }");
    ASSERT_TRUE(a.ok) << e << a.errors;
    EXPECT_EQ(a.info.probes[0].variables.at("$x").name(), "bool") << e;
  }
  // A bool is not an integer variable's type: bpftrace refuses mixing them.
  auto mixed = bpfscope::testing::analyse("BEGIN { $x = 1; $x = 1 == 1; }");
  EXPECT_NE(mixed.errors.find("Type mismatch for $x"), std::string::npos) << mixed.errors;
  // Bool map keys keep their type (printed true/false).
  auto key = bpfscope::testing::analyse("BEGIN { @m[1 > 0] = 1; }");
  ASSERT_TRUE(key.ok) << key.errors;
  EXPECT_EQ(key.info.maps[0].key_type.name(), "bool");
}

TEST(SemanticScopes, VariablesLiveInTheirBlock) {
  // Declared in a block: gone after it (bpftrace v0.26's lexical scoping).
  EXPECT_NE(analyse("BEGIN { if (1) { $b = 1; } print($b); }")
                .errors.find("Undefined or undeclared variable: $b"),
            std::string::npos);
  EXPECT_NE(analyse("BEGIN { $x = { let $y = 1; $y }; print($y); }")
                .errors.find("Undefined or undeclared variable: $y"),
            std::string::npos);
  // Declared before: visible and assignable inside.
  auto outer = analyse("BEGIN { let $a = 1; let $b; if ($a == 1) { $b = \"hello\"; $a = 2; } "
                       "print(($a, $b)); }");
  EXPECT_TRUE(outer.ok) << outer.errors;
  // Sibling blocks each have their own variable, of its own type.
  auto siblings =
      analyse("BEGIN { if (1) { $v = 1; print($v); } if (1) { $v = \"s\"; print($v); } }");
  ASSERT_TRUE(siblings.ok) << siblings.errors;
  EXPECT_EQ(siblings.info.probes[0].variables.at("$v").name(), "int8");
  EXPECT_EQ(siblings.info.probes[0].variables.at("$v#1").name(), "string[2]");
}

TEST(SemanticScopes, LetMayNotShadow) {
  const std::string msg = "Variable $a was already declared. Variable shadowing is not allowed.";
  EXPECT_NE(analyse("BEGIN { $a = 1; if (1) { let $a = 2; } }").errors.find(msg),
            std::string::npos);
  EXPECT_NE(analyse("BEGIN { let $a = 1; let $a = 2; }").errors.find(msg), std::string::npos);
  EXPECT_NE(analyse("BEGIN { $a = 1; $x = { let $a = 2; $a }; }").errors.find(msg),
            std::string::npos);
  // Not visible any more: a new declaration is fine.
  EXPECT_TRUE(analyse("BEGIN { if (1) { let $a = 1; } let $a = \"x\"; }").ok);
}

TEST(SemanticBlockExpr, TheValueIsTheLastExpression) {
  auto a = analyse("BEGIN { $x = { let $y = \"ab\"; $y }; $n = { 1; 2 + 3 }; }");
  ASSERT_TRUE(a.ok) << a.errors;
  EXPECT_EQ(a.info.probes[0].variables.at("$x").name(), "string[3]");
  EXPECT_EQ(a.info.probes[0].variables.at("$n").name(), "int64");
}

TEST(SemanticIndex, TuplesByFieldStringsByByte) {
  auto a = analyse("BEGIN { $t = (1, \"ab\"); $u = $t[1]; $c = $u[0]; $v = (1, \"x\")[2 - 1]; }");
  ASSERT_TRUE(a.ok) << a.errors;
  EXPECT_EQ(a.info.probes[0].variables.at("$u").name(), "string[3]");
  EXPECT_EQ(a.info.probes[0].variables.at("$c").name(), "int8"); // a string byte
  EXPECT_NE(analyse("BEGIN { $t = (1, 2); print($t[2]); }")
                .errors.find("Invalid tuple index: 2. Found 2 elements in tuple."),
            std::string::npos);
  EXPECT_NE(analyse("BEGIN { print(\"ab\"[3]); }").errors.find("out of bounds for string[3]"),
            std::string::npos);
}
