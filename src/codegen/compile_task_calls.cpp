// pcomm([task]) and ppid([task]): task->group_leader->comm and task->real_parent->tgid, at the
// offsets kernel BTF gave when the script was analysed; `task` is curtask when omitted.
#include "codegen/probe_compiler.h"

#include <linux/bpf.h>

namespace bpfscope {

using namespace ast;

llvm::Value *ProbeCompiler::task_argument(const Call &c) {
  if (c.args.empty())
    return helper(BPF_FUNC_get_current_task, b_.getInt64Ty(), {});
  llvm::Value *task = expr(*c.args[0]).v;
  return task->getType()->isPointerTy() ? b_.CreatePtrToInt(task, b_.getInt64Ty()) : task;
}

ProbeCompiler::Value ProbeCompiler::task_pcomm(llvm::Value *task, const Type &type) {
  auto [leader_off, comm_off] = *info_.pcomm_offsets;
  auto *i64 = b_.getInt64Ty();
  llvm::Value *leader =
      read_kernel_value(b_.CreateAdd(task, b_.getInt64(static_cast<uint64_t>(leader_off))),
                        Type::integer(8, false), 0, 0)
          .v;
  auto *buf = stack(16, "pcomm");
  b_.CreateMemSet(buf, b_.getInt8(0), 16, llvm::MaybeAlign(8));
  helper(BPF_FUNC_probe_read_kernel_str, i64,
         {buf, b_.getInt64(16),
          b_.CreateIntToPtr(b_.CreateAdd(leader, b_.getInt64(static_cast<uint64_t>(comm_off))),
                            b_.getPtrTy())});
  return Value{buf, type};
}

ProbeCompiler::Value ProbeCompiler::task_ppid(llvm::Value *task, const Type &type) {
  auto [parent_off, tgid_off] = *info_.ppid_offsets;
  llvm::Value *parent =
      read_kernel_value(b_.CreateAdd(task, b_.getInt64(static_cast<uint64_t>(parent_off))),
                        Type::integer(8, false), 0, 0)
          .v;
  return Value{read_kernel_value(b_.CreateAdd(parent, b_.getInt64(static_cast<uint64_t>(tgid_off))),
                                 Type::integer(4, false), 0, 0)
                   .v,
               type};
}

std::optional<ProbeCompiler::Value> ProbeCompiler::task_call(const Call &c) {
  if (c.name == "pcomm")
    return task_pcomm(task_argument(c), c.type);
  if (c.name == "ppid")
    return task_ppid(task_argument(c), c.type);
  return std::nullopt;
}

} // namespace bpfscope
