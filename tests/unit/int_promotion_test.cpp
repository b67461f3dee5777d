// bpftrace v0.26's integer typing rules (parser/int_promotion.h): which type two integer types
// meet in, with and without literals, and what the semantic pass makes of them in variables,
// maps, keys, tuples, `?:`, operators and compound assignments.

#include "analysis_support.h"
#include "parser/int_promotion.h"
#include "test_support.h"

#include <gtest/gtest.h>

using namespace bpfscope;
using bpfscope::testing::analyse;
using bpfscope::testing::Analysed;

namespace {

Type u(int bytes) { return Type::integer(bytes, false); }
Type s(int bytes) { return Type::integer(bytes, true); }

std::string common(const Type &a, const Type &b) {
  auto t = common_integer_type(a, b);
  return t ? t->name() : "none";
}

TEST(IntPromotion, SameSignednessTakesTheLarger) {
  EXPECT_EQ(common(u(1), u(4)), "uint32");
  EXPECT_EQ(common(u(8), u(2)), "uint64");
  EXPECT_EQ(common(s(2), s(1)), "int16");
  EXPECT_EQ(common(s(8), s(8)), "int64");
}

TEST(IntPromotion, MixedSignsNeedAWiderSignedType) {
  EXPECT_EQ(common(u(1), s(1)), "int16");
  EXPECT_EQ(common(s(1), u(1)), "int16");
  EXPECT_EQ(common(u(1), s(2)), "int16");
  EXPECT_EQ(common(u(2), s(1)), "int32");
  EXPECT_EQ(common(u(4), s(2)), "int64");
  EXPECT_EQ(common(s(8), u(4)), "int64");
  // No signed type holds every uint64.
  EXPECT_EQ(common(u(8), s(1)), "none");
  EXPECT_EQ(common(s(8), u(8)), "none");
}

TEST(IntPromotion, BoolsAndPointersCombineAsUnsigned) {
  EXPECT_EQ(common(Type::boolean(), s(1)), "int16");
  EXPECT_EQ(common(Type::pointer(), u(1)), "uint64");
  EXPECT_EQ(common(Type::pointer(), s(8)), "none");
}

TEST(IntPromotion, LiteralsFitByValue) {
  EXPECT_TRUE(literal_fits({false, 255}, u(1)));
  EXPECT_FALSE(literal_fits({false, 256}, u(1)));
  EXPECT_TRUE(literal_fits({false, 127}, s(1)));
  EXPECT_FALSE(literal_fits({false, 128}, s(1)));
  EXPECT_TRUE(literal_fits({true, 128}, s(1)));
  EXPECT_FALSE(literal_fits({true, 129}, s(1)));
  EXPECT_FALSE(literal_fits({true, 1}, u(8)));
  EXPECT_TRUE(literal_fits({false, UINT64_MAX}, u(8)));
  EXPECT_FALSE(literal_fits({false, UINT64_MAX}, s(8)));
  EXPECT_TRUE(literal_fits({true, uint64_t{1} << 63}, s(8)));
}

std::string promoted(const Type &a, std::optional<IntLiteral> la, const Type &b,
                     std::optional<IntLiteral> lb) {
  auto t = promote_operands(a, la, b, lb);
  return t ? t->name() : "none";
}

TEST(IntPromotion, ALiteralTakesTheOtherSidesTypeWhenItFits) {
  // `(uint64)x < 5`: the int8 literal 5 fits in a uint64, so no mixing of signs.
  EXPECT_EQ(promoted(u(8), std::nullopt, s(1), IntLiteral{false, 5}), "uint64");
  EXPECT_EQ(promoted(s(1), IntLiteral{false, 5}, u(4), std::nullopt), "uint32");
  EXPECT_EQ(promoted(s(8), std::nullopt, s(2), IntLiteral{false, 200}), "int64");
  // 300 (an int16) does not fit a uint8, but a positive literal is sign-flexible: uint16.
  EXPECT_EQ(promoted(u(1), std::nullopt, s(2), IntLiteral{false, 300}), "uint16");
  EXPECT_EQ(promoted(s(1), std::nullopt, s(2), IntLiteral{false, 300}), "int16");
  // -1 fits no unsigned type: promoted as any int8 would be.
  EXPECT_EQ(promoted(u(1), std::nullopt, s(1), IntLiteral{true, 1}), "int16");
  EXPECT_EQ(promoted(u(8), std::nullopt, s(1), IntLiteral{true, 1}), "none");
}

TEST(IntPromotion, TwoLiteralsMeetInTheLargerWhenBothFit) {
  EXPECT_EQ(promoted(s(1), IntLiteral{false, 1}, s(2), IntLiteral{false, 1000}), "int16");
  EXPECT_EQ(promoted(s(1), IntLiteral{true, 1}, s(1), IntLiteral{false, 1}), "int8");
  EXPECT_EQ(promoted(s(1), IntLiteral{false, 1}, s(1), IntLiteral{true, 1}), "int8");
  EXPECT_EQ(promoted(s(1), IntLiteral{true, 1}, s(2), IntLiteral{false, 200}), "int16");
  // Only a literal above INT64_MAX is unsigned, and no type holds it and a negative one.
  EXPECT_EQ(promoted(u(8), IntLiteral{false, UINT64_MAX}, s(1), IntLiteral{true, 1}), "none");
  EXPECT_EQ(promoted(u(8), IntLiteral{false, UINT64_MAX}, s(1), IntLiteral{false, 1}), "uint64");
}

TEST(IntPromotion, SignFlexibleOperandsCountAsUnsignedAgainstUnsigned) {
  EXPECT_TRUE(sign_flexible(IntLiteral{false, 0}));
  EXPECT_FALSE(sign_flexible(IntLiteral{true, 1}));
  EXPECT_FALSE(sign_flexible(std::nullopt));
  // A variable typed by positive literals only (`$a = 0`, an int8) against a uint64.
  auto t = promote_operands(s(1), std::nullopt, u(8), std::nullopt, true, false);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->name(), "uint64");
  t = promote_operands(u(8), std::nullopt, s(2), std::nullopt, false, true);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->name(), "uint64");
  // Against a signed type flexibility changes nothing.
  t = promote_operands(s(1), std::nullopt, s(4), std::nullopt, true, false);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->name(), "int32");
  // Not flexible: no common type.
  EXPECT_FALSE(promote_operands(s(1), std::nullopt, u(8), std::nullopt));
  auto slot = upcast_for_assignment(s(1), u(8), std::nullopt, true, false);
  ASSERT_TRUE(slot);
  EXPECT_EQ(slot->name(), "uint64");
  slot = upcast_for_assignment(u(8), s(2), std::nullopt, false, true);
  ASSERT_TRUE(slot);
  EXPECT_EQ(slot->name(), "uint64");
}

TEST(IntPromotion, MergeTakesInt64AndRecordsTheCast) {
  Type slot = u(8);
  std::vector<IntCast> casts;
  merge_integers(slot, s(8), nullptr, &casts);
  EXPECT_EQ(slot.name(), "int64");
  ASSERT_EQ(casts.size(), 1u);
  EXPECT_TRUE(casts[0].earlier); // the slot's uint64 values are cast
  EXPECT_EQ(casts[0].from.name(), "uint64");
  casts.clear();
  slot = s(1);
  merge_integers(slot, u(8), nullptr, &casts);
  EXPECT_EQ(slot.name(), "int64");
  ASSERT_EQ(casts.size(), 1u);
  EXPECT_FALSE(casts[0].earlier); // the uint64 value is cast
  casts.clear();
  slot = s(1);
  merge_integers(slot, u(8), nullptr, &casts, true, false); // sign-flexible slot
  EXPECT_EQ(slot.name(), "uint64");
  EXPECT_TRUE(casts.empty());
  Type tuple = Type::tuple({u(8), s(1)});
  merge_integers(tuple, Type::tuple({s(8), s(1)}), nullptr, &casts);
  EXPECT_EQ(tuple.name(), "(int64,int8)");
  EXPECT_EQ(casts.size(), 1u);
}

TEST(IntPromotion, AssignmentKeepsTheSlotForAFittingLiteral) {
  auto keep = upcast_for_assignment(s(2), s(1), IntLiteral{false, 2});
  ASSERT_TRUE(keep);
  EXPECT_EQ(keep->name(), "int16");
  auto keep_unsigned = upcast_for_assignment(u(4), s(1), IntLiteral{false, 5});
  ASSERT_TRUE(keep_unsigned);
  EXPECT_EQ(keep_unsigned->name(), "uint32");
  auto grow = upcast_for_assignment(u(1), s(2), IntLiteral{true, 1000});
  ASSERT_TRUE(grow);
  EXPECT_EQ(grow->name(), "int16");
  EXPECT_FALSE(upcast_for_assignment(u(8), s(8), std::nullopt));
}

// ---------------------------------------------------------------- in the semantic pass

// The type of variable `name` after `body` runs in a BEGIN probe.
std::string var_type(const std::string &body, const std::string &name) {
  return bpfscope::testing::var_type("BEGIN { " + body + " }", name);
}

// The errors of `body` in a BEGIN probe, which must not pass the semantic pass.
std::string errors_of(const std::string &body) {
  return bpfscope::testing::error_of("BEGIN { " + body + " }");
}

TEST(IntTyping, LiteralsAreTheSmallestTypeOfTheirSign) {
  // Positive literals are signed too in v0.26; only a value above INT64_MAX is a uint64.
  EXPECT_EQ(var_type("$x = 1;", "$x"), "int8");
  EXPECT_EQ(var_type("$x = 127;", "$x"), "int8");
  EXPECT_EQ(var_type("$x = 128;", "$x"), "int16");
  EXPECT_EQ(var_type("$x = 200;", "$x"), "int16");
  EXPECT_EQ(var_type("$x = -1;", "$x"), "int8");
  EXPECT_EQ(var_type("$x = -1000;", "$x"), "int16");
  EXPECT_EQ(var_type("$x = -128;", "$x"), "int8");
  EXPECT_EQ(var_type("$x = 70000;", "$x"), "int32");
  EXPECT_EQ(var_type("$x = 0x7fffffffffffffff;", "$x"), "int64");
  EXPECT_EQ(var_type("$x = 0x8000000000000000;", "$x"), "uint64");
}

TEST(IntTyping, VariablesAreUpcast) {
  // The documented example: int8, then int16.
  EXPECT_EQ(var_type("$a = 1; $b = -1000; $a = $b;", "$a"), "int16");
  EXPECT_EQ(var_type("$a = (int16)0; $a = 2;", "$a"), "int16");
  EXPECT_EQ(var_type("$a = (uint32)0; $a = 5;", "$a"), "uint32");
  EXPECT_EQ(var_type("$a = (uint8)0; $a = -1;", "$a"), "int16");
  EXPECT_EQ(var_type("$a = (uint64)0; $a = nsecs;", "$a"), "uint64");
  EXPECT_EQ(var_type("$a = (int32)0; $a = (uint16)1;", "$a"), "int32");
}

const MapInfo &map_of_name(const Analysed &a, const std::string &name) {
  return a.info.maps[a.info.map_ids.at(name)];
}

std::string warnings_of(const std::string &body) {
  auto a = analyse("BEGIN { " + body + " }");
  EXPECT_TRUE(a.ok) << a.errors;
  return a.errors; // diagnostics hold warnings too
}

TEST(IntTyping, NoCommonTypeIsInt64WithAWarning) {
  // v0.26 (bpftrace PR #5148): the slot takes int64 and the uint64 is cast, with a warning at
  // the cast. The analysis runs twice; the second round starts from the first one's types, so
  // the cast (and its warning) is at the first assignment, the uint64 one.
  EXPECT_EQ(var_type("$c = (uint64)1; $d = (int64)-1; $c = $d;", "$c"), "int64");
  EXPECT_EQ(warnings_of("$c = (uint64)1; $d = (int64)-1; $c = $d;"),
            "stdin:1:14-23: WARNING: implicit cast from 'uint64' to 'int64' may change the value\n"
            "BEGIN { $c = (uint64)1; $d = (int64)-1; $c = $d; }\n"
            "             ~~~~~~~~~\n");
  EXPECT_EQ(var_type("$a = (uint64)1; $a = -1;", "$a"), "int64");
  EXPECT_EQ(var_type("$a = (int64)-1; $a = nsecs;", "$a"), "int64");
  EXPECT_NE(warnings_of("$a = (int64)-1; $a = nsecs;")
                .find("stdin:1:30-35: WARNING: implicit cast from 'uint64' to 'int64' may change "
                      "the value"),
            std::string::npos);
  auto a = analyse("BEGIN { @a = (uint64)1; @a = (int64)-1; }");
  ASSERT_TRUE(a.ok) << a.errors;
  EXPECT_NE(a.errors.find("WARNING: implicit cast from 'uint64' to 'int64'"), std::string::npos);
}

TEST(IntTyping, SignFlexibleSlotsTakeTheUnsignedTypeSilently) {
  // `0` is an int8, but a positive literal is sign-flexible, and so is a slot typed by such
  // literals only: it takes the uint64, with no warning.
  EXPECT_EQ(var_type("$a = 0; $a = nsecs;", "$a"), "uint64");
  EXPECT_EQ(warnings_of("$a = 0; $a = nsecs;"), "");
  EXPECT_EQ(var_type("$a = 1; $a = 300; $a = nsecs;", "$a"), "uint64");
  EXPECT_EQ(var_type("$a = (uint8)1; $a = 300;", "$a"), "uint16");
  EXPECT_EQ(var_type("$t = 0; $t = $t + nsecs;", "$t"), "uint64");
  EXPECT_EQ(var_type("$b = 5; $a = nsecs; $a = $b;", "$a"), "uint64");
  EXPECT_EQ(warnings_of("$a = 0; print($a < nsecs);"), "");
  // Not flexible any more once a negative value, a cast or arithmetic typed it.
  EXPECT_EQ(var_type("$a = 0; $a = -1; $a = nsecs;", "$a"), "int64");
  EXPECT_EQ(var_type("$a = (int8)0; $a = nsecs;", "$a"), "int64");
  EXPECT_NE(warnings_of("$a = 0; $a++; $a = nsecs;").find("implicit cast"), std::string::npos);
  auto a = analyse("BEGIN { @x = 1; @x = (uint64)5; @k[0] = 1; @k[nsecs] = 2; }");
  ASSERT_TRUE(a.ok) << a.errors;
  EXPECT_EQ(a.errors, "");
  EXPECT_EQ(map_of_name(a, "@x").value_logical.name(), "uint64");
  EXPECT_EQ(map_of_name(a, "@k").key_logical.name(), "uint64");
}

const MapInfo &map_of(const Analysed &a, const std::string &name) {
  return a.info.maps[a.info.map_ids.at(name)];
}

TEST(IntTyping, MapValuesAndKeysAreUpcast) {
  auto a = analyse("BEGIN { @v = 1; @v = -1000; @k[1] = 0; @k[-1] = 0; @k[(uint16)5] = 0; }");
  ASSERT_TRUE(a.ok) << a.errors;
  EXPECT_EQ(map_of(a, "@v").value_logical.name(), "int16");
  EXPECT_EQ(map_of(a, "@v").value_type.name(), "int64"); // stored in 8 bytes, signed
  EXPECT_EQ(map_of(a, "@k").key_logical.name(), "int32");
  EXPECT_EQ(map_of(a, "@k").key_type.name(), "int64");
  // A uint64 key meeting a signed one: int64 keys, the uint64 key cast with a warning.
  auto m = analyse("BEGIN { @m[(uint64)1] = 1; @m[(int64)-1] = 2; }");
  ASSERT_TRUE(m.ok) << m.errors;
  EXPECT_EQ(map_of(m, "@m").key_logical.name(), "int64");
  EXPECT_NE(m.errors.find("stdin:1:12-21: WARNING: implicit cast from 'uint64' to 'int64' may "
                          "change the value"),
            std::string::npos)
      << m.errors;
  auto m2 = analyse("BEGIN { @m[1, (uint64)1] = 1; @m[2, -1] = 2; }");
  ASSERT_TRUE(m2.ok) << m2.errors;
  EXPECT_EQ(map_of(m2, "@m").key_logical.name(), "(int8,int64)");
  // Keys still differ in kind: an error.
  EXPECT_NE(errors_of("@m[1] = 1; @m[\"a\"] = 2;").find("Argument mismatch for @m"),
            std::string::npos);
}

TEST(IntTyping, TuplesAreUpcastFieldByField) {
  EXPECT_EQ(var_type("$t = (1, \"a\"); $t = (-1000, \"bc\");", "$t"), "(int16,string[3])");
  auto a = analyse("BEGIN { @t = (1, (uint32)2); @t = (-1, 5); }");
  ASSERT_TRUE(a.ok) << a.errors;
  // -1 fits the int8 that 1 made; 5 fits the uint32.
  EXPECT_EQ(map_of(a, "@t").value_logical.name(), "(int8,uint32)");
  EXPECT_EQ(map_of(a, "@t").value_type.name(), "(int64,uint64)");
  auto t = analyse("BEGIN { @t = (1, (uint64)2); @t = (-1, (int64)3); }");
  ASSERT_TRUE(t.ok) << t.errors;
  EXPECT_EQ(map_of(t, "@t").value_logical.name(), "(int8,int64)");
  EXPECT_NE(t.errors.find("stdin:1:18-27: WARNING: implicit cast from 'uint64' to 'int64'"),
            std::string::npos)
      << t.errors;
}

TEST(IntTyping, TernaryBranchesMeetInOneType) {
  EXPECT_EQ(var_type("$c = 1; $x = $c ? 1 : -1;", "$x"), "int8");
  EXPECT_EQ(var_type("$c = 1; $x = $c ? 200 : -1;", "$x"), "int16");
  EXPECT_EQ(var_type("$c = 1; $x = $c ? (uint32)1 : 2;", "$x"), "uint32");
  EXPECT_EQ(var_type("$c = 1; $x = $c ? (uint64)1 : (int64)-1;", "$x"), "int64");
  EXPECT_NE(warnings_of("$c = 1; $x = $c ? (uint64)1 : (int64)-1;")
                .find("stdin:1:27-36: WARNING: implicit cast from 'uint64' to 'int64'"),
            std::string::npos);
  EXPECT_EQ(var_type("$c = 1; $x = $c ? 0 : nsecs;", "$x"), "uint64");
  EXPECT_EQ(var_type("$c = 1; $x = $c ? ((uint64)1, 1) : ((int64)-1, 1);", "$x"), "(int64,int8)");
  EXPECT_NE(errors_of("$c = 1; $x = $c ? 1 : \"a\";")
                .find("Ternary operator branches have "
                      "different types: 'int8' and"),
            std::string::npos);
}

Type operand_type_of_first_print(const std::string &body) {
  auto a = analyse("BEGIN { " + body + " }");
  EXPECT_TRUE(a.ok) << a.errors;
  for (auto &st : a.program->probes[0]->body->stmts) {
    if (st->kind != ast::StmtKind::Expr)
      continue;
    auto &call = static_cast<ast::Call &>(*static_cast<ast::ExprStmt &>(*st).expr);
    if (call.name == "print" && call.args[0]->kind == ast::ExprKind::Binary)
      return static_cast<ast::Binary &>(*call.args[0]).operand_type;
  }
  return Type::none();
}

TEST(IntTyping, ComparisonsUseThePromotedSignedness) {
  EXPECT_EQ(operand_type_of_first_print("print((uint8)5 > -1);").name(), "int16");
  EXPECT_EQ(operand_type_of_first_print("print((uint64)5 > 1);").name(), "uint64");
  EXPECT_EQ(operand_type_of_first_print("print((int32)5 < (uint16)1);").name(), "int32");
  // No common type: compared unsigned, with bpftrace's warning.
  auto a = analyse("BEGIN { print((uint64)1 < (int64)-1); }");
  ASSERT_TRUE(a.ok) << a.errors;
  // Diagnostics hold warnings too.
  EXPECT_NE(a.errors.find("WARNING: comparison of integers of different signs: 'uint64' and "
                          "'int64' can lead to undefined behavior"),
            std::string::npos)
      << a.errors;
}

TEST(IntTyping, ArithmeticIs64BitsAndCompoundAssignmentUpcasts) {
  EXPECT_EQ(var_type("$a = (uint8)1; $b = $a + 1;", "$b"), "int64");
  EXPECT_EQ(var_type("$a = (uint64)1; $b = $a + 1;", "$b"), "uint64");
  EXPECT_EQ(var_type("$a = (uint8)1; $a += 1;", "$a"), "int64");
  EXPECT_EQ(var_type("$a = (uint16)1; $a++;", "$a"), "int64");
  EXPECT_EQ(var_type("$a = (uint64)1; $a++;", "$a"), "uint64");
  auto a = analyse("BEGIN { $a = (uint64)1; $b = $a - (int64)2; }");
  ASSERT_TRUE(a.ok) << a.errors;
  EXPECT_NE(a.errors.find("arithmetic on integers of different signs"), std::string::npos)
      << a.errors;
}

TEST(IntTyping, DeclaredIntegerTypesStay) {
  // The initial value is cast (300 into a uint8 is 44); later values must fit, no upcast.
  EXPECT_EQ(var_type("let $x: uint8 = 300; $x = 255;", "$x"), "uint8");
  EXPECT_EQ(var_type("let $x: int16; $x = (uint8)200; $x = -5;", "$x"), "int16");
  EXPECT_EQ(var_type("let $x: uint8 = 1; $x += 1000; $x++;", "$x"), "uint8");
  EXPECT_NE(errors_of("let $x: uint8 = 1; $x = 1000;")
                .find("Type mismatch for $x: trying to assign value of type 'int16' when "
                      "variable already has a type 'uint8'"),
            std::string::npos);
  // A value of another type is cast to the declared one; when it may not fit, with a warning.
  EXPECT_EQ(var_type("let $x: int32; $x = (uint32)1;", "$x"), "int32");
  EXPECT_EQ(warnings_of("let $x: int32; $x = (uint32)1;"),
            "stdin:1:29-38: WARNING: implicit cast from 'uint32' to 'int32' may change the value\n"
            "BEGIN { let $x: int32; $x = (uint32)1; }\n"
            "                            ~~~~~~~~~\n");
  EXPECT_EQ(warnings_of("let $x: int32; $x = (uint16)1;"), "");
  EXPECT_EQ(var_type("$b = -1; let $a: uint16 = $b;", "$a"), "uint16");
  EXPECT_NE(warnings_of("$b = -1; let $a: uint16 = $b;")
                .find("stdin:1:35-37: WARNING: implicit cast from 'int8' to 'uint16' may change "
                      "the value"),
            std::string::npos);
  // A positive variable typed by literals fits an unsigned declared type.
  EXPECT_EQ(warnings_of("$b = 5; let $a: uint8 = $b;"), "");
  // Without an annotation the same assignments upcast (a positive literal into a uint8: uint16).
  EXPECT_EQ(var_type("let $x = (uint8)1; $x = 1000;", "$x"), "uint16");
  EXPECT_EQ(var_type("let $x = (uint8)1; $x = -1000;", "$x"), "int16");
}

} // namespace
