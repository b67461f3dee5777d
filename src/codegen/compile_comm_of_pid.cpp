// comm(pid): the thread's task from the kfunc bpf_task_from_pid (NULL when there is no such
// thread), its comm copied out, and the reference given back with bpf_task_release; 16 zero
// bytes when there is none. The kfunc calls are marker helper calls patched by kfunc_calls.cpp.
#include "codegen/kfunc_calls.h"
#include "codegen/probe_compiler.h"

#include <linux/bpf.h>

namespace bpfscope {

using namespace ast;

ProbeCompiler::Value ProbeCompiler::comm_of_pid(const Call &c) {
  auto *buf = stack(c.type.size, "comm_of_pid");
  b_.CreateMemSet(buf, b_.getInt8(0), c.type.size, llvm::MaybeAlign(8));
  llvm::Value *pid = b_.CreateTrunc(expr(*c.args[0]).v, b_.getInt32Ty());
  llvm::Value *task = helper(static_cast<int>(kKfuncMarkerTaskFromPid), b_.getPtrTy(), {pid});
  auto *found = llvm::BasicBlock::Create(ctx_, "comm_task", fn_);
  auto *done = llvm::BasicBlock::Create(ctx_, "comm_done", fn_);
  b_.CreateCondBr(b_.CreateIsNotNull(task), found, done);

  b_.SetInsertPoint(found);
  int comm_offset = info_.pcomm_offsets->second;
  helper(BPF_FUNC_probe_read_kernel, b_.getInt64Ty(),
         {buf, b_.getInt64(static_cast<uint64_t>(c.type.size)),
          b_.CreateGEP(b_.getInt8Ty(), task, b_.getInt64(static_cast<uint64_t>(comm_offset)))});
  helper(static_cast<int>(kKfuncMarkerTaskRelease), b_.getVoidTy(), {task});
  b_.CreateBr(done);

  b_.SetInsertPoint(done);
  return {buf, c.type};
}

} // namespace bpfscope
