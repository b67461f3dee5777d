// globmatch(str, pattern): `?` is any one character, `*` any run of characters (none too),
// `[abc]`, `[a-z]` and `[!abc]` one character of (or not of) a class; the pattern must match the
// whole string.
//
// A pattern known only at run time needs a loop that may go back (a `*` retried one character
// further), which the verifier would follow path by path if it were unrolled. Instead one step
// of a small matching machine is a callback that bpf_loop runs until it says it is done; the
// verifier checks the callback once. Its state holds copies of both strings, so that every byte
// it reads is initialised; it is too large for the stack with long strings, so bpf_loop's
// context (which must be on the stack) is only the state's address:
//
//   [0] s: the string position          [40] mode: 1 inside a [class], else 0
//   [8] p: the pattern position         [48] the class is negated ([!...])
//   [16] the position after the last `*` seen, 0 for none
//   [24] the string position that `*` was tried from
//   [32] the result                     [56] the class matched   [64] the class's first position
//   [72] the string's bytes, then the pattern's
//
// Each step moves p forward, or s forward, or goes back to the last `*` with one more character
// for it: (|str| + 2) * (|pattern| + 2) steps are always enough.
//
// The verifier checks a bpf_loop callback again for each state it may start from, and states
// that differ in a value it knows exactly (every comparison with a constant makes it need the
// exact value) count as different: with positions it knows, it would follow every step of every
// path. So each step reads the header [0, 72) through bpf_probe_read_kernel into its own stack,
// which leaves the verifier knowing nothing of those values but their bounds after the checks.
#include "codegen/loop_step_builder.h"
#include "codegen/probe_compiler.h"

#include <algorithm>
#include <linux/bpf.h>

namespace bpfscope {

using namespace ast;

namespace {
enum : int {
  kGlobS = 0,
  kGlobP = 8,
  kGlobStar = 16,
  kGlobStarS = 24,
  kGlobResult = 32,
  kGlobMode = 40,
  kGlobNegated = 48,
  kGlobHit = 56,
  kGlobClassFirst = 64,
  kGlobText = 72,
};

int round8(int n) { return (n + 7) / 8 * 8; }

// Builds the step callback for a string of `text_size` and a pattern of `pattern_size` bytes.
class GlobStep : LoopStepBuilder {
public:
  GlobStep(llvm::Module &module, llvm::LLVMContext &ctx, int text_size, int pattern_size)
      : LoopStepBuilder(module, ctx, "globmatch_step"), text_size_(text_size),
        pattern_size_(pattern_size), pattern_at_(kGlobText + round8(text_size)) {}

  llvm::Function *build(const std::string &section) {
    fn_->setSection(section);
    b_.SetInsertPoint(block("entry"));
    state_ = b_.CreateAlignedLoad(b_.getPtrTy(), fn_->getArg(1), llvm::Align(8));
    header_ = opaque_copy(state_, kGlobText);
    mismatch_ = block("mismatch");
    llvm::Value *s = field(kGlobS), *p = field(kGlobP);
    llvm::Value *pc = byte(pattern_at_, p, pattern_size_);
    llvm::Value *sc = byte(kGlobText, s, text_size_);
    auto *normal = block("normal"), *in_class = block("class");
    b_.CreateCondBr(is_zero(field(kGlobMode)), normal, in_class);

    b_.SetInsertPoint(normal);
    step_normal(s, p, pc, sc);
    b_.SetInsertPoint(in_class);
    step_class(s, p, pc, sc);
    b_.SetInsertPoint(mismatch_);
    step_mismatch();
    return fn_;
  }

private:
  void step_normal(llvm::Value *s, llvm::Value *p, llvm::Value *pc, llvm::Value *sc) {
    auto *star = block("star"), *not_star = block("not_star");
    b_.CreateCondBr(is_char(pc, '*'), star, not_star);
    b_.SetInsertPoint(star); // remember where to come back to, then try `*` as nothing
    set(kGlobStar, add(p, 1));
    set(kGlobStarS, s);
    set(kGlobP, add(p, 1));
    next();

    b_.SetInsertPoint(not_star);
    auto *text_end = block("text_end"), *text_more = block("text_more");
    b_.CreateCondBr(is_zero(sc), text_end, text_more);
    b_.SetInsertPoint(text_end); // matched if the pattern ends here too
    auto *matched = block("matched");
    b_.CreateCondBr(is_zero(pc), matched, mismatch_);
    b_.SetInsertPoint(matched);
    set(kGlobResult, b_.getInt64(1));
    stop();

    b_.SetInsertPoint(text_more);
    auto *pattern_more = block("pattern_more");
    b_.CreateCondBr(is_zero(pc), mismatch_, pattern_more);
    b_.SetInsertPoint(pattern_more);
    auto *any = block("any"), *not_any = block("not_any");
    b_.CreateCondBr(is_char(pc, '?'), any, not_any);
    b_.SetInsertPoint(any);
    advance_both(s, p);

    b_.SetInsertPoint(not_any);
    auto *open = block("class_open"), *literal = block("literal");
    b_.CreateCondBr(is_char(pc, '['), open, literal);
    b_.SetInsertPoint(open);
    set(kGlobMode, b_.getInt64(1));
    set(kGlobHit, b_.getInt64(0));
    llvm::Value *first = add(p, 1);
    auto *negated = block("class_negated"), *plain = block("class_plain");
    b_.CreateCondBr(is_char(byte(pattern_at_, first, pattern_size_), '!'), negated, plain);
    b_.SetInsertPoint(negated);
    set(kGlobNegated, b_.getInt64(1));
    set(kGlobP, add(p, 2));
    set(kGlobClassFirst, add(p, 2));
    next();
    b_.SetInsertPoint(plain);
    set(kGlobNegated, b_.getInt64(0));
    set(kGlobP, first);
    set(kGlobClassFirst, first);
    next();

    b_.SetInsertPoint(literal);
    auto *same = block("same");
    b_.CreateCondBr(b_.CreateICmpEQ(pc, sc), same, mismatch_);
    b_.SetInsertPoint(same);
    advance_both(s, p);
  }

  // Inside [...]: one member (a character or a range a-z) or the closing `]` per step. A `]`
  // right after `[` or `[!` is a member.
  void step_class(llvm::Value *s, llvm::Value *p, llvm::Value *pc, llvm::Value *sc) {
    auto *member = block("member"), *not_end = block("class_not_end");
    b_.CreateCondBr(is_zero(pc), mismatch_, not_end); // unterminated class: no match
    b_.SetInsertPoint(not_end);
    auto *close = block("class_close"), *maybe_close = block("class_maybe_close");
    b_.CreateCondBr(is_char(pc, ']'), maybe_close, member);
    b_.SetInsertPoint(maybe_close);
    b_.CreateCondBr(b_.CreateICmpEQ(p, field(kGlobClassFirst)), member, close);

    b_.SetInsertPoint(close); // the character is taken when matched xor negated
    set(kGlobMode, b_.getInt64(0));
    auto *taken = block("class_taken");
    b_.CreateCondBr(b_.CreateICmpNE(field(kGlobHit), field(kGlobNegated)), taken, mismatch_);
    b_.SetInsertPoint(taken);
    advance_both(s, p);

    b_.SetInsertPoint(member);
    llvm::Value *dash = byte(pattern_at_, add(p, 1), pattern_size_);
    llvm::Value *last = byte(pattern_at_, add(p, 2), pattern_size_);
    auto *range = block("range"), *single = block("single");
    llvm::Value *is_range =
        b_.CreateAnd(is_char(dash, '-'), b_.CreateAnd(b_.CreateICmpNE(last, b_.getInt64(']')),
                                                      b_.CreateICmpNE(last, b_.getInt64(0))));
    b_.CreateCondBr(is_range, range, single);

    b_.SetInsertPoint(range);
    set(kGlobP, add(p, 3));
    auto *in_range = block("in_range");
    auto *above = block("range_above");
    b_.CreateCondBr(b_.CreateICmpULE(pc, sc), above, continue_block());
    b_.SetInsertPoint(above);
    b_.CreateCondBr(b_.CreateICmpULE(sc, last), in_range, continue_block());
    b_.SetInsertPoint(in_range);
    set(kGlobHit, b_.getInt64(1));
    next();

    b_.SetInsertPoint(single);
    set(kGlobP, add(p, 1));
    auto *hit = block("single_hit");
    b_.CreateCondBr(b_.CreateICmpEQ(pc, sc), hit, continue_block());
    b_.SetInsertPoint(hit);
    set(kGlobHit, b_.getInt64(1));
    next();
  }

  // No match from here: give the last `*` one more character, if there is one and the string
  // has one left; otherwise the whole match fails.
  void step_mismatch() {
    llvm::Value *star = field(kGlobStar);
    llvm::Value *from = field(kGlobStarS);
    auto *retry = block("retry"), *fail = block("fail"), *can_grow = block("can_grow");
    b_.CreateCondBr(is_zero(star), fail, can_grow);
    b_.SetInsertPoint(can_grow);
    b_.CreateCondBr(is_zero(byte(kGlobText, from, text_size_)), fail, retry);
    b_.SetInsertPoint(retry);
    set(kGlobStarS, add(from, 1));
    set(kGlobS, add(from, 1));
    set(kGlobP, star);
    set(kGlobMode, b_.getInt64(0));
    next();
    b_.SetInsertPoint(fail);
    set(kGlobResult, b_.getInt64(0));
    stop();
  }

  void advance_both(llvm::Value *s, llvm::Value *p) {
    set(kGlobS, add(s, 1));
    set(kGlobP, add(p, 1));
    next();
  }

  llvm::BasicBlock *continue_block() {
    if (!continue_) {
      llvm::IRBuilderBase::InsertPointGuard guard(b_);
      continue_ = block("next");
      b_.SetInsertPoint(continue_);
      b_.CreateRet(b_.getInt64(0));
    }
    return continue_;
  }
  void next() { b_.CreateBr(continue_block()); }
  void stop() { b_.CreateRet(b_.getInt64(1)); }

  llvm::Value *at(int offset) { return byte_offset(state_, offset); }
  // Header fields are read from this step's copy, and written to the state.
  llvm::Value *field(int offset) {
    return b_.CreateAlignedLoad(b_.getInt64Ty(), byte_offset(header_, offset), llvm::Align(8));
  }
  void set(int offset, llvm::Value *v) { b_.CreateAlignedStore(v, at(offset), llvm::Align(8)); }
  llvm::Value *add(llvm::Value *v, int n) { return b_.CreateAdd(v, b_.getInt64(n)); }
  llvm::Value *is_zero(llvm::Value *v) { return b_.CreateICmpEQ(v, b_.getInt64(0)); }
  llvm::Value *is_char(llvm::Value *v, char c) { return b_.CreateICmpEQ(v, b_.getInt64(c)); }

  // The byte at index `i` of the copy at offset `base` of the state (`size` bytes), 0 past its end.
  llvm::Value *byte(int base, llvm::Value *i, int size) { return bounded_byte(at(base), i, size); }

  int text_size_, pattern_size_, pattern_at_;
  llvm::Value *state_ = nullptr;
  llvm::AllocaInst *header_ = nullptr;
  llvm::BasicBlock *mismatch_ = nullptr, *continue_ = nullptr;
};
} // namespace

llvm::Value *ProbeCompiler::glob_match(const Value &text, const Value &pattern) {
  int n = text.type.size, m = pattern.type.size;
  int size = kGlobText + round8(n) + round8(m);
  auto *state = value_memory(size, "globmatch");
  zero_bytes(state, size, llvm::MaybeAlign(8));
  copy_bytes(offset_ptr(state, kGlobText), text.v, n);
  copy_bytes(offset_ptr(state, kGlobText + round8(n)), pattern.v, m);
  auto *context = stack(8, "globmatch_state");
  b_.CreateAlignedStore(state, context, llvm::Align(8));
  llvm::Function *step = GlobStep(module_, ctx_, n, m).build(fn_->getSection().str());
  helper(BPF_FUNC_loop, b_.getInt64Ty(),
         {b_.getInt64(std::min(static_cast<uint64_t>(n + 2) * (m + 2), kMaxLoopSteps)), step,
          context, b_.getInt64(0)});
  return b_.CreateAlignedLoad(b_.getInt64Ty(), offset_ptr(state, kGlobResult), llvm::Align(8));
}

} // namespace bpfscope
