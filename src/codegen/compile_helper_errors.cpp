// ProbeCompiler: reporting helper failures from the probe (see helper_errors.h).
#include "codegen/helper_errors.h"
#include "codegen/probe_compiler.h"

#include <cerrno>
#include <linux/bpf.h>

namespace bpfscope {

void ProbeCompiler::check_helper_result(int helper_id, llvm::Value *result, int map_id) {
  if (!error_sites_ || !current_node_)
    return;
  llvm::Value *failed;
  if (error_sites_->all_helpers()) {
    failed = b_.CreateICmpSLT(result, b_.getInt64(0));
  } else {
    // Without -k only a full map is reported: a preallocated hash map refuses a new key with
    // E2BIG, one that allocates with ENOMEM.
    failed = b_.CreateOr(b_.CreateICmpEQ(result, b_.getInt64(-E2BIG)),
                         b_.CreateICmpEQ(result, b_.getInt64(-ENOMEM)));
  }
  int site = error_sites_->site(current_node_, helper_id);
  auto *report = llvm::BasicBlock::Create(ctx_, "helper_failed", fn_);
  auto *have_flag = llvm::BasicBlock::Create(ctx_, "helper_failed_flag", fn_);
  auto *first = llvm::BasicBlock::Create(ctx_, "helper_failed_first", fn_);
  auto *done = llvm::BasicBlock::Create(ctx_, "helper_checked", fn_);
  b_.CreateCondBr(failed, report, done);

  // The site's flag in `globals`: the call that sets it reports, every later one is silent.
  b_.SetInsertPoint(report);
  auto *key = stack(4, "site_key");
  b_.CreateAlignedStore(b_.getInt32(kGlobalSlots + site), key, llvm::Align(4));
  auto *flag =
      helper(BPF_FUNC_map_lookup_elem, b_.getPtrTy(), {map_pointer(internal_.globals), key});
  b_.CreateCondBr(b_.CreateIsNotNull(flag), have_flag, done);
  b_.SetInsertPoint(have_flag);
  llvm::Value *was = b_.CreateAtomicRMW(llvm::AtomicRMWInst::Xchg, flag, b_.getInt64(1),
                                        llvm::Align(8), llvm::AtomicOrdering::Monotonic);
  b_.CreateCondBr(b_.CreateICmpEQ(was, b_.getInt64(0)), first, done);

  b_.SetInsertPoint(first);
  const SourceRange &where = current_node_->loc;
  Type u32 = Type::integer(4, false);
  auto field = [&](int64_t v) { return Value{b_.getInt64(v), u32}; };
  Type payload = helper_error_payload_type();
  send_event(EventKind::HelperError, site, &payload,
             {Value{result, Type::integer(8, true)}, field(helper_id),
              field(map_id < 0 ? kNoMap : static_cast<uint32_t>(map_id)), field(where.begin_line),
              field(where.begin_col), field(where.end_line), field(where.end_col)});
  b_.CreateBr(done);
  b_.SetInsertPoint(done);
}

} // namespace bpfscope
