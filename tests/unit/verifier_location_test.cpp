// Verifier rejections mapped to the script: line info from a compilation with debug info, the
// failing instruction read from a verifier log, and the two put together on a program the
// running kernel really refuses.
#include "codegen/codegen.h"
#include "runtime/loader.h"
#include "runtime/verifier_location.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <set>

using namespace bpfscope;
using bpfscope::testing::analyse;

namespace {

bool compile_with_lines(const bpfscope::testing::Analysed &a, const std::string &source,
                        CompiledObject &out) {
  Diagnostics diags("test.bt", source);
  CodegenOptions opts;
  opts.line_info = true;
  opts.filename = "test.bt";
  return compile_program(*a.program, a.info, opts, out, diags);
}

TEST(VerifierLocation, FailingInstructionFromTheLog) {
  EXPECT_EQ(rejected_instruction("0: (b7) r0 = 0\n1: (05) goto pc-2\n"
                                 "infinite loop detected at insn 0\n"),
            0u);
  EXPECT_EQ(rejected_instruction("5: (85) call bpf_map_update_elem#2\n"
                                 "12: (07) r6 += 1\nBPF program is too large.\n"),
            12u);
  EXPECT_EQ(rejected_instruction("no instructions at all\n"), std::nullopt);
}

TEST(VerifierLocation, InstructionToRange) {
  std::vector<LineInfoEntry> lines(3);
  lines[0].insn = 0;
  lines[0].range = {1, 1, 1, 6};
  lines[1].insn = 4;
  lines[1].range = {2, 3, 2, 9};
  lines[2].insn = 9; // no node known there: the previous one still applies
  EXPECT_EQ(source_of_instruction(lines, 2).begin_line, 1);
  EXPECT_EQ(source_of_instruction(lines, 4).begin_col, 3);
  EXPECT_EQ(source_of_instruction(lines, 20).begin_line, 2);
  EXPECT_FALSE(source_of_instruction({}, 0).valid());
}

TEST(VerifierLocation, LineInfoCoversEveryProgramWithStatementColumns) {
  std::string source = "BEGIN { @a = 1; }\ninterval:s:1 {\n  @b = 2;\n  @c = count();\n}\n";
  auto a = analyse(source);
  ASSERT_TRUE(a.ok) << a.errors;
  CompiledObject plain, with_lines;
  Diagnostics diags("test.bt", source);
  ASSERT_TRUE(compile_program(*a.program, a.info, {}, plain, diags));
  ASSERT_TRUE(compile_with_lines(a, source, with_lines));
  ASSERT_EQ(with_lines.programs.size(), 2u);
  // Debug info does not change the code.
  for (size_t i = 0; i < 2; i++) {
    EXPECT_EQ(plain.programs[i].instructions, with_lines.programs[i].instructions);
    EXPECT_TRUE(plain.programs[i].line_info.empty());
    EXPECT_FALSE(with_lines.programs[i].line_info.empty());
  }
  std::set<std::pair<int, int>> seen;
  for (auto &e : with_lines.programs[1].line_info)
    if (e.range.valid())
      seen.insert({e.range.begin_line, e.range.begin_col});
  EXPECT_TRUE(seen.count({3, 3})) << "@b = 2 at 3:3";
  EXPECT_TRUE(seen.count({4, 3})) << "@c = count() at 4:3";
  for (auto &e : with_lines.programs[0].line_info)
    if (e.range.valid()) {
      EXPECT_EQ(e.range.begin_line, 1);
    }
}

TEST(VerifierLocation, RealRejectionPointsAtTheStatement) {
  // An endless loop (quick to refuse, unlike a long one): the verifier stops at the loop's
  // first instruction, the body's.
  std::string source = "BEGIN {\n  while (1) {\n    @a[1] = count();\n  }\n}\n";
  auto a = analyse(source);
  ASSERT_TRUE(a.ok) << a.errors;
  CompiledObject object;
  Diagnostics diags("test.bt", source);
  ASSERT_TRUE(compile_program(*a.program, a.info, {}, object, diags));
  MapSet maps;
  std::string error;
  ASSERT_TRUE(create_maps(a.info, object.internal, 64, maps, error)) << error;
  LoadAttributes attributes;
  attributes.type = BPF_PROG_TYPE_RAW_TRACEPOINT;
  LoadResult r = load_program(object.programs[0], attributes, maps.fds, false);
  ASSERT_LT(r.fd, 0) << "the kernel accepted an endless loop";
  RejectionContext context;
  context.source = &diags;
  context.compile_with_line_info = [&](CompiledObject &out) {
    return compile_with_lines(a, source, out);
  };
  std::string text = explain_rejection(0, r, attributes, maps.fds, context);
  EXPECT_EQ(text.rfind("test.bt:3:5-20: ERROR: the kernel's verifier rejected the program for "
                       "probe BEGIN",
                       0),
            0u)
      << text;
  EXPECT_NE(text.find("\n    @a[1] = count();\n    ~~~~~~~~~~~~~~~\n"), std::string::npos) << text;
  EXPECT_NE(text.find("HINT: "), std::string::npos) << text;

  // Without a way to recompile, the plain message.
  EXPECT_EQ(explain_rejection(0, r, attributes, maps.fds, {}), "ERROR: " + r.error);
}

} // namespace
