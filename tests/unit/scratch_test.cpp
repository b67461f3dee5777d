// The scratch area for values larger than the BPF stack (codegen/scratch_layout.h): how slots
// are laid out, which values go there, and that programs using it pass the kernel's verifier.
#include "analysis_support.h"
#include "codegen/codegen.h"
#include "codegen/scratch_layout.h"
#include "load_support.h"
#include "test_support.h"

#include <gtest/gtest.h>

using namespace bpfscope;
using bpfscope::testing::Compiled;

namespace {

// Compiles `source` with values above `on_stack_limit` bytes in the scratch area.
Compiled compile(const std::string &source, uint64_t on_stack_limit = 32) {
  CodegenOptions opts;
  opts.on_stack_limit = on_stack_limit;
  return bpfscope::testing::compile(source, opts);
}

// Whether any instruction of the object loads the scratch map's address.
bool references_scratch(const CompiledObject &object) {
  for (const auto &p : object.programs)
    for (size_t i = 0; i < p.instructions.size(); i++) {
      uint64_t in = p.instructions[i];
      bool map_load = (in & 0xff) == 0x18 && ((in >> 12) & 0xf) == 1;
      if (map_load && static_cast<int>(in >> 32) == object.internal.scratch)
        return true;
      if ((in & 0xff) == 0x18)
        i++; // the second half of an ld_imm64
    }
  return false;
}

} // namespace

TEST(ScratchLayout, SlotsAreWordAlignedAndDisjoint) {
  ScratchLayout layout;
  EXPECT_EQ(layout.size(), 0);
  EXPECT_EQ(layout.allocate(1024), 0);
  EXPECT_EQ(layout.allocate(33), 1024);
  EXPECT_EQ(layout.allocate(8), 1024 + 40); // 33 bytes take 40: the next slot starts aligned
  EXPECT_EQ(layout.size(), 1024 + 40 + 8);
}

TEST(ScratchLayout, OnlyValuesOverTheLimitGoThere) {
  EXPECT_FALSE(needs_scratch(32, 32));
  EXPECT_TRUE(needs_scratch(33, 32));
  EXPECT_TRUE(needs_scratch(1, 0));
  EXPECT_FALSE(needs_scratch(0, 0)); // nothing to place
  EXPECT_FALSE(needs_scratch(1024, 4096));
}

TEST(Scratch, SmallValuesStayOnTheStack) {
  Compiled c = compile("BEGIN { @[comm] = count(); $x = 5; print($x); }");
  ASSERT_TRUE(c.ok) << c.errors;
  EXPECT_EQ(c.object.internal.scratch_bytes, 0);
  EXPECT_FALSE(references_scratch(c.object));
}

TEST(Scratch, TheElementHoldsTheLargestProgramsSlots) {
  // Probe 1: $s (1024) and the str() buffer (1024); probe 2: one 1024-byte str() buffer.
  Compiled c = compile("tracepoint:test:ev { $s = str(args.filename); print($s); } "
                       "tracepoint:test:a { print(str(args.filename)); }");
  ASSERT_TRUE(c.ok) << c.errors;
  EXPECT_TRUE(references_scratch(c.object));
  EXPECT_EQ(c.object.internal.scratch, c.object.internal.helper_errors + 1);
  EXPECT_EQ(c.object.internal.scratch_bytes, 2048);
  EXPECT_EQ(c.object.internal.count(), c.object.internal.scratch + 1);
}

TEST(Scratch, OnStackLimitMovesTheThreshold) {
  // A 41-byte string literal and variable: over 32 bytes, under 64.
  const char *script = "BEGIN { $s = \"0123456789012345678901234567890123456789\"; print($s); }";
  Compiled off_stack = compile(script);
  ASSERT_TRUE(off_stack.ok) << off_stack.errors;
  EXPECT_GT(off_stack.object.internal.scratch_bytes, 0);
  Compiled on_stack = compile(script, 64);
  ASSERT_TRUE(on_stack.ok) << on_stack.errors;
  EXPECT_EQ(on_stack.object.internal.scratch_bytes, 0);
}

class ScratchVerifierAccepts : public ::testing::TestWithParam<const char *> {};

TEST_P(ScratchVerifierAccepts, Program) {
  Compiled c = compile(GetParam());
  ASSERT_TRUE(c.ok) << c.errors;
  EXPECT_GT(c.object.internal.scratch_bytes, 512) << GetParam();
  EXPECT_EQ(bpfscope::testing::load_every_program(c.analysed.info, c.object), "") << GetParam();
}

// Several 1024-byte values in one probe (more than the 512-byte stack could hold), in the probe's
// function and in a `for` callback, which looks the element up itself.
INSTANTIATE_TEST_SUITE_P(
    Scratch, ScratchVerifierAccepts,
    ::testing::Values(
        "tracepoint:test:ev { $a = str(args.filename); $b = str(args.filename); "
        "if ($a == $b && strncmp($a, $b, 100) == 0) { printf(\"%s %d\\n\", $a, strlen($b)); } "
        "@m[$a, 1] = ($b, 2); }",
        "tracepoint:test:ev { $s = str(args.filename); @m[$s] = 1; "
        "for ($kv : @m) { if ($kv.0 == $s) { print($kv.0); } } }",
        "tracepoint:test:ev { $s = str(args.filename); "
        "printf(\"%d %d\\n\", strcontains($s, str(args.filename)), strstr($s, \"abc\")); }",
        "tracepoint:test:ev { print(buf(args.filename, 1024)); }"));
