// What the hand-built bpf_loop callbacks share (the long-string search and comparison in
// compile_string_search.cpp, globmatch in compile_globmatch.cpp): a `long step(u64 index, void
// *context)` function of the module, not inlined (bpf_loop needs its address), with helpers to
// build its body.
#pragma once

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Module.h>

namespace bpfscope {

class LoopStepBuilder {
protected:
  LoopStepBuilder(llvm::Module &module, llvm::LLVMContext &ctx, const char *name);

  llvm::BasicBlock *block(const char *name);
  // `base` + `offset` bytes.
  llvm::Value *byte_offset(llvm::Value *base, int offset);
  // A copy of `bytes` bytes at `from` on the callback's stack, read with bpf_probe_read_kernel:
  // the verifier then knows the copied values only by the bounds later checks give them, and
  // checks the callback once instead of once for every exact value it could know.
  llvm::AllocaInst *opaque_copy(llvm::Value *from, int bytes);
  // The byte at index `i` of a buffer of `size` bytes at `base`, zero-extended, 0 past its end:
  // the check before the load is what bounds the index for the verifier.
  llvm::Value *bounded_byte(llvm::Value *base, llvm::Value *i, int size);

  llvm::IRBuilder<> b_; // no debug locations: the callback has no debug scope of its own
  llvm::LLVMContext &ctx_;
  llvm::Function *fn_ = nullptr;
};

} // namespace bpfscope
