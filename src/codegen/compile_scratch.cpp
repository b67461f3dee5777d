// ProbeCompiler: memory for values, on the BPF stack or in the per-CPU scratch area
// (scratch_layout.h), and copies and zeroing of blocks of any size.
#include "codegen/probe_compiler.h"

#include <linux/bpf.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/IntrinsicsBPF.h>

namespace bpfscope {

namespace {
// Blocks up to this size are copied and zeroed with inline loads and stores. LLVM's BPF backend
// expands memcpy/memset into at most 128 stores (and fails on a longer one: BPF has no memcpy to
// call), and byte stores are what an unaligned block gets.
constexpr int kInlineBlockBytes = 128;
} // namespace

llvm::Value *ProbeCompiler::value_memory(int bytes, const std::string &name) {
  if (needs_scratch(bytes, on_stack_limit_))
    return scratch(bytes, name);
  return stack(bytes, name);
}

llvm::Value *ProbeCompiler::scratch(int bytes, const std::string &name) {
  int offset = scratch_layout_.allocate(bytes);
  scratch_base();
  // The slot's address is computed once, after the lookup, where it dominates every use.
  llvm::IRBuilder<> sb(scratch_.ready);
  return sb.CreateGEP(sb.getInt8Ty(), scratch_.base, sb.getInt64(offset), name);
}

// The function's element of the scratch map: looked up by CPU id in a block between the entry
// and the body (finish_scratch() links it in), once per run whatever the number of slots.
llvm::Value *ProbeCompiler::scratch_base() {
  if (scratch_.lookup)
    return scratch_.base;
  scratch_.lookup = llvm::BasicBlock::Create(ctx_, "scratch_lookup", fn_);
  scratch_.ready = llvm::BasicBlock::Create(ctx_, "scratch_ready", fn_);
  auto *key = stack(4, "scratch_key");
  llvm::IRBuilder<> sb(scratch_.lookup);
  auto *cpu_fn = llvm::FunctionType::get(sb.getInt32Ty(), {}, false);
  llvm::Value *cpu = sb.CreateCall(
      cpu_fn, sb.CreateIntToPtr(sb.getInt64(BPF_FUNC_get_smp_processor_id), sb.getPtrTy()));
  sb.CreateAlignedStore(cpu, key, llvm::Align(4));
  auto *pseudo = llvm::Intrinsic::getDeclaration(&module_, llvm::Intrinsic::bpf_pseudo);
  auto *map = sb.CreateIntToPtr(
      sb.CreateCall(pseudo, {sb.getInt64(BPF_PSEUDO_MAP_FD), sb.getInt64(internal_.scratch)}),
      sb.getPtrTy());
  auto *lookup_fn = llvm::FunctionType::get(sb.getPtrTy(), {sb.getPtrTy(), sb.getPtrTy()}, false);
  scratch_.base = sb.CreateCall(
      lookup_fn, sb.CreateIntToPtr(sb.getInt64(BPF_FUNC_map_lookup_elem), sb.getPtrTy()),
      {map, key}, "scratch");
  return scratch_.base;
}

llvm::BasicBlock *ProbeCompiler::finish_scratch(llvm::BasicBlock *body) {
  if (!scratch_.lookup)
    return body;
  // The map has an element for every possible CPU: the missing one only satisfies the verifier.
  auto *missing = llvm::BasicBlock::Create(ctx_, "scratch_missing", fn_);
  llvm::IRBuilder<> lb(scratch_.lookup);
  lb.CreateCondBr(lb.CreateIsNull(scratch_.base), missing, scratch_.ready);
  llvm::IRBuilder<> mb(missing);
  mb.CreateRet(mb.getInt64(0));
  llvm::IRBuilder<>(scratch_.ready).CreateBr(body);
  return scratch_.lookup;
}

// Larger blocks go through bpf_probe_read_kernel, which copies any kernel memory (the stack and
// map values included) and fills its destination with zeroes when the source cannot be read:
// from address 0 it zeroes. Called directly, not through helper(): these are no reads of the
// script's that -k should report.
void ProbeCompiler::zero_bytes(llvm::Value *dst, int bytes, llvm::MaybeAlign align) {
  if (bytes <= 0)
    return;
  if (bytes <= kInlineBlockBytes) {
    b_.CreateMemSet(dst, b_.getInt8(0), bytes, align);
    return;
  }
  raw_probe_read(dst, bytes, llvm::ConstantPointerNull::get(b_.getPtrTy()));
}

void ProbeCompiler::copy_bytes(llvm::Value *dst, llvm::Value *src, int bytes,
                               llvm::MaybeAlign align) {
  if (bytes <= 0)
    return;
  if (bytes <= kInlineBlockBytes) {
    b_.CreateMemCpy(dst, align, src, align, bytes);
    return;
  }
  raw_probe_read(dst, bytes, src);
}

void ProbeCompiler::raw_probe_read(llvm::Value *dst, int bytes, llvm::Value *src) {
  auto *fn_type = llvm::FunctionType::get(b_.getInt64Ty(),
                                          {b_.getPtrTy(), b_.getInt64Ty(), b_.getPtrTy()}, false);
  b_.CreateCall(fn_type, b_.CreateIntToPtr(b_.getInt64(BPF_FUNC_probe_read_kernel), b_.getPtrTy()),
                {dst, b_.getInt64(bytes), src});
}

// strlen() of a long string: bpf_probe_read_kernel_str copies it up to its NUL into a scratch
// slot and says how many bytes that took, the NUL included, which costs the verifier one helper
// call rather than a branch per byte. A string that fills its buffer without a NUL (a str() cut
// short, see mark_truncated_string) comes back one byte short, with the NUL the helper wrote
// in its last byte instead: its length is the buffer's size.
llvm::Value *ProbeCompiler::long_string_length(const Value &s) {
  auto *i64 = b_.getInt64Ty();
  int size = s.type.size;
  auto *copy = value_memory(size, "strlen_copy");
  auto *fn_type = llvm::FunctionType::get(i64, {b_.getPtrTy(), i64, b_.getPtrTy()}, false);
  llvm::Value *copied = b_.CreateCall(
      fn_type, b_.CreateIntToPtr(b_.getInt64(BPF_FUNC_probe_read_kernel_str), b_.getPtrTy()),
      {copy, b_.getInt64(size), s.v});
  llvm::Value *last = b_.CreateLoad(b_.getInt8Ty(), offset_ptr(s.v, size - 1));
  llvm::Value *unterminated = b_.CreateAnd(b_.CreateICmpEQ(copied, b_.getInt64(size)),
                                           b_.CreateICmpNE(last, b_.getInt8(0)));
  llvm::Value *len =
      b_.CreateAdd(b_.CreateSub(copied, b_.getInt64(1)), b_.CreateZExt(unterminated, i64));
  // A failed copy (it cannot fail for the probe's own memory) counts as an empty string.
  return b_.CreateSelect(b_.CreateICmpSGT(copied, b_.getInt64(0)), len, b_.getInt64(0));
}

} // namespace bpfscope
