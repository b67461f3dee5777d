// ProbeCompiler: recording helper failures for user space (see helper_errors.h).
#include "codegen/helper_errors.h"
#include "codegen/probe_compiler.h"

#include <cerrno>
#include <linux/bpf.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/IntrinsicsBPF.h>

namespace bpfscope {

// Looks the slots (one array element) up at the builder's position.
llvm::Value *ProbeCompiler::lookup_helper_error_slots(llvm::IRBuilder<> &sb) {
  auto *key = stack(4, "helper_errors_key");
  sb.CreateAlignedStore(sb.getInt32(0), key, llvm::Align(4));
  auto *pseudo = llvm::Intrinsic::getDeclaration(&module_, llvm::Intrinsic::bpf_pseudo);
  auto *map = sb.CreateIntToPtr(
      sb.CreateCall(pseudo, {sb.getInt64(BPF_PSEUDO_MAP_FD), sb.getInt64(internal_.helper_errors)}),
      sb.getPtrTy());
  auto *fn_type = llvm::FunctionType::get(sb.getPtrTy(), {sb.getPtrTy(), sb.getPtrTy()}, false);
  auto *lookup = sb.CreateIntToPtr(sb.getInt64(BPF_FUNC_map_lookup_elem), sb.getPtrTy());
  return sb.CreateCall(fn_type, lookup, {map, key});
}

// With -k (every read helper is a site, often several per run) the slots are looked up once per
// run of the program, in a block between the entry and the body (finish_entry() links it in);
// the pointer then serves every site of the function.
llvm::Value *ProbeCompiler::helper_error_slots() {
  if (errors_setup_)
    return errors_slots_;
  errors_setup_ = llvm::BasicBlock::Create(ctx_, "helper_errors", fn_);
  llvm::IRBuilder<> sb(errors_setup_);
  errors_slots_ = lookup_helper_error_slots(sb);
  return errors_slots_;
}

// Without -k the only sites are map updates (a full map), which a keyed aggregation reaches
// only for a key new on the CPU: the slots are looked up there, at the site, so the runs that
// update nothing (nearly all of them) do not pay for the lookup.
void ProbeCompiler::record_helper_error(int site, llvm::Value *error) {
  llvm::Value *slots;
  llvm::BasicBlock *after = nullptr;
  if (error_sites_->all_helpers()) {
    slots = helper_error_slots();
  } else {
    slots = lookup_helper_error_slots(b_);
    auto *record = llvm::BasicBlock::Create(ctx_, "helper_error_record", fn_);
    after = llvm::BasicBlock::Create(ctx_, "helper_error_recorded", fn_);
    b_.CreateCondBr(b_.CreateIsNotNull(slots), record, after);
    b_.SetInsertPoint(record);
  }
  // Keeps the first failure's errno; a 0 (no failure) leaves an empty slot empty.
  llvm::Value *slot = offset_ptr(slots, site * 8);
  b_.CreateAtomicCmpXchg(slot, b_.getInt64(0), error, llvm::MaybeAlign(8),
                         llvm::AtomicOrdering::Monotonic, llvm::AtomicOrdering::Monotonic);
  if (after) {
    b_.CreateBr(after);
    b_.SetInsertPoint(after);
  }
}

void ProbeCompiler::finish_entry(llvm::IRBuilder<> &entry, llvm::BasicBlock *body) {
  body = finish_scratch(body); // the scratch lookup, if any, runs just before the body
  if (!errors_setup_) {
    entry.CreateBr(body);
    return;
  }
  entry.CreateBr(errors_setup_);
  // The array always has its element: the failed lookup only satisfies the verifier.
  auto *missing = llvm::BasicBlock::Create(ctx_, "helper_errors_missing", fn_);
  llvm::IRBuilder<> sb(errors_setup_);
  sb.CreateCondBr(sb.CreateIsNull(errors_slots_), missing, body);
  llvm::IRBuilder<> mb(missing);
  mb.CreateRet(mb.getInt64(0));
}

// Hides a value from LLVM's pattern matching, so that the arithmetic below is not turned back
// into a comparison and a branch; the BPF backend removes the call before emitting code.
llvm::Value *ProbeCompiler::opaque(llvm::Value *v) {
  auto *fn = llvm::Intrinsic::getDeclaration(&module_, llvm::Intrinsic::bpf_passthrough,
                                             {v->getType(), v->getType()});
  return b_.CreateCall(fn, {b_.getInt32(opaque_sequence_++), v});
}

void ProbeCompiler::check_helper_result(int helper_id, llvm::Value *result, int map_id) {
  if (!error_sites_ || !current_node_)
    return;
  int site = error_sites_->site(*current_node_, helper_id, map_id);
  llvm::Value *error;
  // Only 0/1 flags and multiplications: a mask of all ones or zeros (the usual branch-free
  // idiom, `x s>> 63 & y`) makes Linux 6.18's verifier fork its state at the AND
  // (maybe_fork_scalars), one fork per loop iteration again, and on 6.18.44 a fork past the
  // verifier's state limit oopses the kernel.
  if (error_sites_->all_helpers()) {
    // -errno when the result is negative, else 0: the negation times the sign bit.
    llvm::Value *negative = opaque(b_.CreateLShr(result, 63));
    error = b_.CreateMul(opaque(b_.CreateNeg(result)), negative);
  } else {
    // Without -k only a full map: a preallocated hash map refuses a new key with E2BIG.
    // y | -y has its sign bit set unless y is 0.
    llvm::Value *y = opaque(b_.CreateAdd(result, b_.getInt64(E2BIG)));
    llvm::Value *nonzero = b_.CreateLShr(b_.CreateOr(y, opaque(b_.CreateNeg(y))), 63);
    llvm::Value *full = opaque(b_.CreateXor(nonzero, b_.getInt64(1)));
    error = b_.CreateMul(full, b_.getInt64(E2BIG));
  }
  record_helper_error(site, error);
}

} // namespace bpfscope
