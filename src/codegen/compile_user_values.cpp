// usym() and buf(): values laid out in memory for user space to print.
#include "codegen/probe_compiler.h"

#include <linux/bpf.h>

namespace bpfscope {

// usym(addr): {address, process id}. The process id names the memory map user space resolves
// the address against when it prints the value (the process may have exited by then: the
// symboliser keeps maps it has read).
ProbeCompiler::Value ProbeCompiler::usym_value(const Value &address, const Type &t) {
  auto *buf = stack(t.size, "usym");
  store_integer(buf, 8, address.v);
  store_integer(offset_ptr(buf, 8), 8, b_.CreateLShr(current_pid_tgid(), 32));
  return {buf, t};
}

// buf(ptr, len): {u32 length, u32 0, bytes}. The length is clamped to the type's capacity so the
// verifier sees a bounded read; bpf_probe_read (not the _user/_kernel variants) reads either
// address space, which x86-64 keeps apart, so one helper serves uprobes and kprobes. A failed
// read leaves zeroes with the requested length, as bpftrace prints them.
ProbeCompiler::Value ProbeCompiler::buffer_value(const ast::Call &c) {
  auto *i64 = b_.getInt64Ty();
  const Type &t = c.type;
  int capacity = t.buffer_capacity();
  auto *buf = value_memory(t.size, "buf");
  zero_bytes(buf, t.size, llvm::MaybeAlign(8));
  llvm::Value *src = expr(*c.args[0]).v;
  llvm::Value *want = expr(*c.args[1]).v;
  llvm::Value *len =
      b_.CreateSelect(b_.CreateICmpULT(want, b_.getInt64(capacity)), want, b_.getInt64(capacity));
  store_integer(buf, 4, len);
  helper(BPF_FUNC_probe_read, i64,
         {offset_ptr(buf, Type::kBufferHeader), len, b_.CreateIntToPtr(src, b_.getPtrTy())});
  return {buf, t};
}

} // namespace bpfscope
