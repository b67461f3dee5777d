// tseries(): each (key, interval slot) element of the per-CPU map holds
//   {interval number, value, count, last update (ns)}
// for the interval `wall-clock now / interval_ns`, in slot `interval number % num_intervals`. A
// slot still holding an older interval is started afresh; user space keeps the newest num_intervals
// intervals when it prints (runtime/format_tseries.h).
#include "codegen/probe_compiler.h"

#include <linux/bpf.h>

namespace bpfscope {

using namespace ast;

void ProbeCompiler::tseries_update(const Map &m, const MapInfo &mi, const Call &c) {
  const Type &t = mi.value_type;
  auto *i64 = b_.getInt64Ty();
  llvm::Value *v = expr(*c.args[0]).v;
  // Wall-clock time (boot clock plus the offset user space sets when the run starts): intervals
  // start at round wall-clock times, which is how their rows are labelled.
  llvm::Value *now =
      b_.CreateAdd(helper(BPF_FUNC_ktime_get_boot_ns, i64, {}), global_value(kGlobalBootToWall));
  llvm::Value *epoch = b_.CreateUDiv(now, b_.getInt64(static_cast<uint64_t>(t.tseries_interval)));
  llvm::Value *slot_index =
      b_.CreateURem(epoch, b_.getInt64(static_cast<uint64_t>(t.tseries_count)));
  llvm::Value *key = build_key(m, mi, slot_index);

  auto *slot = helper(BPF_FUNC_map_lookup_elem, b_.getPtrTy(), {map_pointer(mi.id), key});
  auto *check = llvm::BasicBlock::Create(ctx_, "ts_check", fn_);
  auto *same = llvm::BasicBlock::Create(ctx_, "ts_same", fn_);
  auto *fresh = llvm::BasicBlock::Create(ctx_, "ts_fresh", fn_);
  auto *reuse = llvm::BasicBlock::Create(ctx_, "ts_reuse", fn_);
  auto *insert = llvm::BasicBlock::Create(ctx_, "ts_insert", fn_);
  auto *done = llvm::BasicBlock::Create(ctx_, "ts_done", fn_);
  b_.CreateCondBr(b_.CreateIsNotNull(slot), check, fresh);

  // The slot holds this interval: combine.
  b_.SetInsertPoint(check);
  llvm::Value *stored_epoch = b_.CreateAlignedLoad(i64, slot, llvm::Align(8));
  b_.CreateCondBr(b_.CreateICmpEQ(stored_epoch, epoch), same, fresh);
  b_.SetInsertPoint(same);
  llvm::Value *value_ptr = offset_ptr(slot, 8);
  llvm::Value *count_ptr = offset_ptr(slot, 16);
  llvm::Value *cur = b_.CreateAlignedLoad(i64, value_ptr, llvm::Align(8));
  llvm::Value *next = v;
  switch (t.tseries_agg) {
  case TseriesAgg::Last:
    break;
  case TseriesAgg::Sum:
  case TseriesAgg::Avg: // the total; user space divides by the count
    next = b_.CreateAdd(cur, v);
    break;
  case TseriesAgg::Min:
    next =
        b_.CreateSelect(t.is_signed ? b_.CreateICmpSLT(v, cur) : b_.CreateICmpULT(v, cur), v, cur);
    break;
  case TseriesAgg::Max:
    next =
        b_.CreateSelect(t.is_signed ? b_.CreateICmpSGT(v, cur) : b_.CreateICmpUGT(v, cur), v, cur);
    break;
  }
  b_.CreateAlignedStore(next, value_ptr, llvm::Align(8));
  b_.CreateAlignedStore(
      b_.CreateAdd(b_.CreateAlignedLoad(i64, count_ptr, llvm::Align(8)), b_.getInt64(1)), count_ptr,
      llvm::Align(8));
  b_.CreateAlignedStore(now, offset_ptr(slot, 24), llvm::Align(8));
  b_.CreateBr(done);

  // A new interval: {epoch, v, 1, now}, over the old slot or as a new element.
  b_.SetInsertPoint(fresh);
  auto *init = stack(32, "ts_init");
  b_.CreateAlignedStore(epoch, init, llvm::Align(8));
  b_.CreateAlignedStore(v, offset_ptr(init, 8), llvm::Align(8));
  b_.CreateAlignedStore(b_.getInt64(1), offset_ptr(init, 16), llvm::Align(8));
  b_.CreateAlignedStore(now, offset_ptr(init, 24), llvm::Align(8));
  b_.CreateCondBr(b_.CreateIsNotNull(slot), reuse, insert);
  b_.SetInsertPoint(reuse);
  b_.CreateMemCpy(slot, llvm::MaybeAlign(8), init, llvm::MaybeAlign(8), 32);
  b_.CreateBr(done);
  b_.SetInsertPoint(insert);
  map_update(mi.id, key, init);
  b_.CreateBr(done);
  b_.SetInsertPoint(done);
}

} // namespace bpfscope
