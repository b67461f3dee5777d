// DWARF parameters of tests/programs/dwarf_args.c (built here with -g): names, C type names,
// integer classes and the System V registers they arrive in.
#include "runtime/dwarf_args.h"
#include "test_programs.h"

#include <gtest/gtest.h>

namespace bpfscope {
namespace {

using testing::TestPrograms;
using Kind = DwarfParameter::Kind;

constexpr int kDi = 112, kSi = 104, kDx = 96, kCx = 88;

class DwarfArgsTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    programs_ = new TestPrograms();
    with_ = programs_->build("cc", "dwarf_args", "dwarf_args.c", "-g -O0");
    without_ = programs_->build("cc", "nodwarf", "dwarf_args.c", "-O0");
  }
  static void TearDownTestSuite() { delete programs_; }
  static DwarfFunction function(const std::string &name) {
    std::string error;
    auto fn = read_dwarf_function(with_, name, &error);
    EXPECT_TRUE(fn) << error;
    return fn ? *fn : DwarfFunction{};
  }
  static inline TestPrograms *programs_;
  static inline std::string with_, without_;
};

TEST_F(DwarfArgsTest, IntegersPointersAndStringsInArgumentRegisters) {
  DwarfFunction fn = function("describe");
  ASSERT_EQ(fn.parameters.size(), 4u);
  const auto &p = fn.parameters;
  EXPECT_EQ(p[0].name, "name");
  EXPECT_EQ(p[0].type_name, "const char *");
  EXPECT_EQ(p[0].kind, Kind::CharPointer);
  EXPECT_EQ(p[0].reg_offset, kDi);
  EXPECT_EQ(p[1].type_name, "unsigned int");
  EXPECT_EQ(p[1].kind, Kind::Integer);
  EXPECT_EQ(p[1].size, 4);
  EXPECT_FALSE(p[1].is_signed);
  EXPECT_EQ(p[1].reg_offset, kSi);
  EXPECT_EQ(p[2].size, 2);
  EXPECT_TRUE(p[2].is_signed);
  EXPECT_EQ(p[2].reg_offset, kDx);
  EXPECT_EQ(p[3].type_name, "uint64_t"); // the typedef's name, its base type's class
  EXPECT_EQ(p[3].size, 8);
  EXPECT_EQ(p[3].reg_offset, kCx);
}

TEST_F(DwarfArgsTest, FloatingPointTakesNoIntegerRegister) {
  DwarfFunction fn = function("scale");
  ASSERT_EQ(fn.parameters.size(), 3u);
  EXPECT_EQ(fn.parameters[0].type_name, "double");
  EXPECT_EQ(fn.parameters[0].kind, Kind::Unreadable);
  EXPECT_EQ(fn.parameters[1].reg_offset, kDi);
  EXPECT_EQ(fn.parameters[2].type_name, "long int *");
  EXPECT_EQ(fn.parameters[2].kind, Kind::Pointer);
  EXPECT_EQ(fn.parameters[2].reg_offset, kSi);
  auto fields = dwarf_context_fields(fn);
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0].name, "base");
  EXPECT_EQ(fields[1].kind, ContextField::Kind::Pointer);
}

TEST_F(DwarfArgsTest, UnsignedCharPointerIsAString) {
  DwarfFunction fn = function("count_bytes");
  ASSERT_EQ(fn.parameters.size(), 2u);
  EXPECT_EQ(fn.parameters[0].type_name, "const unsigned char *");
  EXPECT_EQ(fn.parameters[0].kind, Kind::CharPointer);
}

TEST_F(DwarfArgsTest, StructByValueStopsRegisterAssignment) {
  DwarfFunction fn = function("by_value");
  ASSERT_EQ(fn.parameters.size(), 2u);
  EXPECT_EQ(fn.parameters[0].type_name, "struct pair");
  EXPECT_EQ(fn.parameters[0].kind, Kind::Unreadable);
  EXPECT_EQ(fn.parameters[1].kind, Kind::Unreadable);
  EXPECT_TRUE(dwarf_context_fields(fn).empty());
}

TEST_F(DwarfArgsTest, NoParametersAndUnknownFunctions) {
  EXPECT_TRUE(function("no_params").parameters.empty());
  std::string error;
  EXPECT_FALSE(read_dwarf_function(with_, "no_such_function", &error));
  EXPECT_NE(error.find("no DWARF for function no_such_function"), std::string::npos) << error;
}

TEST_F(DwarfArgsTest, BinaryWithoutDebugInfo) {
  EXPECT_TRUE(has_dwarf(with_));
  EXPECT_FALSE(has_dwarf(without_));
  std::string error;
  EXPECT_FALSE(read_dwarf_function(without_, "describe", &error));
  EXPECT_EQ(error, "no DWARF debug info in " + without_);
}

} // namespace
} // namespace bpfscope
