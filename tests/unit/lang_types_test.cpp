// The type-system constructs of bpftrace v0.26's language: records `(name = x)`, `string[N]` and
// `buffer[N]` annotations, integer <-> integer-array casts, integer typing, and block
// expressions in every expression position. Parser, semantic pass, and codegen (programs loaded
// for real into the running kernel's verifier, attached nowhere).

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

// The AST dump of a program that must parse ("" and a test failure otherwise).
std::string dump(const std::string &src) {
  Diagnostics diags("stdin", src);
  auto program = parse_program(src, diags);
  EXPECT_TRUE(program) << src;
  return program ? dump_ast(*program) : "";
}

// ---------------------------------------------------------------- records

TEST(Records, ParseAsNamedFieldsInWrittenOrder) {
  EXPECT_EQ(dump("BEGIN { $r = (name = comm, size = { 2 }); }"), "Program\n"
                                                                 " Probe\n"
                                                                 "  AttachPoint BEGIN\n"
                                                                 "  Block\n"
                                                                 "   AssignVar\n"
                                                                 "    Variable $r\n"
                                                                 "    Record\n"
                                                                 "     name =\n"
                                                                 "      Builtin comm\n"
                                                                 "     size =\n"
                                                                 "      BlockExpr\n"
                                                                 "       Block\n"
                                                                 "       Integer 2\n");
}

TEST(Records, TypesKeepNamesAndOrder) {
  EXPECT_EQ(var_type("BEGIN { $r = (name = \"ab\", size = 2, t = (1, 2)); }", "$r"),
            "(name=string[3],size=int8,t=(int8,int8))");
  EXPECT_EQ(var_type("BEGIN { $r = (a = 1, b = \"x\"); $v = $r.b; }", "$v"), "string[2]");
  // Nested records and field access through them.
  EXPECT_EQ(var_type("BEGIN { $r = (a = (b = (c = \"deep\"))); $v = $r.a.b.c; }", "$v"),
            "string[5]");
}

TEST(Records, SameNamesInAnotherOrderAreTheSameType) {
  // The variable keeps the first order; strings widen to the longest assigned.
  EXPECT_EQ(var_type("BEGIN { $r = (a = 1, b = \"x\"); $r = (b = \"longer\", a = 2); }", "$r"),
            "(a=int8,b=string[7])");
  auto a = analyse("BEGIN { @m[(k = 1, s = \"a\")] = (v = 1); @m[(s = \"b\", k = 2)] = (v = 2); }");
  ASSERT_TRUE(a.ok) << a.errors;
  auto &m = a.info.maps[a.info.map_ids.at("@m")];
  EXPECT_EQ(m.key_type.name(), "(k=int64,s=string[2])"); // 8-byte storage of the int8 keys
  EXPECT_EQ(m.value_type.name(), "(v=int64)");
}

TEST(Records, Errors) {
  EXPECT_EQ(error_of("BEGIN { $r = (name = \"x\", size = 2); print($r.sise); }"),
            "stdin:1:44-51: ERROR: Record does not contain a field named 'sise'\n"
            "BEGIN { $r = (name = \"x\", size = 2); print($r.sise); }\n"
            "                                           ~~~~~~~\n"
            "HINT: Did you mean 'size'? fields: name, size\n");
  EXPECT_NE(error_of("BEGIN { $r = (a = 1, a = 2); }")
                .find("1:22-23: ERROR: Record has a duplicate field named 'a'"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { $r = (a = 1); $r = (b = 1); }")
                .find("Type mismatch for $r: trying to assign value of type '(b=int8)' when "
                      "variable already contains a value of type '(a=int8)'"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { $r = (a = 1, b = 2); $r = (1, 2); }").find("Type mismatch for $r"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { @r = (a = 1); @r = (a = 1, b = 2); }").find("Type mismatch for @r"),
            std::string::npos);
}

TEST(Records, PassTheVerifier) {
  EXPECT_EQ(load_all("BEGIN { $r = (name = comm, n = 1, t = (pid, \"x\")); print($r); "
                     "printf(\"%s %d %s\\n\", $r.name, $r.n, $r.t.1); @m[$r] = (c = 1); "
                     "@m[(t = (1, \"y\"), n = 2, name = \"z\")] = (c = 2); $r = (n = 3, "
                     "t = (4, \"w\"), name = \"v\"); @v = $r; print(@v.t.0); }"),
            "");
}

} // namespace

// ---------------------------------------------------------------- string[N] and buffer[N]

namespace {

TEST(SizedAnnotations, ParseIntoTheDeclaration) {
  Diagnostics diags("stdin", "BEGIN { let $s: string[16] = \"a\"; let $b: buffer[8]; }");
  auto program = parse_program("BEGIN { let $s: string[16] = \"a\"; let $b: buffer[8]; }", diags);
  ASSERT_TRUE(program);
  auto &stmts = program->probes[0]->body->stmts;
  auto &s = static_cast<ast::AssignVar &>(*stmts[0]);
  auto &b = static_cast<ast::AssignVar &>(*stmts[1]);
  EXPECT_EQ(s.declared_type, "string[16]");
  EXPECT_TRUE(s.declaration && s.value);
  EXPECT_EQ(b.declared_type, "buffer[8]");
  EXPECT_FALSE(b.value);
}

TEST(SizedAnnotations, TheVariableKeepsTheDeclaredSize) {
  EXPECT_EQ(var_type("BEGIN { let $s: string[16] = \"a\"; $s = \"bcd\"; }", "$s"), "string[16]");
  EXPECT_EQ(var_type("BEGIN { let $s: string[4]; }", "$s"), "string[4]");
  EXPECT_EQ(var_type("BEGIN { let $b: buffer[8] = buf(curtask, 2); }", "$b"), "buffer[8]");
  // Without a size a string variable still widens to the longest value.
  EXPECT_EQ(var_type("BEGIN { $s = \"a\"; $s = \"bcd\"; }", "$s"), "string[4]");
}

TEST(SizedAnnotations, ValuesMustFit) {
  EXPECT_EQ(error_of("BEGIN { let $s: string[4] = \"hello\"; }"),
            "stdin:1:9-36: ERROR: Type mismatch for $s: trying to assign value of type "
            "'string[6]' when variable already has a type 'string[4]'\n"
            "BEGIN { let $s: string[4] = \"hello\"; }\n"
            "        ~~~~~~~~~~~~~~~~~~~~~~~~~~~\n");
  EXPECT_NE(error_of("BEGIN { let $s: string[4]; $s = comm; }")
                .find("trying to assign value of type 'string[16]' when variable already has a "
                      "type 'string[4]'"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { let $b: buffer[2] = buf(curtask, 3); }")
                .find("'buffer[3]' when variable already has a type 'buffer[2]'"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { let $b: buffer[4] = \"abc\"; }")
                .find("'string[4]' when variable already has a type 'buffer[4]'"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { let $x: foo[4]; }").find("Invalid type annotation: foo[4]"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { let $x: string[0]; }")
                .find("Invalid size for string: 0 (it must be from 1 to 1024)"),
            std::string::npos);
}

TEST(SizedAnnotations, PassTheVerifier) {
  EXPECT_EQ(load_all("BEGIN { let $s: string[32] = \"a\"; $s = comm; print($s); let $e: string[4]; "
                     "printf(\"%s\\n\", $e); let $b: buffer[16] = buf(curtask, 3); @b = $b; "
                     "$b = buf(curtask, 16); printf(\"%r\\n\", $b); }"),
            "");
}

} // namespace

// ---------------------------------------------------------------- block expressions

namespace {

TEST(BlockExpressions, InKeysConditionsTernariesAndParentheses) {
  auto a = analyse("BEGIN { @m[{ let $a = 1; $a }] = 1; if ({ 1 }) { } $t = 1 ? { \"a\" } : "
                   "\"bc\"; $n = ({ 2 }) + 3; $u = ({ 1 }, { \"x\" }); }");
  ASSERT_TRUE(a.ok) << a.errors;
  EXPECT_EQ(a.info.probes[0].variables.at("$t").name(), "string[3]");
  EXPECT_EQ(a.info.probes[0].variables.at("$n").name(), "int64");
  EXPECT_EQ(a.info.probes[0].variables.at("$u").name(), "(int8,string[2])");
  // The block's variables stay inside it.
  EXPECT_NE(analyse("BEGIN { @m[{ let $a = 1; $a }] = 1; print($a); }")
                .errors.find("Undefined or undeclared variable: $a"),
            std::string::npos);
  EXPECT_EQ(load_all("BEGIN { @m[{ let $a = 1; $a }] = { 2 }; if ({ let $c = pid; $c > 0 }) { "
                     "print(({ 1 }) + 1); } }"),
            "");
}

} // namespace

// ---------------------------------------------------------------- integer <-> integer-array casts

namespace {

TEST(IntArrayCasts, TypesFollowTheSizes) {
  EXPECT_EQ(var_type("BEGIN { $a = (int8[8])12345; }", "$a"), "int8[8]");
  EXPECT_EQ(var_type("BEGIN { $x = (uint64)1; $a = (uint16[])$x; }", "$a"), "uint16[4]");
  EXPECT_EQ(var_type("BEGIN { $a = (uint8[4])1; }", "$a"), "uint8[4]"); // a literal adapts
  EXPECT_EQ(var_type("BEGIN { $a = (int8[])\"ab\"; }", "$a"), "int8[3]");
  EXPECT_EQ(var_type("BEGIN { $a = (uint8[4])(uint32)1; $x = (uint32)$a; }", "$x"), "uint32");
  EXPECT_EQ(var_type("BEGIN { $a = (int16[2])(int32)1; $e = $a[1]; }", "$e"), "int16");
  EXPECT_EQ(var_type("BEGIN { $x = (uint32)pton(\"127.0.0.1\"); }", "$x"), "uint32");
}

TEST(IntArrayCasts, SizesMustMatch) {
  EXPECT_EQ(error_of("BEGIN { $x = 1; $a = (uint8[4])$x; }"),
            "stdin:1:22-34: ERROR: Cannot cast from 'int8' to 'uint8[4]': the sizes differ (1 "
            "and 4 bytes)\n"
            "BEGIN { $x = 1; $a = (uint8[4])$x; }\n"
            "                     ~~~~~~~~~~~~\n");
  EXPECT_NE(error_of("BEGIN { $a = (uint8[4])1; $b = (uint64)$a; }")
                .find("Cannot cast from 'uint8[4]' to 'uint64': the sizes differ (4 and 8 bytes)"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { $a = (uint16[])\"abcd\"; }")
                .find("5 bytes are not a whole number of uint16 elements"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { $a = (uint8[2])(1, 2); }")
                .find("Cannot cast from '(int8,int8)' to 'uint8[2]'"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { $a = (uint8[2])1; print($a[2]); }")
                .find("Index 2 is out of bounds for uint8[2]"),
            std::string::npos);
}

TEST(IntArrayCasts, PassTheVerifier) {
  EXPECT_EQ(load_all("BEGIN { $a = (int8[8])12345; printf(\"%x %d\\n\", $a[1], (uint64)$a); "
                     "$b = (uint16[])(uint32)pid; @m[$b] = (int8[])comm; print($b[1]); "
                     "print((uint32)pton(\"10.0.0.1\")); }"),
            "");
}

} // namespace
