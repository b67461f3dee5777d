// USDT argument strings and the RET instructions of x86-64 code (Go uretprobes): the parsing and
// decoding pieces, which need no probe attached.
#include "runtime/go_binary.h"
#include "runtime/usdt_notes.h"

#include <gtest/gtest.h>

using namespace bpfscope;

namespace {

TEST(UsdtArguments, RegisterMemoryAndConstantForms) {
  std::vector<UsdtArgument> args;
  std::string error;
  ASSERT_TRUE(
      parse_usdt_arguments("-4@%edi 8@-16(%rbp) -4@$5 2@(%rax) 1@%r8b -8@$-3 8@%rsi", args, &error))
      << error;
  ASSERT_EQ(args.size(), 7u);
  EXPECT_EQ(args[0].kind, UsdtArgument::Kind::Register);
  EXPECT_EQ(args[0].size, 4);
  EXPECT_TRUE(args[0].is_signed);
  EXPECT_EQ(args[0].reg_offset, 112); // di
  EXPECT_EQ(args[1].kind, UsdtArgument::Kind::Memory);
  EXPECT_EQ(args[1].size, 8);
  EXPECT_FALSE(args[1].is_signed);
  EXPECT_EQ(args[1].reg_offset, 32); // bp
  EXPECT_EQ(args[1].value, -16);
  EXPECT_EQ(args[2].kind, UsdtArgument::Kind::Constant);
  EXPECT_EQ(args[2].value, 5);
  EXPECT_EQ(args[3].kind, UsdtArgument::Kind::Memory);
  EXPECT_EQ(args[3].reg_offset, 80); // ax
  EXPECT_EQ(args[3].value, 0);
  EXPECT_EQ(args[4].reg_offset, 72); // r8
  EXPECT_EQ(args[4].size, 1);
  EXPECT_EQ(args[5].value, -3);
  EXPECT_EQ(args[6].reg_offset, 104); // si
}

TEST(UsdtArguments, IndexRegistersAndScales) {
  std::vector<UsdtArgument> args;
  std::string error;
  ASSERT_TRUE(parse_usdt_arguments("-4@-4(%rbp,%rax,8) 8@(%rbx,%rcx) 2@16(,%rdx,2)", args, &error))
      << error;
  ASSERT_EQ(args.size(), 3u);
  EXPECT_EQ(args[0].kind, UsdtArgument::Kind::Memory);
  EXPECT_EQ(args[0].size, 4);
  EXPECT_TRUE(args[0].is_signed);
  EXPECT_EQ(args[0].reg_offset, 32);   // bp
  EXPECT_EQ(args[0].index_offset, 80); // ax
  EXPECT_EQ(args[0].scale, 8);
  EXPECT_EQ(args[0].value, -4);
  EXPECT_EQ(args[1].reg_offset, 40);   // bx
  EXPECT_EQ(args[1].index_offset, 88); // cx
  EXPECT_EQ(args[1].scale, 1);
  EXPECT_EQ(args[1].value, 0);
  EXPECT_EQ(args[2].reg_offset, -1); // no base
  EXPECT_EQ(args[2].index_offset, 96);
  EXPECT_EQ(args[2].scale, 2);
  EXPECT_EQ(args[2].value, 16);
}

TEST(UsdtArguments, RipRelativeSymbols) {
  std::vector<UsdtArgument> args;
  std::string error;
  ASSERT_TRUE(parse_usdt_arguments("-4@counter(%rip) 8@table+16(%rip) 8@_x-8(%rip) 8@24(%rip)",
                                   args, &error))
      << error;
  ASSERT_EQ(args.size(), 4u);
  for (auto &a : args) {
    EXPECT_EQ(a.kind, UsdtArgument::Kind::Memory);
    EXPECT_EQ(a.reg_offset, 128); // ip
    EXPECT_EQ(a.index_offset, -1);
  }
  EXPECT_EQ(args[0].symbol, "counter");
  EXPECT_EQ(args[0].value, 0);
  EXPECT_EQ(args[1].symbol, "table");
  EXPECT_EQ(args[1].value, 16);
  EXPECT_EQ(args[2].symbol, "_x");
  EXPECT_EQ(args[2].value, -8);
  EXPECT_EQ(args[3].symbol, "");
  EXPECT_EQ(args[3].value, 24);
}

TEST(UsdtArguments, EmptyAndUnsupported) {
  std::vector<UsdtArgument> args;
  std::string error;
  EXPECT_TRUE(parse_usdt_arguments("", args, &error));
  EXPECT_TRUE(args.empty());
  EXPECT_FALSE(parse_usdt_arguments("8@(%rax,%rbx,3)", args, &error));
  EXPECT_NE(error.find("8@(%rax,%rbx,3)': bad scale 3"), std::string::npos) << error;
  EXPECT_FALSE(parse_usdt_arguments("8@(%rax,%xyz,8)", args, &error));
  EXPECT_FALSE(parse_usdt_arguments("8@sym(%rip,%rax,8)", args, &error));
  EXPECT_FALSE(parse_usdt_arguments("8@()", args, &error));
  EXPECT_FALSE(parse_usdt_arguments("8@sym", args, &error));
  EXPECT_FALSE(parse_usdt_arguments("8@%xyz", args, &error));
  EXPECT_FALSE(parse_usdt_arguments("3@%eax", args, &error));
}

TEST(GoReturns, FindsEveryRetInstruction) {
  // push %rbp; mov %rsp,%rbp; test %edi,%edi; je +2; pop %rbp; ret; pop %rbp; ret $8; int3
  std::vector<uint8_t> code = {0x55, 0x48, 0x89, 0xe5, 0x85, 0xff, 0x74, 0x02,
                               0x5d, 0xc3, 0x5d, 0xc2, 0x08, 0x00, 0xcc};
  std::vector<uint64_t> rets;
  std::string error;
  ASSERT_TRUE(find_return_instructions(code, rets, &error)) << error;
  EXPECT_EQ(rets, (std::vector<uint64_t>{9, 11}));
}

TEST(GoReturns, ByteC3InsideAnotherInstructionIsNotARet) {
  // mov $0xc3, %eax (b8 c3 00 00 00); ret
  std::vector<uint8_t> code = {0xb8, 0xc3, 0x00, 0x00, 0x00, 0xc3};
  std::vector<uint64_t> rets;
  std::string error;
  ASSERT_TRUE(find_return_instructions(code, rets, &error)) << error;
  EXPECT_EQ(rets, (std::vector<uint64_t>{5}));
}

TEST(GoBinaries, CBinaryIsNotGo) {
  EXPECT_FALSE(is_go_binary("/bin/true"));
  EXPECT_FALSE(is_go_binary("/nonexistent"));
}

} // namespace

namespace {

TEST(GoEntry, AfterTheStackGrowthCheck) {
  // lea -0x3b0(%rsp),%r12; cmp 0x10(%r14),%r12; jbe +0xea; sub $0x430,%rsp
  std::vector<uint8_t> code = {0x4c, 0x8d, 0xa4, 0x24, 0x50, 0xfc, 0xff, 0xff, 0x4d,
                               0x3b, 0x66, 0x10, 0x0f, 0x86, 0xea, 0x00, 0x00, 0x00,
                               0x48, 0x81, 0xec, 0x30, 0x04, 0x00, 0x00};
  EXPECT_EQ(go_entry_after_stack_check(code), 18u);
  // cmp 0x10(%r14),%rsp; jbe +0x20; sub $0x18,%rsp
  std::vector<uint8_t> small = {0x49, 0x3b, 0x66, 0x10, 0x76, 0x20, 0x48, 0x83, 0xec, 0x18};
  EXPECT_EQ(go_entry_after_stack_check(small), 6u);
  // add: lea (%rax,%rbx),%rax; ret: no check
  std::vector<uint8_t> leaf = {0x48, 0x8d, 0x04, 0x18, 0xc3};
  EXPECT_EQ(go_entry_after_stack_check(leaf), 0u);
}

} // namespace
