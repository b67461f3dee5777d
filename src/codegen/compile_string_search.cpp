// Searches and comparisons over long strings, which bpf_loop runs one step at a time.
//
// strstr/strcontains:
//
// The unrolled search (string_find in compile_stdlib.cpp) costs instructions in proportion to
// the haystack's size times the needle's: with 1024-byte strings that is millions, far past the
// reach of a BPF jump. Here one step compares one byte; its state is a context on the probe's
// stack, which bpf_loop hands to the callback:
//
//   [0] the haystack's address   [16] i: the position tried   [32] the result (-1: none)
//   [8] the needle's address     [24] j: needle bytes matched there
//
// Either string may live on the stack or in the scratch map (scratch_layout.h); their addresses
// are pointers the verifier follows through the context. As in compile_globmatch.cpp, i and j are
// read through bpf_probe_read_kernel, so that the verifier checks the callback once, for unknown
// values bounded by the checks below, instead of once for every (i, j) it could know exactly.
//
// Each step either ends the search or moves j forward or moves i forward (j back to 0): at most
// (|haystack| + 1) * (|needle| + 1) steps.
#include "codegen/loop_step_builder.h"
#include "codegen/probe_compiler.h"

#include <algorithm>
#include <linux/bpf.h>

namespace bpfscope {

namespace {
enum : int { kHaystack = 0, kNeedle = 8, kPosition = 16, kMatched = 24, kResult = 32, kSize = 40 };

class SearchStep : LoopStepBuilder {
public:
  SearchStep(llvm::Module &module, llvm::LLVMContext &ctx, int haystack_size, int needle_size)
      : LoopStepBuilder(module, ctx, "strstr_step"), haystack_size_(haystack_size),
        needle_size_(needle_size) {}

  llvm::Function *build(const std::string &section) {
    fn_->setSection(section);
    auto *i64 = b_.getInt64Ty();
    auto *i8 = b_.getInt8Ty();
    llvm::Value *context = fn_->getArg(1);
    b_.SetInsertPoint(block("entry"));
    auto *counters = opaque_copy(at(context, kPosition), 16); // i and j
    llvm::Value *i = b_.CreateAlignedLoad(i64, counters, llvm::Align(8));
    llvm::Value *j = b_.CreateAlignedLoad(i64, at(counters, 8), llvm::Align(8));
    llvm::Value *haystack =
        b_.CreateAlignedLoad(b_.getPtrTy(), at(context, kHaystack), llvm::Align(8));
    llvm::Value *needle = b_.CreateAlignedLoad(b_.getPtrTy(), at(context, kNeedle), llvm::Align(8));

    auto *found = block("found"), *not_found = block("not_found");
    // The whole needle matched (a cut string has no NUL to end it).
    auto *needle_more = block("needle_more");
    b_.CreateCondBr(b_.CreateICmpULT(j, b_.getInt64(needle_size_)), needle_more, found);
    b_.SetInsertPoint(needle_more);
    llvm::Value *nc = b_.CreateLoad(i8, b_.CreateInBoundsGEP(i8, needle, j));
    auto *compare = block("compare");
    b_.CreateCondBr(b_.CreateICmpEQ(nc, b_.getInt8(0)), found, compare);

    // A needle running past the haystack's buffer does not fit at any later position either.
    b_.SetInsertPoint(compare);
    auto *in_range = block("in_range");
    b_.CreateCondBr(b_.CreateICmpULT(i, b_.getInt64(haystack_size_)), in_range, not_found);
    b_.SetInsertPoint(in_range);
    llvm::Value *k = b_.CreateAdd(i, j);
    auto *inside = block("inside");
    b_.CreateCondBr(b_.CreateICmpULT(k, b_.getInt64(haystack_size_)), inside, not_found);
    b_.SetInsertPoint(inside);
    llvm::Value *hc = b_.CreateLoad(i8, b_.CreateInBoundsGEP(i8, haystack, k));
    auto *same = block("same"), *differ = block("differ");
    b_.CreateCondBr(b_.CreateICmpEQ(hc, nc), same, differ);

    b_.SetInsertPoint(same); // one more byte of the needle matched here
    b_.CreateAlignedStore(b_.CreateAdd(j, b_.getInt64(1)), at(context, kMatched), llvm::Align(8));
    b_.CreateRet(b_.getInt64(0));

    // No match at i: the next position, unless the haystack's string ends at i.
    b_.SetInsertPoint(differ);
    llvm::Value *start = b_.CreateLoad(i8, b_.CreateInBoundsGEP(i8, haystack, i));
    auto *advance = block("advance");
    b_.CreateCondBr(b_.CreateICmpEQ(start, b_.getInt8(0)), not_found, advance);
    b_.SetInsertPoint(advance);
    b_.CreateAlignedStore(b_.CreateAdd(i, b_.getInt64(1)), at(context, kPosition), llvm::Align(8));
    b_.CreateAlignedStore(b_.getInt64(0), at(context, kMatched), llvm::Align(8));
    b_.CreateRet(b_.getInt64(0));

    b_.SetInsertPoint(found);
    b_.CreateAlignedStore(i, at(context, kResult), llvm::Align(8));
    b_.CreateRet(b_.getInt64(1));
    b_.SetInsertPoint(not_found);
    b_.CreateRet(b_.getInt64(1));
    return fn_;
  }

private:
  llvm::Value *at(llvm::Value *base, int offset) { return byte_offset(base, offset); }

  int haystack_size_, needle_size_;
};
// ==, != and strncmp over strings of more than a few thousand bytes: unrolled, one pair of
// branches per byte, a path through them holds more pending branches than the verifier's limit
// of 8192. One step compares the bytes at i, its context on the probe's stack being
//
//   [0] the first string's address   [8] the second's   [16] i   [24] the result (0: same)
//
// with bytes past either buffer counted as NUL, as strings_equal and strings_differ count them.
class CompareStep : LoopStepBuilder {
public:
  CompareStep(llvm::Module &module, llvm::LLVMContext &ctx, int a_size, int b_size, int limit)
      : LoopStepBuilder(module, ctx, "strcmp_step"), a_size_(a_size), b_size_(b_size),
        limit_(limit) {}

  static constexpr int kFirst = 0, kSecond = 8, kIndex = 16, kResult = 24, kSize = 32;

  llvm::Function *build(const std::string &section) {
    fn_->setSection(section);
    auto *i64 = b_.getInt64Ty();
    llvm::Value *context = fn_->getArg(1);
    b_.SetInsertPoint(block("entry"));
    // i through bpf_probe_read_kernel, as in SearchStep: unknown to the verifier but for the
    // bounds the checks give it, so that it checks this function once.
    auto *index = opaque_copy(at(context, kIndex), 8);
    llvm::Value *i = b_.CreateAlignedLoad(i64, index, llvm::Align(8));
    auto *stop = block("stop"), *within = block("within");
    b_.CreateCondBr(b_.CreateICmpULT(i, b_.getInt64(limit_)), within, stop);
    b_.SetInsertPoint(within);
    llvm::Value *first = b_.CreateAlignedLoad(b_.getPtrTy(), at(context, kFirst), llvm::Align(8));
    llvm::Value *second = b_.CreateAlignedLoad(b_.getPtrTy(), at(context, kSecond), llvm::Align(8));
    llvm::Value *ca = byte(first, i, a_size_);
    llvm::Value *cb = byte(second, i, b_size_);
    auto *differ = block("differ"), *same = block("same"), *more = block("more");
    b_.CreateCondBr(b_.CreateICmpNE(ca, cb), differ, same);
    b_.SetInsertPoint(differ);
    b_.CreateAlignedStore(b_.getInt64(1), at(context, kResult), llvm::Align(8));
    b_.CreateRet(b_.getInt64(1));
    b_.SetInsertPoint(same); // both strings end here: equal
    b_.CreateCondBr(b_.CreateICmpEQ(ca, b_.getInt64(0)), stop, more);
    b_.SetInsertPoint(more);
    b_.CreateAlignedStore(b_.CreateAdd(i, b_.getInt64(1)), at(context, kIndex), llvm::Align(8));
    b_.CreateRet(b_.getInt64(0));
    b_.SetInsertPoint(stop);
    b_.CreateRet(b_.getInt64(1));
    return fn_;
  }

private:
  llvm::Value *at(llvm::Value *base, int offset) { return byte_offset(base, offset); }
  llvm::Value *byte(llvm::Value *base, llvm::Value *i, int size) {
    return bounded_byte(base, i, size);
  }

  int a_size_, b_size_, limit_;
};
} // namespace

llvm::Value *ProbeCompiler::strings_differ_loop(const Value &a, const Value &b, int limit) {
  auto *context = stack(CompareStep::kSize, "strcmp_state");
  b_.CreateAlignedStore(a.v, offset_ptr(context, CompareStep::kFirst), llvm::Align(8));
  b_.CreateAlignedStore(b.v, offset_ptr(context, CompareStep::kSecond), llvm::Align(8));
  b_.CreateAlignedStore(b_.getInt64(0), offset_ptr(context, CompareStep::kIndex), llvm::Align(8));
  b_.CreateAlignedStore(b_.getInt64(0), offset_ptr(context, CompareStep::kResult), llvm::Align(8));
  llvm::Function *step =
      CompareStep(module_, ctx_, a.type.size, b.type.size, limit).build(fn_->getSection().str());
  helper(BPF_FUNC_loop, b_.getInt64Ty(),
         {b_.getInt64(static_cast<uint64_t>(limit) + 1), step, context, b_.getInt64(0)});
  return b_.CreateAlignedLoad(b_.getInt64Ty(), offset_ptr(context, CompareStep::kResult),
                              llvm::Align(8));
}

llvm::Value *ProbeCompiler::string_find_loop(const Value &h, const Value &needle) {
  int hn = h.type.size, nn = needle.type.size;
  auto *context = stack(kSize, "strstr_state");
  b_.CreateAlignedStore(h.v, offset_ptr(context, kHaystack), llvm::Align(8));
  b_.CreateAlignedStore(needle.v, offset_ptr(context, kNeedle), llvm::Align(8));
  b_.CreateAlignedStore(b_.getInt64(0), offset_ptr(context, kPosition), llvm::Align(8));
  b_.CreateAlignedStore(b_.getInt64(0), offset_ptr(context, kMatched), llvm::Align(8));
  b_.CreateAlignedStore(b_.getInt64(-1), offset_ptr(context, kResult), llvm::Align(8));
  llvm::Function *step = SearchStep(module_, ctx_, hn, nn).build(fn_->getSection().str());
  uint64_t steps =
      std::min(static_cast<uint64_t>(hn + 1) * static_cast<uint64_t>(nn + 1), kMaxLoopSteps);
  helper(BPF_FUNC_loop, b_.getInt64Ty(), {b_.getInt64(steps), step, context, b_.getInt64(0)});
  return b_.CreateAlignedLoad(b_.getInt64Ty(), offset_ptr(context, kResult), llvm::Align(8));
}

} // namespace bpfscope
