// pcomm(task)/ppid(task) take a struct task_struct *. comm(pid) is accepted in the probes whose BPF
// program type the kernel lets call the task kfuncs (SemanticOptions::task_kfuncs_allowed), refused
// elsewhere with the probe type named; what it compiles to in a tracepoint program passes the
// running kernel's verifier where allowed.
#include "codegen/codegen.h"
#include "load_support.h"
#include "runtime/btf_types.h"
#include "runtime/kernel_btf.h"
#include "runtime/task_kfuncs_allowed.h"
#include "runtime/task_offsets.h"
#include "test_support.h"

#include <gtest/gtest.h>

using namespace bpfscope;
using bpfscope::testing::Analysed;

namespace {

// Analyses `source` with kernel BTF types (curtask is a struct task_struct *), the kernel's task
// offsets and kfunc ids, and `allowed` answering which program types may call the task kfuncs.
Analysed analyse(const std::string &source, std::function<bool(ProgramKind)> allowed) {
  static BtfTypeResolver kernel_types;
  SemanticOptions opts;
  opts.kfunc_btf_id = kfunc_btf_id_from_btf;
  opts.pcomm_offsets = pcomm_offsets_from_btf;
  opts.ppid_offsets = ppid_offsets_from_btf;
  opts.task_kfuncs_allowed = std::move(allowed);
  opts.types = &kernel_types;
  return bpfscope::testing::analyse_with(source, opts);
}

bool only_tracepoints(ProgramKind kind) { return kind == ProgramKind::Tracepoint; }

} // namespace

TEST(CommOfPid, AllowedWhereTheKernelSaysSo) {
  if (kfunc_btf_id_from_btf("bpf_task_from_pid") <= 0)
    GTEST_SKIP() << "the kernel has no bpf_task_from_pid kfunc (Linux 6.2+, BTF)";
  Analysed ok = analyse("tracepoint:test:a { print(comm(args.delta)); }", only_tracepoints);
  EXPECT_TRUE(ok.ok) << ok.errors;

  Analysed begin = analyse("BEGIN { print(comm(1)); }", only_tracepoints);
  EXPECT_FALSE(begin.ok);
  EXPECT_NE(begin.errors.find("stdin:1:15-22: ERROR: comm(pid) is not available in BEGIN probes"),
            std::string::npos)
      << begin.errors;

  // One probe with two attach points: each program type must allow it.
  Analysed mixed = analyse("tracepoint:test:a, kprobe:f { print(comm(1)); }", only_tracepoints);
  EXPECT_NE(mixed.errors.find("not available in kprobe probes"), std::string::npos) << mixed.errors;
}

TEST(CommOfPid, WithoutAnAnswerOnlyTracingProgramsMayCallIt) {
  if (kfunc_btf_id_from_btf("bpf_task_from_pid") <= 0)
    GTEST_SKIP() << "the kernel has no bpf_task_from_pid kfunc (Linux 6.2+, BTF)";
  Analysed r = analyse("tracepoint:test:a { print(comm(1)); }", nullptr);
  EXPECT_NE(r.errors.find("not available in tracepoint probes"), std::string::npos) << r.errors;
}

TEST(CommOfPid, TracepointProgramPassesTheVerifier) {
  if (!task_kfuncs_allowed(ProgramKind::Tracepoint))
    GTEST_SKIP() << "this kernel does not let tracepoint programs call kfuncs (Linux 6.12+)";
  const std::string source = "tracepoint:test:a { printf(\"%s\\n\", comm(args.delta)); }";
  Analysed r = analyse(source, task_kfuncs_allowed);
  ASSERT_TRUE(r.ok) << r.errors;
  Diagnostics diags("stdin", source);
  CompiledObject object;
  ASSERT_TRUE(compile_program(*r.program, r.info, {}, object, diags));
  EXPECT_EQ(bpfscope::testing::load_every_program(r.info, object), "");
}

TEST(CommOfPid, KernelAnswersForProgramTypes) {
  // fentry/fexit/tp_btf programs may always call them; a kernel that lets kprobe programs call
  // them would also let tracepoint ones (tracepoints came first, in 6.12).
  EXPECT_TRUE(task_kfuncs_allowed(ProgramKind::Tracing));
  if (task_kfuncs_allowed(ProgramKind::Kprobe)) {
    EXPECT_TRUE(task_kfuncs_allowed(ProgramKind::Tracepoint));
  }
}

TEST(TaskArguments, PcommAndPpidTakeATaskPointer) {
  if (!pcomm_offsets_from_btf())
    GTEST_SKIP() << "the kernel has no BTF for task_struct";
  auto ok = analyse("BEGIN { $t = curtask->real_parent; print((pcomm($t), ppid($t), pcomm(), "
                    "ppid(curtask))); }",
                    nullptr);
  EXPECT_TRUE(ok.ok) << ok.errors;
  auto wrong = analyse("BEGIN { print(pcomm(1)); }", nullptr);
  EXPECT_NE(wrong.errors.find("stdin:1:21-22: ERROR: pcomm() expects a struct task_struct *"),
            std::string::npos)
      << wrong.errors;
  auto many = analyse("BEGIN { print(ppid(curtask, curtask)); }", nullptr);
  EXPECT_NE(many.errors.find("ppid() takes"), std::string::npos) << many.errors;
}
