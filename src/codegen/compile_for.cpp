// `for` loops. The body becomes a BPF callback subprogram run by a helper:
//
//   for ($i : a..b)    bpf_loop(b - a, callback(index, context), &context, 0)
//   for ($kv : @map)   bpf_for_each_map_elem(@map, callback(map, key, value, context), &context, 0)
//
// The callback has its own stack frame, so the probe's state reaches it through a context
// struct built on the caller's stack:
//
//   [0]  the probe's context pointer (for args, stacks, ...)
//   [8]  "leave" flag: set by `return` or exit() in the body, checked by the caller after the loop
//   [16] the range's start value (a range loop only)
//   [24 + 8k] a pointer to the k-th `$variable` the body uses (in ProbeInfo::variables order)
//
// Only the variables the body uses are passed: a probe with many (inlined function calls each
// bring their own) would otherwise need a context larger than the 512-byte BPF stack allows.
//
// In the callback every variable is read and written through its pointer, so assignments in the
// body are seen after the loop. `break` returns 1 (the helpers stop iterating), `continue`
// returns 0. The verifier requires callbacks to be static functions described by BTF; the
// loader provides that (see runtime/subprogram_btf.cpp).
#include "codegen/probe_compiler.h"
#include "codegen/source_lines.h"

#include <linux/bpf.h>

#include <set>
#include <unistd.h>

namespace bpfscope {

using namespace ast;

namespace {
constexpr int kContextProbe = 0;
constexpr int kContextLeave = 8;
constexpr int kContextStart = 16;
constexpr int kContextVariables = 24;

bool is_scalar(const Type &t) {
  return t.is_integer() || t.kind == TypeKind::Stack || t.is_user_resolved();
}

// The storage keys of every variable under a statement or expression.
void used_variables(const Stmt &s, std::set<std::string> &out);
void used_variables(const Expr *e, std::set<std::string> &out) {
  if (!e)
    return;
  switch (e->kind) {
  case ExprKind::Variable:
    out.insert(static_cast<const Variable *>(e)->storage);
    break;
  case ExprKind::Map:
    for (auto &k : static_cast<const Map *>(e)->keys)
      used_variables(k.get(), out);
    break;
  case ExprKind::Call:
    for (auto &a : static_cast<const Call *>(e)->args)
      used_variables(a.get(), out);
    break;
  case ExprKind::Binary:
    used_variables(static_cast<const Binary *>(e)->lhs.get(), out);
    used_variables(static_cast<const Binary *>(e)->rhs.get(), out);
    break;
  case ExprKind::Unary:
    used_variables(static_cast<const Unary *>(e)->operand.get(), out);
    break;
  case ExprKind::Ternary:
    used_variables(static_cast<const Ternary *>(e)->cond.get(), out);
    used_variables(static_cast<const Ternary *>(e)->then_expr.get(), out);
    used_variables(static_cast<const Ternary *>(e)->else_expr.get(), out);
    break;
  case ExprKind::Cast:
    used_variables(static_cast<const Cast *>(e)->operand.get(), out);
    break;
  case ExprKind::Field:
    used_variables(static_cast<const Field *>(e)->base.get(), out);
    break;
  case ExprKind::TupleLit:
    for (auto &x : static_cast<const TupleLit *>(e)->elems)
      used_variables(x.get(), out);
    break;
  case ExprKind::TupleIndex:
    used_variables(static_cast<const TupleIndex *>(e)->base.get(), out);
    break;
  case ExprKind::Index:
    used_variables(static_cast<const Index *>(e)->base.get(), out);
    used_variables(static_cast<const Index *>(e)->index.get(), out);
    break;
  case ExprKind::BlockExpr: {
    auto *b = static_cast<const BlockExpr *>(e);
    for (auto &x : b->body->stmts)
      used_variables(*x, out);
    used_variables(b->value.get(), out);
    for (auto &l : b->locals)
      out.insert(l);
    break;
  }
  default: // literals, builtins, sizeof/offsetof (not evaluated)
    break;
  }
}
void used_variables(const Stmt &s, std::set<std::string> &out) {
  auto block = [&out](const Block *b) {
    if (b)
      for (auto &x : b->stmts)
        used_variables(*x, out);
  };
  switch (s.kind) {
  case StmtKind::Expr:
    used_variables(static_cast<const ExprStmt &>(s).expr.get(), out);
    break;
  case StmtKind::AssignMap:
    used_variables(static_cast<const AssignMap &>(s).map.get(), out);
    used_variables(static_cast<const AssignMap &>(s).value.get(), out);
    break;
  case StmtKind::AssignVar:
    out.insert(static_cast<const AssignVar &>(s).var->storage);
    used_variables(static_cast<const AssignVar &>(s).value.get(), out);
    break;
  case StmtKind::If:
    used_variables(static_cast<const If &>(s).cond.get(), out);
    block(static_cast<const If &>(s).then_block.get());
    block(static_cast<const If &>(s).else_block.get());
    break;
  case StmtKind::Block:
    block(&static_cast<const Block &>(s));
    break;
  case StmtKind::While:
    used_variables(static_cast<const While &>(s).cond.get(), out);
    block(static_cast<const While &>(s).body.get());
    break;
  case StmtKind::Unroll:
    block(static_cast<const Unroll &>(s).body.get());
    break;
  case StmtKind::For: {
    auto &f = static_cast<const For &>(s);
    out.insert(f.var->storage);
    used_variables(f.start.get(), out);
    used_variables(f.end.get(), out);
    block(f.body.get());
    break;
  }
  case StmtKind::Jump:
    used_variables(static_cast<const Jump &>(s).value.get(), out);
    break;
  }
}

// The variables the loop's callback reaches through its context, in ProbeInfo::variables order.
std::vector<std::string> context_variables(const For &f, const ProbeInfo &probe) {
  std::set<std::string> used;
  used_variables(f, used);
  std::vector<std::string> out;
  for (auto &[name, type] : probe.variables)
    if (used.count(name))
      out.push_back(name);
  return out;
}
} // namespace

void ProbeCompiler::for_loop(const For &f) {
  bool over_map = f.map != nullptr;
  llvm::Value *count = nullptr, *start = nullptr;
  if (!over_map) {
    // Both bounds are evaluated once, before the first iteration.
    start = expr(*f.start).v;
    llvm::Value *end = expr(*f.end).v;
    count = b_.CreateSelect(b_.CreateICmpSGT(end, start), b_.CreateSub(end, start), b_.getInt64(0));
  }
  auto saved_for_variables = std::move(for_variables_);
  for_variables_ = context_variables(f, probe_info_);
  llvm::Value *context = for_context(f, start);
  llvm::Function *callback = for_callback(f, over_map);
  for_variables_ = std::move(saved_for_variables);
  if (over_map) {
    int map_id = info_.map_ids.at(f.map->name);
    helper(BPF_FUNC_for_each_map_elem, b_.getInt64Ty(),
           {map_pointer(map_id), callback, context, b_.getInt64(0)});
  } else {
    // An empty range does not call bpf_loop at all: with a count the verifier knows to be 0 it
    // would never visit the callback and would remove its code while the reference to it stays
    // (Linux 6.18 then fails with "No program to jit").
    auto *run = llvm::BasicBlock::Create(ctx_, "for_run", fn_);
    auto *ran = llvm::BasicBlock::Create(ctx_, "for_ran", fn_);
    b_.CreateCondBr(b_.CreateICmpNE(count, b_.getInt64(0)), run, ran);
    b_.SetInsertPoint(run);
    helper(BPF_FUNC_loop, b_.getInt64Ty(), {count, callback, context, b_.getInt64(0)});
    b_.CreateBr(ran);
    b_.SetInsertPoint(ran);
  }
  llvm::Value *leave =
      b_.CreateAlignedLoad(b_.getInt64Ty(), offset_ptr(context, kContextLeave), llvm::Align(8));
  auto *leave_bb = llvm::BasicBlock::Create(ctx_, "for_leave", fn_);
  auto *after = llvm::BasicBlock::Create(ctx_, "for_done", fn_);
  b_.CreateCondBr(to_bool(leave), leave_bb, after);
  b_.SetInsertPoint(leave_bb);
  leave_probe();
  b_.SetInsertPoint(after);
}

llvm::Value *ProbeCompiler::for_context(const For &, llvm::Value *start) {
  int size = kContextVariables + 8 * static_cast<int>(for_variables_.size());
  auto *context = stack(size, "for_context");
  b_.CreateAlignedStore(ctx_arg_, offset_ptr(context, kContextProbe), llvm::Align(8));
  b_.CreateAlignedStore(b_.getInt64(0), offset_ptr(context, kContextLeave), llvm::Align(8));
  b_.CreateAlignedStore(start ? start : b_.getInt64(0), offset_ptr(context, kContextStart),
                        llvm::Align(8));
  int offset = kContextVariables;
  for (auto &name : for_variables_) {
    b_.CreateAlignedStore(variables_.at(name), offset_ptr(context, offset), llvm::Align(8));
    offset += 8;
  }
  return context;
}

llvm::Function *ProbeCompiler::for_callback(const For &f, bool over_map) {
  auto *i64 = b_.getInt64Ty();
  auto *ptr = b_.getPtrTy();
  auto *type = over_map ? llvm::FunctionType::get(i64, {ptr, ptr, ptr, ptr}, false)
                        : llvm::FunctionType::get(i64, {i64, ptr}, false);
  auto *callback = llvm::Function::Create(type, llvm::Function::InternalLinkage,
                                          fn_->getName() + "_for", module_);
  callback->setSection(fn_->getSection());
  callback->addFnAttr(llvm::Attribute::NoInline);

  // The callback is a function of its own: compile it with this compiler's per-function state
  // swapped out, and put everything back afterwards.
  auto saved_ip = b_.saveIP();
  llvm::Function *saved_fn = fn_;
  llvm::BasicBlock *saved_entry = entry_;
  llvm::Value *saved_ctx = ctx_arg_;
  llvm::Value *saved_leave = leave_flag_;
  llvm::BasicBlock *saved_errors_setup = errors_setup_;
  llvm::Value *saved_errors_slots = errors_slots_;
  ScratchAccess saved_scratch = scratch_; // the callback looks the element up itself
  llvm::DIScope *saved_debug_scope = debug_scope_;
  auto saved_variables = std::move(variables_);
  auto saved_loops = std::move(loops_);
  auto saved_functions = std::move(functions_);
  variables_.clear();
  loops_.clear();
  functions_.clear();

  fn_ = callback;
  errors_setup_ = nullptr;
  errors_slots_ = nullptr;
  scratch_ = {};
  if (source_lines_)
    debug_scope_ = source_lines_->function(*fn_, f.loc);
  SourceLocationGuard at_loop(b_, source_lines_, debug_scope_, f.loc);
  entry_ = llvm::BasicBlock::Create(ctx_, "entry", fn_);
  auto *body = llvm::BasicBlock::Create(ctx_, "body", fn_);
  b_.SetInsertPoint(body);
  llvm::Value *context = callback->getArg(over_map ? 3 : 1);
  ctx_arg_ = b_.CreateAlignedLoad(ptr, offset_ptr(context, kContextProbe), llvm::Align(8));
  leave_flag_ = offset_ptr(context, kContextLeave);
  int offset = kContextVariables;
  // The slots are the probe's 8-byte aligned stack slots: say so (`!align`), so that LLVM reads
  // and writes them whole instead of byte by byte, which would also cost the verifier the exact
  // values (a loop bounded by a variable would then look unbounded).
  auto *align8 = llvm::MDNode::get(
      ctx_, {llvm::ConstantAsMetadata::get(llvm::ConstantInt::get(b_.getInt64Ty(), 8))});
  for (auto &name : for_variables_) {
    auto *slot = b_.CreateAlignedLoad(ptr, offset_ptr(context, offset), llvm::Align(8));
    slot->setMetadata(llvm::LLVMContext::MD_align, align8);
    slot->setMetadata(llvm::LLVMContext::MD_nonnull, llvm::MDNode::get(ctx_, {}));
    variables_[name] = slot;
    offset += 8;
  }

  // The loop variable, set afresh on every iteration.
  Value var = variable_storage(f.var->storage);
  if (over_map) {
    const MapInfo &mi = info_.maps[info_.map_ids.at(f.map->name)];
    const Type &tuple = var.type;
    llvm::Value *sources[2] = {callback->getArg(1), callback->getArg(2)};
    const Type *source_types[2] = {&mi.key_type, &mi.value_type};
    zero_bytes(var.v, tuple.size, llvm::MaybeAlign(8));
    for (int i = 0; i < 2; i++) {
      const Type &from = *source_types[i];
      Value field{
          is_scalar(from) ? load_integer(sources[i], from.size, from.is_signed) : sources[i], from};
      if (i == 1 && from.is_aggregation())
        field = {all_cpus_value(mi, sources[0]), tuple.fields[1]};
      store_as(offset_ptr(var.v, tuple.field_offsets[i]), tuple.fields[i], field);
    }
  } else {
    llvm::Value *start =
        b_.CreateAlignedLoad(i64, offset_ptr(context, kContextStart), llvm::Align(8));
    store_integer(var.v, 8, b_.CreateAdd(start, callback->getArg(0)));
  }

  loops_.push_back({nullptr, nullptr});
  block(*f.body);
  if (!b_.GetInsertBlock()->getTerminator())
    b_.CreateRet(b_.getInt64(0));
  llvm::IRBuilder<> eb(entry_);
  finish_entry(eb, body);

  fn_ = saved_fn;
  entry_ = saved_entry;
  ctx_arg_ = saved_ctx;
  leave_flag_ = saved_leave;
  errors_setup_ = saved_errors_setup;
  errors_slots_ = saved_errors_slots;
  scratch_ = saved_scratch;
  debug_scope_ = saved_debug_scope;
  variables_ = std::move(saved_variables);
  loops_ = std::move(saved_loops);
  functions_ = std::move(saved_functions);
  b_.restoreIP(saved_ip);
  return callback;
}

// The value of a per-CPU aggregation (count, sum, min, max, avg) under `key`, all CPUs combined,
// as bpftrace gives it to a loop: the callback only sees the current CPU's slot, so every CPU's
// is looked up with bpf_map_lookup_percpu_elem. The slots are {count or value, total or set}.
// Comparisons go through branches and memory, never through a select with a 0 arm, which LLVM
// may turn into the all-ones mask arithmetic the host's verifier mishandles.
llvm::Value *ProbeCompiler::all_cpus_value(const MapInfo &mi, llvm::Value *key_in) {
  auto *i64 = b_.getInt64Ty();
  const Type &agg = mi.value_type;
  int key_size = mi.bpf_key_type().size;
  auto *key = value_memory(key_size, "percpu_key");
  copy_bytes(key, key_in, key_size);
  auto *first = stack(8, "percpu_first");   // count / sum / min / max / avg count
  auto *second = stack(8, "percpu_second"); // avg total; min/max: a CPU had a value
  auto *cpu = stack(8, "percpu_cpu");
  b_.CreateAlignedStore(b_.getInt64(0), first, llvm::Align(8));
  b_.CreateAlignedStore(b_.getInt64(0), second, llvm::Align(8));
  b_.CreateAlignedStore(b_.getInt64(0), cpu, llvm::Align(8));
  long cpus = std::max(1L, sysconf(_SC_NPROCESSORS_CONF));

  auto *head = llvm::BasicBlock::Create(ctx_, "percpu_head", fn_);
  auto *body = llvm::BasicBlock::Create(ctx_, "percpu_body", fn_);
  auto *found = llvm::BasicBlock::Create(ctx_, "percpu_found", fn_);
  auto *next = llvm::BasicBlock::Create(ctx_, "percpu_next", fn_);
  auto *done = llvm::BasicBlock::Create(ctx_, "percpu_done", fn_);
  b_.CreateBr(head);
  b_.SetInsertPoint(head);
  llvm::Value *c = b_.CreateAlignedLoad(i64, cpu, llvm::Align(8));
  b_.CreateCondBr(b_.CreateICmpULT(c, b_.getInt64(cpus)), body, done);

  b_.SetInsertPoint(body);
  llvm::Value *slot = helper(BPF_FUNC_map_lookup_percpu_elem, b_.getPtrTy(),
                             {map_pointer(mi.id), key, b_.CreateTrunc(c, b_.getInt32Ty())});
  b_.CreateCondBr(b_.CreateIsNotNull(slot), found, next);

  b_.SetInsertPoint(found);
  llvm::Value *v0 = b_.CreateAlignedLoad(i64, slot, llvm::Align(8));
  llvm::Value *v1 = b_.CreateAlignedLoad(i64, offset_ptr(slot, 8), llvm::Align(8));
  switch (agg.kind) {
  case TypeKind::Count:
  case TypeKind::Sum:
    b_.CreateAlignedStore(b_.CreateAdd(b_.CreateAlignedLoad(i64, first, llvm::Align(8)), v0), first,
                          llvm::Align(8));
    b_.CreateBr(next);
    break;
  case TypeKind::Avg:
    b_.CreateAlignedStore(b_.CreateAdd(b_.CreateAlignedLoad(i64, first, llvm::Align(8)), v0), first,
                          llvm::Align(8));
    b_.CreateAlignedStore(b_.CreateAdd(b_.CreateAlignedLoad(i64, second, llvm::Align(8)), v1),
                          second, llvm::Align(8));
    b_.CreateBr(next);
    break;
  default: { // Min, Max: a CPU's slot counts only once it has a value
    auto *has = llvm::BasicBlock::Create(ctx_, "percpu_has", fn_);
    auto *take = llvm::BasicBlock::Create(ctx_, "percpu_take", fn_);
    b_.CreateCondBr(b_.CreateICmpNE(v1, b_.getInt64(0)), has, next);
    b_.SetInsertPoint(has);
    llvm::Value *cur = b_.CreateAlignedLoad(i64, first, llvm::Align(8));
    llvm::Value *any = b_.CreateAlignedLoad(i64, second, llvm::Align(8));
    llvm::Value *better =
        agg.kind == TypeKind::Min
            ? (agg.is_signed ? b_.CreateICmpSLT(v0, cur) : b_.CreateICmpULT(v0, cur))
            : (agg.is_signed ? b_.CreateICmpSGT(v0, cur) : b_.CreateICmpUGT(v0, cur));
    b_.CreateCondBr(b_.CreateOr(b_.CreateICmpEQ(any, b_.getInt64(0)), better), take, next);
    b_.SetInsertPoint(take);
    b_.CreateAlignedStore(v0, first, llvm::Align(8));
    b_.CreateAlignedStore(b_.getInt64(1), second, llvm::Align(8));
    b_.CreateBr(next);
    break;
  }
  }

  b_.SetInsertPoint(next);
  b_.CreateAlignedStore(b_.CreateAdd(c, b_.getInt64(1)), cpu, llvm::Align(8));
  b_.CreateBr(head);

  b_.SetInsertPoint(done);
  llvm::Value *result = b_.CreateAlignedLoad(i64, first, llvm::Align(8));
  if (agg.kind == TypeKind::Avg) {
    // total / count; with no values both are 0, and 0 / 1 keeps the division defined.
    llvm::Value *total = b_.CreateAlignedLoad(i64, second, llvm::Align(8));
    llvm::Value *divisor =
        b_.CreateAdd(result, b_.CreateZExt(b_.CreateICmpEQ(result, b_.getInt64(0)), i64));
    if (!agg.is_signed)
      return b_.CreateUDiv(total, divisor);
    // BPF (before v4) has no signed division: divide the magnitude, then put the sign back.
    auto *out = stack(8, "percpu_avg");
    auto *neg = llvm::BasicBlock::Create(ctx_, "avg_negative", fn_);
    auto *pos = llvm::BasicBlock::Create(ctx_, "avg_positive", fn_);
    auto *avg_done = llvm::BasicBlock::Create(ctx_, "avg_done", fn_);
    b_.CreateCondBr(b_.CreateICmpSLT(total, b_.getInt64(0)), neg, pos);
    b_.SetInsertPoint(neg);
    b_.CreateAlignedStore(b_.CreateNeg(b_.CreateUDiv(b_.CreateNeg(total), divisor)), out,
                          llvm::Align(8));
    b_.CreateBr(avg_done);
    b_.SetInsertPoint(pos);
    b_.CreateAlignedStore(b_.CreateUDiv(total, divisor), out, llvm::Align(8));
    b_.CreateBr(avg_done);
    b_.SetInsertPoint(avg_done);
    result = b_.CreateAlignedLoad(i64, out, llvm::Align(8));
  }
  return result;
}

} // namespace bpfscope
