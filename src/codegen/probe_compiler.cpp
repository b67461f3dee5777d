#include "codegen/probe_compiler.h"

#include "codegen/helper_errors.h"
#include "codegen/source_lines.h"
#include "parser/semantic_equality.h"

#include <algorithm>
#include <linux/bpf.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/IntrinsicsBPF.h>
#include <unistd.h>

namespace bpfscope {

using namespace ast;

bool held_in_register(const Type &t) {
  return t.is_integer() || t.kind == TypeKind::Stack || t.is_user_resolved();
}

ProbeCompiler::ProbeCompiler(llvm::Module &module, const ProgramInfo &info,
                             const InternalMaps &internal, const Probe &probe,
                             const ProbeInfo &probe_info, const ProbeTarget &target)
    : module_(module), ctx_(module.getContext()), b_(module.getContext()), info_(info),
      internal_(internal), probe_(probe), probe_info_(probe_info), target_(target) {}

llvm::Function *ProbeCompiler::compile(const std::string &function_name,
                                       const std::string &section) {
  auto *fn_type = llvm::FunctionType::get(b_.getInt64Ty(), {b_.getPtrTy()}, false);
  fn_ = llvm::Function::Create(fn_type, llvm::Function::ExternalLinkage, function_name, module_);
  fn_->setSection(section);
  ctx_arg_ = fn_->getArg(0);
  if (source_lines_)
    debug_scope_ = source_lines_->function(*fn_, probe_.loc);
  SourceLocationGuard at_probe(b_, source_lines_, debug_scope_, probe_.loc);
  entry_ = llvm::BasicBlock::Create(ctx_, "entry", fn_);
  auto *body = llvm::BasicBlock::Create(ctx_, "body", fn_);
  b_.SetInsertPoint(body);

  for (auto &[name, type] : probe_info_.variables) {
    auto *slot = value_memory(type.is_integer() ? 8 : type.size, name);
    variables_[name] = slot;
    // Zero every variable once, so a read on a path that never assigned it is defined (the
    // verifier rejects reads of uninitialised stack). A function call's own variables are zeroed
    // when the call starts (function_call).
    if (!probe_info_.call_locals.count(name))
      zero_bytes(slot, type.is_integer() ? 8 : type.size, llvm::MaybeAlign(8));
  }

  // -p: other processes' events end here, before the predicate runs. BEGIN and END run in
  // bpfscope itself, and an interval timer interrupts whatever runs on its CPU: those are
  // never filtered (`interval:s:10 { exit(); }` must still end the run).
  if (info_.process.filter_pid > 0 && target_.program_kind != ProgramKind::Special &&
      target_.provider != "interval") {
    llvm::Value *tgid = b_.CreateLShr(current_pid_tgid(), 32);
    auto *traced = llvm::BasicBlock::Create(ctx_, "pid_match", fn_);
    auto *other = llvm::BasicBlock::Create(ctx_, "pid_other", fn_);
    b_.CreateCondBr(b_.CreateICmpEQ(tgid, b_.getInt64(info_.process.filter_pid)), traced, other);
    b_.SetInsertPoint(other);
    b_.CreateRet(b_.getInt64(0));
    b_.SetInsertPoint(traced);
  }

  if (probe_.predicate) {
    Value cond = expr(*probe_.predicate);
    auto *pass = llvm::BasicBlock::Create(ctx_, "pred_true", fn_);
    auto *fail = llvm::BasicBlock::Create(ctx_, "pred_false", fn_);
    b_.CreateCondBr(to_bool(cond.v), pass, fail);
    b_.SetInsertPoint(fail);
    b_.CreateRet(b_.getInt64(0));
    b_.SetInsertPoint(pass);
  }
  block(*probe_.body);
  if (!b_.GetInsertBlock()->getTerminator())
    b_.CreateRet(b_.getInt64(0));

  llvm::IRBuilder<> eb(entry_);
  finish_entry(eb, body);
  return fn_;
}

// ------------------------------------------------------------------ helpers

llvm::Value *ProbeCompiler::helper(int id, llvm::Type *ret, std::vector<llvm::Value *> args) {
  std::vector<llvm::Type *> arg_types;
  for (auto *a : args)
    arg_types.push_back(a->getType());
  auto *fn_type = llvm::FunctionType::get(ret, arg_types, false);
  auto *callee = b_.CreateIntToPtr(b_.getInt64(id), b_.getPtrTy());
  llvm::Value *result = b_.CreateCall(fn_type, callee, args);
  if (error_sites_ && error_sites_->all_helpers() && is_reported_read_helper(id))
    check_helper_result(id, result, -1);
  return result;
}

llvm::AllocaInst *ProbeCompiler::stack(int bytes, const std::string &name) {
  llvm::IRBuilder<> eb(entry_, entry_->begin());
  auto *type = llvm::ArrayType::get(b_.getInt8Ty(), bytes > 0 ? bytes : 1);
  auto *a = eb.CreateAlloca(type, nullptr, name);
  a->setAlignment(llvm::Align(8));
  return a;
}

// str(ptr) filled its whole buffer (`copied` == size, the NUL included): the source byte the NUL
// replaced decides. A non-zero one goes into the last byte, so the buffer holds no NUL and user
// space prints the string with config str_trunc_trailer, as bpftrace marks a cut string.
void ProbeCompiler::mark_truncated_string(llvm::Value *buf, int size, llvm::Value *from,
                                          llvm::Value *copied) {
  auto *full = llvm::BasicBlock::Create(ctx_, "str_full", fn_);
  auto *done = llvm::BasicBlock::Create(ctx_, "str_done", fn_);
  b_.CreateCondBr(b_.CreateICmpEQ(copied, b_.getInt64(size)), full, done);
  b_.SetInsertPoint(full);
  // Called directly, not through helper(): a failure here is no failure of the script's str()
  // (which the helper error sites report) and leaves the NUL in place.
  std::vector<llvm::Value *> args = {offset_ptr(buf, size - 1), b_.getInt64(1),
                                     offset_ptr(from, size - 1)};
  auto *fn_type = llvm::FunctionType::get(b_.getInt64Ty(),
                                          {b_.getPtrTy(), b_.getInt64Ty(), b_.getPtrTy()}, false);
  b_.CreateCall(fn_type, b_.CreateIntToPtr(b_.getInt64(BPF_FUNC_probe_read), b_.getPtrTy()), args);
  b_.CreateBr(done);
  b_.SetInsertPoint(done);
}

// Slot `slot` of the globals array map (0 if the lookup fails, which it does not for an index
// below kGlobalSlots; the verifier needs the check).
llvm::Value *ProbeCompiler::global_value(int slot) {
  auto *i64 = b_.getInt64Ty();
  auto *key = stack(4, "global_key");
  b_.CreateAlignedStore(b_.getInt32(slot), key, llvm::Align(4));
  auto *ptr =
      helper(BPF_FUNC_map_lookup_elem, b_.getPtrTy(), {map_pointer(internal_.globals), key});
  auto *found = llvm::BasicBlock::Create(ctx_, "global_found", fn_);
  auto *done = llvm::BasicBlock::Create(ctx_, "global_done", fn_);
  auto *before = b_.GetInsertBlock();
  b_.CreateCondBr(b_.CreateIsNotNull(ptr), found, done);
  b_.SetInsertPoint(found);
  llvm::Value *v = b_.CreateAlignedLoad(i64, ptr, llvm::Align(8));
  b_.CreateBr(done);
  b_.SetInsertPoint(done);
  auto *phi = b_.CreatePHI(i64, 2);
  phi->addIncoming(b_.getInt64(0), before);
  phi->addIncoming(v, found);
  return phi;
}

llvm::Value *ProbeCompiler::offset_ptr(llvm::Value *base, int offset) {
  if (offset == 0)
    return base;
  return b_.CreateGEP(b_.getInt8Ty(), base, b_.getInt64(offset));
}

llvm::Value *ProbeCompiler::map_pointer(int index) {
  auto *pseudo = llvm::Intrinsic::getDeclaration(&module_, llvm::Intrinsic::bpf_pseudo);
  auto *v = b_.CreateCall(pseudo, {b_.getInt64(BPF_PSEUDO_MAP_FD), b_.getInt64(index)});
  return b_.CreateIntToPtr(v, b_.getPtrTy());
}

llvm::Value *ProbeCompiler::to_bool(llvm::Value *v) {
  return b_.CreateICmpNE(v, llvm::ConstantInt::get(v->getType(), 0));
}

llvm::Value *ProbeCompiler::extend(llvm::Value *v, const Type &from) {
  unsigned bits = v->getType()->getIntegerBitWidth();
  if (bits == 64)
    return v;
  return from.is_signed ? b_.CreateSExt(v, b_.getInt64Ty()) : b_.CreateZExt(v, b_.getInt64Ty());
}

void ProbeCompiler::store_integer(llvm::Value *ptr, int size, llvm::Value *v) {
  auto *t = b_.getIntNTy(size * 8);
  b_.CreateAlignedStore(b_.CreateTrunc(v, t), ptr, llvm::Align(size));
}

llvm::Value *ProbeCompiler::load_integer(llvm::Value *ptr, int size, bool is_signed) {
  auto *t = b_.getIntNTy(size * 8);
  llvm::Value *v = b_.CreateAlignedLoad(t, ptr, llvm::Align(1));
  Type from = Type::integer(size, is_signed);
  return extend(v, from);
}

llvm::Value *ProbeCompiler::string_constant(const std::string &s, int size) {
  auto *buf = value_memory(size, "str");
  zero_bytes(buf, size, llvm::MaybeAlign(8));
  // Whole words first: fewer instructions than byte stores and no read-only data section.
  int n = std::min<int>(s.size(), size - 1);
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t word = 0;
    for (int j = 0; j < 8; j++)
      word |= static_cast<uint64_t>(static_cast<uint8_t>(s[i + j])) << (8 * j);
    b_.CreateAlignedStore(b_.getInt64(word), offset_ptr(buf, i), llvm::Align(8));
  }
  for (; i < n; i++)
    b_.CreateStore(b_.getInt8(static_cast<uint8_t>(s[i])), offset_ptr(buf, i));
  return buf;
}

// Copies or converts `v` into `dst`, laid out as `dst_type` (strings zero-padded or cut, tuples
// field by field, integers truncated to the destination width).
void ProbeCompiler::store_as(llvm::Value *dst, const Type &dst_type, const Value &v) {
  switch (dst_type.kind) {
  case TypeKind::Integer:
  case TypeKind::Boolean:
  case TypeKind::Pointer:
  case TypeKind::Stack:
  case TypeKind::Ksym:
  case TypeKind::Username:
  case TypeKind::Strerror:
    store_integer(dst, dst_type.size, v.v);
    return;
  case TypeKind::Resolved: // bytes in memory, always of the same size for one kind
    copy_bytes(dst, v.v, dst_type.size);
    return;
  case TypeKind::String: {
    int n = std::min(dst_type.size, v.type.size);
    if (n < dst_type.size)
      zero_bytes(dst, dst_type.size);
    copy_bytes(dst, v.v, n);
    // Cutting a longer string keeps a terminating NUL; a string of the same size is copied as it
    // is, so one str() marked as cut (no NUL, see mark_truncated_string) stays marked.
    if (v.type.size > dst_type.size && n > 0)
      b_.CreateStore(b_.getInt8(0), offset_ptr(dst, n - 1));
    return;
  }
  case TypeKind::Usym:
  case TypeKind::Buffer: { // same layout on both sides (the semantic pass checks the capacity)
    // A smaller buffer goes into a `let $b: buffer[N]` variable: its header holds its length.
    int n = std::min(dst_type.size, v.type.size);
    if (n < dst_type.size)
      zero_bytes(dst, dst_type.size);
    copy_bytes(dst, v.v, n);
    return;
  }
  case TypeKind::Tuple: {
    if (v.type == dst_type) {
      copy_bytes(dst, v.v, dst_type.size);
      return;
    }
    zero_bytes(dst, dst_type.size);
    for (size_t i = 0; i < dst_type.fields.size(); i++) {
      // A record's fields pair up by name: `(b = 1, a = 2)` may be stored in an `(a, b)` record.
      size_t j = dst_type.is_named_record()
                     ? static_cast<size_t>(v.type.field_index(dst_type.field_names[i]))
                     : i;
      const Type &from = v.type.fields[j];
      auto *src = offset_ptr(v.v, v.type.field_offsets[j]);
      Value field_value{held_in_register(from) ? load_integer(src, from.size, from.is_signed) : src,
                        from};
      store_as(offset_ptr(dst, dst_type.field_offsets[i]), dst_type.fields[i], field_value);
    }
    return;
  }
  case TypeKind::Record:
  case TypeKind::Array:
    store_record(dst, dst_type, v);
    return;
  default:
    return;
  }
}

// ------------------------------------------------------------------ statements

void ProbeCompiler::block(const Block &blk) {
  for (auto &s : blk.stmts) {
    stmt(*s);
    if (b_.GetInsertBlock()->getTerminator()) {
      // Everything after exit() in this block is unreachable; give it a block of its own that
      // the optimiser drops.
      auto *dead = llvm::BasicBlock::Create(ctx_, "after_exit", fn_);
      b_.SetInsertPoint(dead);
    }
  }
}

void ProbeCompiler::stmt(const Stmt &s) {
  SourceLocationGuard at(b_, source_lines_, debug_scope_, statement_head(s));
  CurrentNode node(current_node_, &s);
  switch (s.kind) {
  case StmtKind::Expr:
    expr(*static_cast<const ExprStmt &>(s).expr);
    return;
  case StmtKind::AssignMap:
    assign_map(static_cast<const AssignMap &>(s));
    return;
  case StmtKind::AssignVar:
    assign_var(static_cast<const AssignVar &>(s));
    return;
  case StmtKind::If:
    if_stmt(static_cast<const If &>(s));
    return;
  case StmtKind::Block:
    block(static_cast<const Block &>(s));
    return;
  case StmtKind::While:
    while_loop(static_cast<const While &>(s));
    return;
  case StmtKind::Unroll: {
    auto &u = static_cast<const Unroll &>(s);
    uint64_t n = unroll_count(*u.count);
    for (uint64_t i = 0; i < n && !b_.GetInsertBlock()->getTerminator(); i++)
      block(*u.body);
    return;
  }
  case StmtKind::For:
    for_loop(static_cast<const For &>(s));
    return;
  case StmtKind::Jump: {
    auto &j = static_cast<const Jump &>(s);
    auto kind = j.jump;
    if (j.function_return && !functions_.empty()) {
      // A copy: the value may call functions itself, which grow functions_.
      FunctionFrame f = functions_.back();
      if (j.value && f.result) {
        Value v = expr(*j.value);
        store_as(f.result, f.type, v);
      }
      b_.CreateBr(f.done);
      return;
    }
    if (kind == JumpKind::Return || loops_.empty())
      leave_probe();
    else if (!loops_.back().done) // a `for` callback: 1 stops the helper's iteration
      b_.CreateRet(b_.getInt64(kind == JumpKind::Break ? 1 : 0));
    else
      b_.CreateBr(kind == JumpKind::Break ? loops_.back().done : loops_.back().next);
    return;
  }
  }
}

uint64_t ProbeCompiler::unroll_count(const Expr &e) {
  if (e.kind == ExprKind::Integer)
    return static_cast<const IntegerLit &>(e).value;
  if (e.kind == ExprKind::Positional) {
    auto &p = static_cast<const Positional &>(e);
    const auto &params = info_.positional_params;
    if (p.is_count)
      return params.size();
    if (p.index >= 1 && static_cast<size_t>(p.index) <= params.size())
      return std::strtoull(params[p.index - 1].c_str(), nullptr, 0);
  }
  return 1;
}

// The verifier accepts loops it can prove finite; a loop it cannot bound is reported with the
// loop hint of the loader.
void ProbeCompiler::while_loop(const While &w) {
  auto *cond_bb = llvm::BasicBlock::Create(ctx_, "while_cond", fn_);
  auto *body_bb = llvm::BasicBlock::Create(ctx_, "while_body", fn_);
  auto *done = llvm::BasicBlock::Create(ctx_, "while_done", fn_);
  b_.CreateBr(cond_bb);
  b_.SetInsertPoint(cond_bb);
  Value cond = expr(*w.cond);
  b_.CreateCondBr(to_bool(cond.v), body_bb, done);
  b_.SetInsertPoint(body_bb);
  loops_.push_back({cond_bb, done});
  block(*w.body);
  loops_.pop_back();
  if (!b_.GetInsertBlock()->getTerminator())
    b_.CreateBr(cond_bb);
  b_.SetInsertPoint(done);
}

void ProbeCompiler::if_stmt(const If &i) {
  Value cond = expr(*i.cond);
  auto *then_bb = llvm::BasicBlock::Create(ctx_, "if_then", fn_);
  auto *else_bb = llvm::BasicBlock::Create(ctx_, "if_else", fn_);
  auto *done = llvm::BasicBlock::Create(ctx_, "if_done", fn_);
  b_.CreateCondBr(to_bool(cond.v), then_bb, else_bb);
  b_.SetInsertPoint(then_bb);
  block(*i.then_block);
  b_.CreateBr(done);
  b_.SetInsertPoint(else_bb);
  if (i.else_block)
    block(*i.else_block);
  b_.CreateBr(done);
  b_.SetInsertPoint(done);
}

// Arithmetic and bitwise `a OP c` on 64-bit operands (also `x OP= c`). `is_signed` selects signed
// division, remainder and right shift.
llvm::Value *ProbeCompiler::compound(BinaryOp op, llvm::Value *a, llvm::Value *c, bool is_signed) {
  switch (op) {
  case BinaryOp::Add:
    return b_.CreateAdd(a, c);
  case BinaryOp::Sub:
    return b_.CreateSub(a, c);
  case BinaryOp::Mul:
    return b_.CreateMul(a, c);
  case BinaryOp::Div:
  case BinaryOp::Mod: {
    if (!is_signed)
      return op == BinaryOp::Div ? b_.CreateUDiv(a, c) : b_.CreateURem(a, c);
    // BPF before cpu v4 has only unsigned division: divide magnitudes, then fix the sign.
    auto *zero = b_.getInt64(0);
    auto *a_neg = b_.CreateICmpSLT(a, zero);
    auto *c_neg = b_.CreateICmpSLT(c, zero);
    auto *a_abs = b_.CreateSelect(a_neg, b_.CreateNeg(a), a);
    auto *c_abs = b_.CreateSelect(c_neg, b_.CreateNeg(c), c);
    if (op == BinaryOp::Div) {
      auto *q = b_.CreateUDiv(a_abs, c_abs);
      return b_.CreateSelect(b_.CreateXor(a_neg, c_neg), b_.CreateNeg(q), q);
    }
    auto *m = b_.CreateURem(a_abs, c_abs);
    return b_.CreateSelect(a_neg, b_.CreateNeg(m), m);
  }
  case BinaryOp::BitAnd:
    return b_.CreateAnd(a, c);
  case BinaryOp::BitOr:
    return b_.CreateOr(a, c);
  case BinaryOp::BitXor:
    return b_.CreateXor(a, c);
  case BinaryOp::Shl:
    return b_.CreateShl(a, c);
  case BinaryOp::Shr:
    return is_signed ? b_.CreateAShr(a, c) : b_.CreateLShr(a, c);
  default:
    return c;
  }
}

void ProbeCompiler::assign_var(const AssignVar &a) {
  if (!a.value) // `let $x;`: the slot is zeroed at entry
    return;
  Value storage = variable_storage(a.var->storage);
  Value v = expr(*a.value);
  if (a.compound) {
    Value current{load_integer(storage.v, 8, storage.type.is_signed), storage.type};
    v.v = compound(a.op, current.v, v.v, storage.type.is_signed);
    v.type = storage.type;
  }
  v.v = fit_to_variable(v.v, storage.type);
  store_as(storage.v,
           storage.type.is_integer() ? Type::integer(8, storage.type.is_signed) : storage.type, v);
}

// An integer variable's 8-byte slot holds the 64-bit form of a value of its type: a value
// computed wider (`+=` on a `let $x: uint8`) is cut to the type's width and extended back.
llvm::Value *ProbeCompiler::fit_to_variable(llvm::Value *v, const Type &var_type) {
  if (var_type.kind != TypeKind::Integer || var_type.size >= 8 || !v->getType()->isIntegerTy(64))
    return v;
  return extend(b_.CreateTrunc(v, b_.getIntNTy(var_type.size * 8)), var_type);
}

// `storage` is the variable's key in ProbeInfo::variables (ast::Variable::storage).
ProbeCompiler::Value ProbeCompiler::variable_storage(const std::string &name) {
  return {variables_.at(name), probe_info_.variables.at(name)};
}

namespace {
bool is_comm(const Expr &e) {
  return e.kind == ExprKind::Builtin && static_cast<const Builtin &>(e).name == "comm";
}
} // namespace

llvm::Value *ProbeCompiler::build_key(const Map &m, const MapInfo &mi, llvm::Value *bucket) {
  Type key_type = mi.bpf_key_type();
  auto *key = value_memory(key_type.size, "key");
  if (mi.keyless() && !mi.is_histogram()) {
    store_integer(key, key_type.size, b_.getInt64(0));
    return key;
  }
  if (mi.keyless())
    zero_bytes(key, key_type.size, llvm::MaybeAlign(8));
  if (!mi.keyless()) {
    bool whole = m.keys.size() == 1 && !mi.is_histogram();
    auto field = [&](size_t i) {
      return whole ? std::pair{key, key_type}
                   : std::pair{offset_ptr(key, key_type.field_offsets[i]), key_type.fields[i]};
    };
    // `comm` is written straight into its place in the zeroed key (the kernel's copy ends in a
    // NUL within 16 bytes): a buffer of its own and a copy cost `@[comm]` some 7 instructions.
    std::vector<Value> keys;
    for (size_t i = 0; i < m.keys.size(); i++) {
      auto [dst, type] = field(i);
      if (is_comm(*m.keys[i]) && type.is_string() && type.size == 16)
        keys.push_back({nullptr, type});
      else
        keys.push_back(expr(*m.keys[i]));
    }
    // One string the key's size is copied over the whole key: zeroing it first would only cost
    // a 1024-byte key one more helper call per event.
    bool one_whole_string = whole && keys[0].v && key_type.is_string() &&
                            keys[0].type.is_string() && keys[0].type.size == key_type.size;
    if (!one_whole_string)
      zero_bytes(key, key_type.size, llvm::MaybeAlign(8));
    for (size_t i = 0; i < keys.size(); i++) {
      auto [dst, type] = field(i);
      if (keys[i].v)
        store_as(dst, type, keys[i]);
      else
        helper(BPF_FUNC_get_current_comm, b_.getInt64Ty(), {dst, b_.getInt64(16)});
    }
  }
  if (bucket) {
    size_t last = key_type.fields.size() - 1;
    store_integer(offset_ptr(key, key_type.field_offsets[last]), key_type.fields[last].size,
                  bucket);
  }
  return key;
}

void ProbeCompiler::map_update(int map_index, llvm::Value *key, llvm::Value *value) {
  llvm::Value *result = helper(BPF_FUNC_map_update_elem, b_.getInt64Ty(),
                               {map_pointer(map_index), key, value, b_.getInt64(BPF_ANY)});
  check_helper_result(BPF_FUNC_map_update_elem, result, map_index); // a full map, at least
}

void ProbeCompiler::assign_map(const AssignMap &a) {
  const MapInfo &mi = info_.maps[info_.map_ids.at(a.map->name)];
  if (mi.value_type.is_aggregation()) {
    aggregate(*a.map, mi, static_cast<const Call &>(*a.value));
    return;
  }
  Value v = expr(*a.value);
  llvm::Value *key = build_key(*a.map, mi, nullptr);
  if (a.compound) {
    Value current = map_read(*a.map);
    v.v = compound(a.op, current.v, v.v, mi.value_type.is_signed);
    v.type = mi.value_type;
  }
  auto *value = value_memory(mi.bpf_value_size(), "value");
  store_as(value, mi.value_type, v);
  map_update(mi.id, key, value);
}

// Per-CPU aggregation update: look the slot up and change it in place; create it on first use.
// Per-CPU values need no atomics: a BPF program is not preempted on its CPU.
void ProbeCompiler::aggregate(const Map &m, const MapInfo &mi, const Call &c) {
  const Type &agg = mi.value_type;
  if (agg.kind == TypeKind::Tseries) {
    tseries_update(m, mi, c);
    return;
  }
  llvm::Value *v = nullptr;
  if (!c.args.empty())
    v = expr(*c.args[0]).v;
  llvm::Value *bucket = nullptr;
  if (agg.kind == TypeKind::Hist)
    bucket = hist_bucket(v, c.args[0]->type.is_signed, agg.hist_bits);
  else if (agg.kind == TypeKind::Lhist)
    bucket = lhist_bucket(v, agg);
  llvm::Value *key = build_key(m, mi, bucket);

  auto *slot = helper(BPF_FUNC_map_lookup_elem, b_.getPtrTy(), {map_pointer(mi.id), key});
  auto *found = llvm::BasicBlock::Create(ctx_, "agg_found", fn_);
  auto *missing = llvm::BasicBlock::Create(ctx_, "agg_new", fn_);
  auto *done = llvm::BasicBlock::Create(ctx_, "agg_done", fn_);
  b_.CreateCondBr(b_.CreateIsNotNull(slot), found, missing);

  auto *i64 = b_.getInt64Ty();
  b_.SetInsertPoint(found);
  llvm::Value *second = offset_ptr(slot, 8);
  switch (agg.kind) {
  case TypeKind::Count:
  case TypeKind::Hist:
  case TypeKind::Lhist:
    b_.CreateStore(b_.CreateAdd(b_.CreateLoad(i64, slot), b_.getInt64(1)), slot);
    break;
  case TypeKind::Sum:
    b_.CreateStore(b_.CreateAdd(b_.CreateLoad(i64, slot), v), slot);
    break;
  case TypeKind::Avg:
  case TypeKind::Stats:
    b_.CreateStore(b_.CreateAdd(b_.CreateLoad(i64, slot), b_.getInt64(1)), slot);
    b_.CreateStore(b_.CreateAdd(b_.CreateLoad(i64, second), v), second);
    break;
  case TypeKind::Min:
  case TypeKind::Max: {
    // {value, set}: an array slot starts all zero, so the first value wins whatever it is.
    llvm::Value *cur = b_.CreateLoad(i64, slot);
    llvm::Value *unset = b_.CreateICmpEQ(b_.CreateLoad(i64, second), b_.getInt64(0));
    llvm::Value *better;
    if (agg.kind == TypeKind::Min)
      better = agg.is_signed ? b_.CreateICmpSLT(v, cur) : b_.CreateICmpULT(v, cur);
    else
      better = agg.is_signed ? b_.CreateICmpSGT(v, cur) : b_.CreateICmpUGT(v, cur);
    b_.CreateStore(b_.CreateSelect(b_.CreateOr(unset, better), v, cur), slot);
    b_.CreateStore(b_.getInt64(1), second);
    break;
  }
  default:
    break;
  }
  b_.CreateBr(done);

  b_.SetInsertPoint(missing);
  if (mi.is_array()) {
    // An array's slots all exist (the key is in range): the verifier drops this path, and an
    // update here would only cost a helper-error slot lookup on every run of the program.
    b_.CreateBr(done);
    b_.SetInsertPoint(done);
    return;
  }
  auto *init = stack(16, "agg_init");
  switch (agg.kind) {
  case TypeKind::Count:
  case TypeKind::Hist:
  case TypeKind::Lhist:
    b_.CreateAlignedStore(b_.getInt64(1), init, llvm::Align(8));
    break;
  case TypeKind::Sum:
    b_.CreateAlignedStore(v, init, llvm::Align(8));
    break;
  case TypeKind::Avg:
  case TypeKind::Stats:
    b_.CreateAlignedStore(b_.getInt64(1), init, llvm::Align(8));
    b_.CreateAlignedStore(v, offset_ptr(init, 8), llvm::Align(8));
    break;
  case TypeKind::Min:
  case TypeKind::Max:
    // {value, set}: the flag tells user space which CPUs saw a value at all.
    b_.CreateAlignedStore(v, init, llvm::Align(8));
    b_.CreateAlignedStore(b_.getInt64(1), offset_ptr(init, 8), llvm::Align(8));
    break;
  default:
    break;
  }
  map_update(mi.id, key, init);
  b_.CreateBr(done);
  b_.SetInsertPoint(done);
}

// bpftrace's log2 buckets with 2^k per power of two (k = `bits`): 0 for negatives, v + 1 for
// v below 2^k; otherwise, with l = floor(log2(v)) - k, the power's group ((l + 1) << k) + 1 plus
// the k bits below the top one ((v >> l) & (2^k - 1)). For k = 0 that is 2 + floor(log2(v)).
llvm::Value *ProbeCompiler::hist_bucket(llvm::Value *v, bool is_signed, int bits) {
  llvm::Value *n = v;
  llvm::Value *log = b_.getInt64(0);
  for (int shift : {32, 16, 8, 4, 2, 1}) {
    llvm::Value *high = b_.CreateLShr(n, b_.getInt64(shift));
    llvm::Value *has = b_.CreateICmpNE(high, b_.getInt64(0));
    n = b_.CreateSelect(has, high, n);
    log = b_.CreateSelect(has, b_.CreateAdd(log, b_.getInt64(shift)), log);
  }
  const uint64_t mask = (uint64_t(1) << bits) - 1;
  llvm::Value *small = b_.CreateICmpULE(v, b_.getInt64(mask));
  // For small values `log - bits` would wrap; its bucket is chosen below, so any shift will do.
  llvm::Value *l = b_.CreateSelect(small, b_.getInt64(0), b_.CreateSub(log, b_.getInt64(bits)));
  llvm::Value *group = b_.CreateShl(b_.CreateAdd(l, b_.getInt64(1)), b_.getInt64(bits));
  llvm::Value *sub = b_.CreateAnd(b_.CreateLShr(v, l), b_.getInt64(mask));
  llvm::Value *bucket = b_.CreateAdd(b_.CreateAdd(group, b_.getInt64(1)), sub);
  bucket = b_.CreateSelect(small, b_.CreateAdd(v, b_.getInt64(1)), bucket);
  if (is_signed)
    bucket = b_.CreateSelect(b_.CreateICmpSLT(v, b_.getInt64(0)), b_.getInt64(0), bucket);
  return bucket;
}

llvm::Value *ProbeCompiler::lhist_bucket(llvm::Value *v, const Type &t) {
  int64_t buckets = (t.lhist_max - t.lhist_min) / t.lhist_step;
  llvm::Value *min = b_.getInt64(t.lhist_min);
  llvm::Value *max = b_.getInt64(t.lhist_max);
  llvm::Value *inside =
      b_.CreateAdd(b_.CreateUDiv(b_.CreateSub(v, min), b_.getInt64(t.lhist_step)), b_.getInt64(1));
  llvm::Value *bucket = b_.CreateSelect(b_.CreateICmpSGE(v, max), b_.getInt64(buckets + 1), inside);
  return b_.CreateSelect(b_.CreateICmpSLT(v, min), b_.getInt64(0), bucket);
}

llvm::Value *ProbeCompiler::map_delete(const Map &m) {
  const MapInfo &mi = info_.maps[info_.map_ids.at(m.name)];
  llvm::Value *key = build_key(m, mi, nullptr);
  llvm::Value *result =
      helper(BPF_FUNC_map_delete_elem, b_.getInt64Ty(), {map_pointer(mi.id), key});
  if (error_sites_ && error_sites_->all_helpers())
    check_helper_result(BPF_FUNC_map_delete_elem, result, mi.id);
  // delete()'s value: true when the key was there (the helper returns 0 only then).
  return b_.CreateZExt(b_.CreateICmpEQ(result, b_.getInt64(0)), b_.getInt64Ty());
}

// ------------------------------------------------------------------ events

namespace {

// Whether store_as writes every byte of a value of this type (so the record needs no zeroing
// there).
bool stored_whole(const Type &t) {
  switch (t.kind) {
  case TypeKind::Integer:
  case TypeKind::Boolean:
  case TypeKind::Stack:
  case TypeKind::Ksym:
  case TypeKind::Username:
  case TypeKind::Strerror:
  case TypeKind::Resolved:
  case TypeKind::String:
  case TypeKind::Tuple:
  case TypeKind::Usym:
  case TypeKind::Buffer:
    return true;
  default:
    return false;
  }
}

} // namespace

// Wake-ups of the reader. By default the ring buffer wakes the reader whenever a record is
// submitted while the reader has caught up, and in a VM each wake-up (an irq_work, a self-IPI)
// costs several times the rest of a printf: 245 against 61 ns/event on the bench machine. Output
// records (printf, print of a value) therefore never wake the reader, except the one whose
// reservation crosses a multiple of the wake-up mark of unread data (64 KiB, or a quarter of a
// smaller ring buffer, as perf_rb_pages may make it), so a flood wakes it once per mark; a
// trickle is picked up by the reader's short poll timeout (kBatchedPollTimeoutMs in
// session.cpp). Records the reader acts on (exit, clear, print of a map, time) always wake it,
// so their effect is not delayed.
namespace {
constexpr uint64_t kWakeupBytes = 64 << 10;
} // namespace

llvm::Value *ProbeCompiler::submit_flags(EventKind kind, int size) {
  // Earlier output records may be unread with no wake-up pending, so the default policy (wake
  // only a reader that has caught up) could leave these asleep: they always wake it.
  if (kind != EventKind::Printf && kind != EventKind::PrintValue)
    return b_.getInt64(BPF_RB_FORCE_WAKEUP);
  auto *ring = map_pointer(internal_.ring_buffer);
  auto *unread =
      helper(BPF_FUNC_ringbuf_query, b_.getInt64Ty(), {ring, b_.getInt64(BPF_RB_AVAIL_DATA)});
  // The ring's size is a power of two, so the mark is too and multiples of it are a mask away.
  auto *ring_size =
      helper(BPF_FUNC_ringbuf_query, b_.getInt64Ty(), {ring, b_.getInt64(BPF_RB_RING_SIZE)});
  auto *quarter = b_.CreateLShr(ring_size, 2);
  auto *mark = b_.CreateSelect(b_.CreateICmpULT(quarter, b_.getInt64(kWakeupBytes)), quarter,
                               b_.getInt64(kWakeupBytes));
  auto *multiple = b_.CreateNeg(mark); // ~(mark - 1)
  // The record's footprint: its size plus the ring buffer's 8-byte record header.
  auto *before = b_.CreateSub(unread, b_.getInt64(size + 8));
  auto *crossed = b_.CreateICmpNE(b_.CreateAnd(unread, multiple), b_.CreateAnd(before, multiple));
  return b_.CreateSelect(crossed, b_.getInt64(BPF_RB_FORCE_WAKEUP), b_.getInt64(BPF_RB_NO_WAKEUP));
}

// The record is reserved in the ring buffer and written in place (no copy on the stack first,
// no second copy by bpf_ringbuf_output); only the bytes no field covers are zeroed. Every path
// after a successful reserve reaches the submit, as the verifier requires.
void ProbeCompiler::send_event(EventKind kind, int id, const Type *payload_type,
                               const std::vector<Value> &payload) {
  int size = kEventHeaderSize + (payload_type ? payload_type->size : 0);
  size = (size + 7) / 8 * 8;
  auto *record = helper(BPF_FUNC_ringbuf_reserve, b_.getPtrTy(),
                        {map_pointer(internal_.ring_buffer), b_.getInt64(size), b_.getInt64(0)});
  auto *lost = llvm::BasicBlock::Create(ctx_, "event_lost", fn_);
  auto *fill = llvm::BasicBlock::Create(ctx_, "event_fill", fn_);
  auto *sent = llvm::BasicBlock::Create(ctx_, "event_sent", fn_);
  // A full ring buffer drops the record: count it so that user space can say how many.
  b_.CreateCondBr(b_.CreateIsNull(record), lost, fill);
  b_.SetInsertPoint(fill);
  uint64_t header = static_cast<uint64_t>(kind) | (static_cast<uint64_t>(id) << 32);
  b_.CreateAlignedStore(b_.getInt64(header), record, llvm::Align(8));
  // Bytes the payload's stores cover; the rest (padding, the tail, types store_as leaves
  // alone) is zeroed.
  std::vector<bool> covered(static_cast<size_t>(size), false);
  std::fill(covered.begin(), covered.begin() + kEventHeaderSize, true);
  auto cover = [&](int from, int n) {
    for (int i = from; i < from + n && i < size; i++)
      covered[static_cast<size_t>(i)] = true;
  };
  if (payload_type) {
    if (payload_type->is_tuple() && payload.size() == payload_type->fields.size()) {
      for (size_t i = 0; i < payload.size(); i++)
        if (stored_whole(payload_type->fields[i]))
          cover(kEventHeaderSize + payload_type->field_offsets[i], payload_type->fields[i].size);
    } else if (payload.size() == 1 && stored_whole(*payload_type)) {
      cover(kEventHeaderSize, payload_type->size);
    }
  }
  for (int i = 0; i < size;) {
    if (covered[static_cast<size_t>(i)]) {
      i++;
      continue;
    }
    int j = i;
    while (j < size && !covered[static_cast<size_t>(j)])
      j++;
    zero_bytes(offset_ptr(record, i), j - i);
    i = j;
  }
  if (payload_type) {
    auto *body = offset_ptr(record, kEventHeaderSize);
    if (payload_type->is_tuple() && payload.size() == payload_type->fields.size()) {
      for (size_t i = 0; i < payload.size(); i++)
        store_as(offset_ptr(body, payload_type->field_offsets[i]), payload_type->fields[i],
                 payload[i]);
    } else if (payload.size() == 1) {
      store_as(body, *payload_type, payload[0]);
    }
  }
  helper(BPF_FUNC_ringbuf_submit, b_.getVoidTy(), {record, submit_flags(kind, size)});
  b_.CreateBr(sent);
  b_.SetInsertPoint(lost);
  auto *slot_key = stack(4, "global_key");
  b_.CreateAlignedStore(b_.getInt32(kGlobalLostEvents), slot_key, llvm::Align(4));
  auto *counter =
      helper(BPF_FUNC_map_lookup_elem, b_.getPtrTy(), {map_pointer(internal_.globals), slot_key});
  auto *bump = llvm::BasicBlock::Create(ctx_, "lost_bump", fn_);
  b_.CreateCondBr(b_.CreateIsNotNull(counter), bump, sent);
  b_.SetInsertPoint(bump);
  b_.CreateAtomicRMW(llvm::AtomicRMWInst::Add, counter, b_.getInt64(1), llvm::Align(8),
                     llvm::AtomicOrdering::Monotonic);
  b_.CreateBr(sent);
  b_.SetInsertPoint(sent);
}

// Asks user space to stop, with the status the process should exit with, and ends this run of
// the probe (statements after exit() do not run).
void ProbeCompiler::exit_probe(const Value &code) {
  Type status = Type::integer(8, true);
  send_event(EventKind::Exit, 0, &status, {code});
  leave_probe();
}

void ProbeCompiler::leave_probe() {
  if (!leave_flag_) {
    b_.CreateRet(b_.getInt64(0));
    return;
  }
  // Inside a `for` callback: stop the iteration and have the caller end the probe.
  b_.CreateAlignedStore(b_.getInt64(1), leave_flag_, llvm::Align(8));
  b_.CreateRet(b_.getInt64(1));
}

// ------------------------------------------------------------------ expressions

ProbeCompiler::Value ProbeCompiler::expr(const Expr &e) {
  SourceLocationGuard at(b_, source_lines_, debug_scope_, e.loc);
  CurrentNode node(current_node_, &e);
  switch (e.kind) {
  case ExprKind::Integer:
    return {b_.getInt64(static_cast<const IntegerLit &>(e).value), e.type};
  case ExprKind::String: {
    auto &s = static_cast<const StringLit &>(e);
    return {string_constant(s.value, e.type.size), e.type};
  }
  case ExprKind::Builtin:
    return builtin(static_cast<const Builtin &>(e));
  case ExprKind::Positional: {
    auto &p = static_cast<const Positional &>(e);
    const auto &params = info_.positional_params;
    if (p.is_count)
      return {b_.getInt64(params.size()), e.type};
    std::string text =
        p.index >= 1 && static_cast<size_t>(p.index) <= params.size() ? params[p.index - 1] : "";
    if (e.type.is_string())
      return {string_constant(text, e.type.size), e.type};
    return {b_.getInt64(text.empty() ? 0 : std::strtoll(text.c_str(), nullptr, 0)), e.type};
  }
  case ExprKind::Variable: {
    Value storage = variable_storage(static_cast<const Variable &>(e).storage);
    if (held_in_register(storage.type))
      return {load_integer(storage.v, 8, storage.type.is_signed), storage.type};
    return storage;
  }
  case ExprKind::Map:
    return map_read(static_cast<const Map &>(e));
  case ExprKind::Call:
    return call(static_cast<const Call &>(e));
  case ExprKind::Binary:
    return binary(static_cast<const Binary &>(e));
  case ExprKind::Unary:
    return unary(static_cast<const Unary &>(e));
  case ExprKind::Ternary:
    return ternary(static_cast<const Ternary &>(e));
  case ExprKind::Cast: {
    auto &c = static_cast<const Cast &>(e);
    Value v = expr(*c.operand);
    if (e.type.is_int_array()) { // the value's bytes, seen as integers
      auto *buf = value_memory(e.type.size, "int_array");
      if (v.type.is_integer()) {
        store_integer(buf, e.type.size, v.v);
      } else {
        zero_bytes(buf, e.type.size);
        copy_bytes(buf, v.v, std::min(e.type.size, v.type.size));
      }
      return {buf, e.type};
    }
    if (v.type.is_int_array()) // `(uint32)$bytes`: the same size, checked by the semantic pass
      return {load_integer(v.v, e.type.size, e.type.is_signed), e.type};
    if (e.type.kind == TypeKind::Boolean)
      return {b_.CreateZExt(to_bool(v.v), b_.getInt64Ty()), e.type};
    llvm::Value *narrow = b_.CreateTrunc(v.v, b_.getIntNTy(e.type.size * 8));
    return {extend(narrow, e.type), e.type};
  }
  case ExprKind::Field:
    return field(static_cast<const Field &>(e));
  case ExprKind::TupleLit:
    return tuple_literal(static_cast<const TupleLit &>(e), e.type);
  case ExprKind::TypeQuery: // sizeof/offsetof: computed by the semantic pass
    return {b_.getInt64(static_cast<const TypeQuery &>(e).value), e.type};
  case ExprKind::TupleIndex: {
    auto &t = static_cast<const TupleIndex &>(e);
    return tuple_field(expr(*t.base), t.index);
  }
  case ExprKind::Index: {
    auto &ix = static_cast<const Index &>(e);
    if (ix.base->type.is_array() || ix.base->type.is_ptr())
      return index(ix); // kernel memory (compile_kernel_types.cpp)
    Value base = expr(*ix.base);
    int offset = base.type.is_tuple() ? base.type.field_offsets[ix.constant]
                 : base.type.is_int_array()
                     ? static_cast<int>(ix.constant) * base.type.int_array_element().size
                     : static_cast<int>(ix.constant);
    auto *p = offset_ptr(base.v, offset);
    if (held_in_register(e.type))
      return {load_integer(p, e.type.size, e.type.is_signed), e.type};
    return {p, e.type};
  }
  case ExprKind::BlockExpr: {
    auto &b = static_cast<const BlockExpr &>(e);
    if (b.function)
      return function_call(b);
    block(*b.body);
    return expr(*b.value);
  }
  }
  return {b_.getInt64(0), e.type};
}

// Field `index` of a tuple or record value in memory.
ProbeCompiler::Value ProbeCompiler::tuple_field(const Value &base, int index) {
  const Type &ft = base.type.fields[index];
  auto *p = offset_ptr(base.v, base.type.field_offsets[index]);
  if (held_in_register(ft))
    return {load_integer(p, ft.size, ft.is_signed), ft};
  return {p, ft};
}

// The body runs inline; each `return` stores its value in the result slot and jumps to the end.
ProbeCompiler::Value ProbeCompiler::function_call(const BlockExpr &b) {
  const Type &t = b.type;
  llvm::Value *result = nullptr;
  if (!t.is_none()) {
    int size = held_in_register(t) ? 8 : t.size;
    result = value_memory(size, "fn_" + b.function->name);
    zero_bytes(result, size, llvm::MaybeAlign(8));
  }
  // The call's variables live from here to its end: with lifetime markers on their stack slots,
  // LLVM lets calls that do not overlap share the space (the BPF stack has 512 bytes). In a
  // `for` callback they are pointers into the probe's frame: only zeroed.
  std::vector<std::pair<llvm::AllocaInst *, int>> slots;
  for (const auto &name : b.locals) {
    llvm::Value *v = variables_.at(name);
    const Type &vt = probe_info_.variables.at(name);
    int size = vt.is_integer() ? 8 : vt.size;
    if (auto *a = llvm::dyn_cast<llvm::AllocaInst>(v)) {
      b_.CreateLifetimeStart(a, b_.getInt64(size));
      slots.push_back({a, size});
    }
    zero_bytes(v, size, llvm::MaybeAlign(8));
  }
  auto *done = llvm::BasicBlock::Create(ctx_, "fn_" + b.function->name + "_done", fn_);
  functions_.push_back({done, result, t});
  block(*b.body);
  if (!b_.GetInsertBlock()->getTerminator())
    b_.CreateBr(done);
  functions_.pop_back();
  b_.SetInsertPoint(done);
  for (auto &[a, size] : slots)
    b_.CreateLifetimeEnd(a, b_.getInt64(size));
  if (!result)
    return {b_.getInt64(0), t};
  if (held_in_register(t))
    return {load_integer(result, t.size, t.is_signed), t};
  return {result, t};
}

namespace {
// Tuple literals up to this size are built on the stack whatever on_stack_limit says. Their
// parts are often compared with constants right away (`(comm, $f) == ("a", "/b")`); on the stack
// LLVM keeps them in registers, so what a comparison teaches the verifier about a byte holds
// for the value it came from (`$f`) too, while a copy in a map value is a fresh unknown each
// time: with the later branches on `$f` (say a hist() of strlen($f)) the verifier then follows
// more paths than its limit allows.
constexpr int kTupleLiteralStackBytes = 128;
} // namespace

ProbeCompiler::Value ProbeCompiler::tuple_literal(const TupleLit &t, const Type &as) {
  auto *buf =
      as.size <= kTupleLiteralStackBytes ? stack(as.size, "tuple") : value_memory(as.size, "tuple");
  zero_bytes(buf, as.size, llvm::MaybeAlign(8));
  for (size_t i = 0; i < t.elems.size(); i++) {
    Value v = expr(*t.elems[i]);
    store_as(offset_ptr(buf, as.field_offsets[i]), as.fields[i], v);
  }
  return {buf, as};
}

ProbeCompiler::Value ProbeCompiler::builtin(const Builtin &bi) {
  const std::string &n = bi.name;
  if (auto it = info_.enum_constants.find(n); it != info_.enum_constants.end())
    return {b_.getInt64(static_cast<uint64_t>(it->second)), bi.type};
  auto *i64 = b_.getInt64Ty();
  if (n == "pid" || n == "tid") {
    llvm::Value *v = current_pid_tgid();
    v = n == "pid" ? b_.CreateLShr(v, 32) : b_.CreateAnd(v, 0xffffffff);
    return {v, bi.type};
  }
  if (n == "cpid")
    return {b_.getInt64(static_cast<uint32_t>(info_.process.child_pid)), bi.type};
  if (n == "uid" || n == "gid") {
    llvm::Value *v = helper(BPF_FUNC_get_current_uid_gid, i64, {});
    v = n == "gid" ? b_.CreateLShr(v, 32) : b_.CreateAnd(v, 0xffffffff);
    return {v, bi.type};
  }
  if (n == "nsecs") // the boot clock, as bpftrace v0.26's nsecs
    return {helper(BPF_FUNC_ktime_get_boot_ns, i64, {}), bi.type};
  if (n == "elapsed") {
    auto *key = stack(4, "global_key");
    b_.CreateAlignedStore(b_.getInt32(kGlobalStartTime), key, llvm::Align(4));
    auto *slot =
        helper(BPF_FUNC_map_lookup_elem, b_.getPtrTy(), {map_pointer(internal_.globals), key});
    auto *now = helper(BPF_FUNC_ktime_get_ns, i64, {});
    auto *has = llvm::BasicBlock::Create(ctx_, "start_found", fn_);
    auto *done = llvm::BasicBlock::Create(ctx_, "start_done", fn_);
    auto *before = b_.GetInsertBlock();
    b_.CreateCondBr(b_.CreateIsNotNull(slot), has, done);
    b_.SetInsertPoint(has);
    auto *start = b_.CreateLoad(i64, slot);
    auto *diff = b_.CreateSub(now, start);
    b_.CreateBr(done);
    b_.SetInsertPoint(done);
    auto *phi = b_.CreatePHI(i64, 2);
    phi->addIncoming(b_.getInt64(0), before);
    phi->addIncoming(diff, has);
    return {phi, bi.type};
  }
  if (n == "cpu")
    return {b_.CreateZExt(helper(BPF_FUNC_get_smp_processor_id, b_.getInt32Ty(), {}), i64),
            bi.type};
  if (n == "rand")
    return {b_.CreateZExt(helper(BPF_FUNC_get_prandom_u32, b_.getInt32Ty(), {}), i64), bi.type};
  if (n == "curtask")
    return {helper(BPF_FUNC_get_current_task, i64, {}), bi.type};
  if (n == "cgroup")
    return {helper(BPF_FUNC_get_current_cgroup_id, i64, {}), bi.type};
  if (n == "numaid")
    return {b_.CreateAnd(helper(BPF_FUNC_get_numa_node_id, i64, {}), 0xffffffff), bi.type};
  if (n == "ncpus")
    return {b_.getInt64(static_cast<uint64_t>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)))),
            bi.type};
  if (n == "jiffies")
    return {helper(BPF_FUNC_jiffies64, i64, {}), bi.type};
  if (n == "username") {
    llvm::Value *v = helper(BPF_FUNC_get_current_uid_gid, i64, {});
    return {b_.CreateAnd(v, 0xffffffff), bi.type};
  }
  if (n == "usermode") {
    // Only a pt_regs context tells (kprobe, uprobe, and perf events, whose context starts with
    // one): user mode when the saved CS has privilege level 3.
    bool has_regs = target_.arg_source == ArgumentSource::PtRegs ||
                    target_.program_kind == ProgramKind::PerfEvent;
    if (!has_regs || target_.program_kind == ProgramKind::Special)
      return {b_.getInt64(0), bi.type};
    enum { CS = 136 };
    llvm::Value *cs = b_.CreateAlignedLoad(i64, ctx_field_address(CS), llvm::Align(8));
    return {b_.CreateZExt(b_.CreateICmpEQ(b_.CreateAnd(cs, 3), b_.getInt64(3)), i64), bi.type};
  }
  if (n == "ppid") {
    // curtask->real_parent->tgid, at the offsets kernel BTF gave when the script was analysed.
    auto [parent_off, tgid_off] = *info_.ppid_offsets;
    llvm::Value *task = helper(BPF_FUNC_get_current_task, i64, {});
    llvm::Value *parent_task = read_kernel_value(b_.CreateAdd(task, b_.getInt64(parent_off)),
                                                 Type::integer(8, false), 0, 0, false)
                                   .v;
    return {read_kernel_value(b_.CreateAdd(parent_task, b_.getInt64(tgid_off)),
                              Type::integer(4, false), 0, 0, false)
                .v,
            bi.type};
  }
  if (n == "comm") {
    auto *buf = stack(16, "comm");
    // Older kernels (6.1 among them) copy the name with strscpy, leaving the bytes after its NUL
    // as they were: zero them, or `@[comm]` keys differ by stack garbage.
    b_.CreateMemSet(buf, b_.getInt8(0), 16, llvm::MaybeAlign(8));
    helper(BPF_FUNC_get_current_comm, i64, {buf, b_.getInt64(16)});
    return {buf, bi.type};
  }
  if (n == "probe")
    return {string_constant(target_.name, bi.type.size), bi.type};
  if (n == "true" || n == "false")
    return {b_.getInt64(n == "true" ? 1 : 0), bi.type};
  if (n == "args" || n == "ctx")
    return {ctx_arg_, bi.type};
  if (n == "func")
    return {string_constant(target_.function, bi.type.size), bi.type};
  if (n == "kstack" || n == "ustack")
    return stack_value(bi.type);
  if (auto v = stdlib_builtin(bi))
    return *v;
  if (n != "retval" && n.size() >= 4 && n.rfind("arg", 0) == 0 &&
      target_.arg_source == ArgumentSource::Usdt)
    return {usdt_argument(std::atoi(n.c_str() + 3)), bi.type};
  if (n == "retval" || (n.size() >= 4 && n.rfind("arg", 0) == 0)) {
    int offset = argument_offset(n == "retval" ? -1 : std::atoi(n.c_str() + 3));
    if (offset < 0)
      return {b_.getInt64(0), bi.type};
    // (retval may be narrower: its slot's low bytes, read whole as fentry contexts require)
    int size = bi.type.size;
    llvm::Value *v =
        b_.CreateAlignedLoad(b_.getIntNTy(size * 8), ctx_field_address(offset), llvm::Align(size));
    return {extend(v, bi.type), bi.type};
  }
  return {b_.getInt64(0), bi.type};
}

// A kstack/ustack value: bpf_get_stackid() into the stack map of the type's depth (the id, or a
// negative error such as -EFAULT when there is no stack here), and for user stacks the process id
// in the upper half, which user space needs to name the frames. See runtime/stack_format.h.
ProbeCompiler::Value ProbeCompiler::stack_value(const Type &t) {
  auto *i64 = b_.getInt64Ty();
  const auto &limits = info_.stack_limits;
  size_t index = std::find(limits.begin(), limits.end(), t.stack_limit) - limits.begin();
  uint64_t flags = t.stack_user ? BPF_F_USER_STACK : 0;
  llvm::Value *id = helper(BPF_FUNC_get_stackid, i64,
                           {ctx_arg_, map_pointer(internal_.stacks.at(index)), b_.getInt64(flags)});
  llvm::Value *v = b_.CreateAnd(id, b_.getInt64(0xffffffff));
  if (t.stack_user)
    v = b_.CreateOr(v, b_.CreateShl(b_.CreateLShr(current_pid_tgid(), 32), 32));
  return {v, t};
}

// (process id << 32) | thread id, as seen from bpfscope's PID namespace. Outside the initial
// namespace the plain helper would give the initial namespace's ids; the namespace-aware one
// fills {pid: thread id, tgid: process id}, the same layout once read as one little-endian u64
// (and zeroes when the task is not in that namespace).
llvm::Value *ProbeCompiler::current_pid_tgid() {
  auto *i64 = b_.getInt64Ty();
  if (info_.process.pidns_ino == 0)
    return helper(BPF_FUNC_get_current_pid_tgid, i64, {});
  auto *nsdata = stack(8, "pidns_info");
  helper(BPF_FUNC_get_ns_current_pid_tgid, i64,
         {b_.getInt64(info_.process.pidns_dev), b_.getInt64(info_.process.pidns_ino), nsdata,
          b_.getInt64(8)});
  return b_.CreateAlignedLoad(i64, nsdata, llvm::Align(8));
}

// Byte offset in the context of argument `index` (-1: the return value), per the target's
// calling convention. x86-64 struct pt_regs: r15 r14 r13 r12 bp bx r11 r10 r9 r8 ax cx dx si di.
int ProbeCompiler::argument_offset(int index) const {
  enum {
    BX = 40,
    R11 = 48,
    R10 = 56,
    R9 = 64,
    R8 = 72,
    AX = 80,
    CX = 88,
    DX = 96,
    SI = 104,
    DI = 112
  };
  static const int system_v[] = {DI, SI, DX, CX, R8, R9};
  static const int go[] = {AX, BX, CX, DI, SI, R8, R9, R10, R11};
  switch (target_.arg_source) {
  case ArgumentSource::PtRegs:
    if (index < 0)
      return AX;
    return index < 6 ? system_v[index] : -1;
  case ArgumentSource::GoRegs:
    if (index < 0)
      return AX;
    return index < 9 ? go[index] : -1;
  case ArgumentSource::U64Array:
    return 8 * (index < 0 ? target_.retval_index : index);
  case ArgumentSource::Usdt: // see usdt_argument()
  case ArgumentSource::None:
    break;
  }
  return -1;
}

// USDT argument `index` per its note's spec: a register of pt_regs, user memory at a register
// plus a displacement (read with bpf_probe_read_user), or a constant; extended per its size/sign.
llvm::Value *ProbeCompiler::usdt_argument(int index) {
  auto *i64 = b_.getInt64Ty();
  if (index < 0 || index >= static_cast<int>(target_.usdt_args.size()))
    return b_.getInt64(0);
  const UsdtArgument &a = target_.usdt_args[index];
  Type from = Type::integer(a.size, a.is_signed);
  if (a.kind == UsdtArgument::Kind::Constant)
    return b_.getInt64(static_cast<uint64_t>(a.value));
  llvm::Value *reg = b_.getInt64(0); // "(,%rax,8)": no base register
  if (a.reg_offset >= 0)
    reg = b_.CreateAlignedLoad(i64, ctx_field_address(a.reg_offset), llvm::Align(8));
  if (a.kind == UsdtArgument::Kind::Register) {
    if (a.size == 8)
      return reg;
    return extend(b_.CreateTrunc(reg, b_.getIntNTy(a.size * 8)), from);
  }
  auto *buf = stack(8, "usdt_arg");
  b_.CreateAlignedStore(b_.getInt64(0), buf, llvm::Align(8));
  llvm::Value *addr = b_.CreateAdd(reg, b_.getInt64(static_cast<uint64_t>(a.value)));
  if (a.index_offset >= 0) { // DISP(BASE,INDEX,SCALE)
    llvm::Value *index =
        b_.CreateAlignedLoad(i64, ctx_field_address(a.index_offset), llvm::Align(8));
    addr = b_.CreateAdd(addr, b_.CreateMul(index, b_.getInt64(a.scale)));
  }
  helper(BPF_FUNC_probe_read_user, i64,
         {buf, b_.getInt64(a.size), b_.CreateIntToPtr(addr, b_.getPtrTy())});
  return load_integer(buf, a.size, a.is_signed);
}

llvm::Value *ProbeCompiler::ctx_field_address(int offset) { return offset_ptr(ctx_arg_, offset); }

ProbeCompiler::Value ProbeCompiler::field(const Field &f) {
  if (f.member_offset >= 0)
    return member_access(f);
  if (f.record_field >= 0) // `$r.name` on a record value
    return tuple_field(expr(*f.base), f.record_field);
  const ContextField *cf = nullptr;
  for (auto &candidate : target_.fields)
    if (candidate.name == f.field)
      cf = &candidate;
  if (!cf)
    return {b_.getInt64(0), f.type};
  auto *i64 = b_.getInt64Ty();
  switch (cf->kind) {
  case ContextField::Kind::Integer:
  case ContextField::Kind::Pointer: {
    int size = cf->kind == ContextField::Kind::Pointer ? 8 : f.type.size;
    // One load of the whole field where its offset allows: fentry/tp_btf contexts reject any
    // access that is not a whole, aligned argument slot or its low part (LLVM would split an
    // under-aligned load into bytes).
    int align = size;
    while (align > 1 && cf->offset % align != 0)
      align /= 2;
    llvm::Value *v = b_.CreateAlignedLoad(b_.getIntNTy(size * 8), ctx_field_address(cf->offset),
                                          llvm::Align(align));
    return {extend(v, f.type), f.type};
  }
  case ContextField::Kind::CharArray: {
    auto *buf = value_memory(f.type.size, "field");
    helper(BPF_FUNC_probe_read_kernel, i64,
           {buf, b_.getInt64(cf->size), ctx_field_address(cf->offset)});
    // Some char arrays are not NUL terminated; the last byte always is in our copy.
    b_.CreateStore(b_.getInt8(0), offset_ptr(buf, f.type.size - 1));
    return {buf, f.type};
  }
  case ContextField::Kind::DataLocString: {
    // __data_loc: a u32 whose low half is the offset of the bytes in the record. The verifier
    // forbids variable offsets on the context pointer, so the record's address goes through the
    // stack as a plain number before it is used with the helper.
    llvm::Value *loc =
        b_.CreateAlignedLoad(b_.getInt32Ty(), ctx_field_address(cf->offset), llvm::Align(4));
    llvm::Value *rel = b_.CreateZExt(b_.CreateAnd(loc, 0xffff), i64);
    auto *ctx_slot = stack(8, "ctx_addr");
    auto *ctx_copy = stack(8, "ctx_value");
    b_.CreateAlignedStore(ctx_arg_, ctx_slot, llvm::Align(8));
    helper(BPF_FUNC_probe_read_kernel, i64, {ctx_copy, b_.getInt64(8), ctx_slot});
    llvm::Value *base = b_.CreateAlignedLoad(i64, ctx_copy, llvm::Align(8));
    llvm::Value *addr = b_.CreateIntToPtr(b_.CreateAdd(base, rel), b_.getPtrTy());
    auto *buf = value_memory(f.type.size, "field");
    zero_bytes(buf, f.type.size, llvm::MaybeAlign(8));
    helper(BPF_FUNC_probe_read_kernel_str, i64, {buf, b_.getInt64(f.type.size), addr});
    return {buf, f.type};
  }
  }
  return {b_.getInt64(0), f.type};
}

ProbeCompiler::Value ProbeCompiler::map_read(const Map &m) {
  const MapInfo &mi = info_.maps[info_.map_ids.at(m.name)];
  llvm::Value *key = build_key(m, mi, nullptr);
  auto *slot = helper(BPF_FUNC_map_lookup_elem, b_.getPtrTy(), {map_pointer(mi.id), key});
  const Type &t = mi.value_type;
  auto *result = value_memory(mi.bpf_value_size(), "map_value");
  auto *found = llvm::BasicBlock::Create(ctx_, "map_found", fn_);
  auto *missing = llvm::BasicBlock::Create(ctx_, "map_missing", fn_);
  auto *done = llvm::BasicBlock::Create(ctx_, "map_done", fn_);
  b_.CreateCondBr(b_.CreateIsNotNull(slot), found, missing);
  b_.SetInsertPoint(found);
  copy_bytes(result, slot, mi.bpf_value_size(), llvm::MaybeAlign(8));
  b_.CreateBr(done);
  b_.SetInsertPoint(missing);
  zero_bytes(result, mi.bpf_value_size(), llvm::MaybeAlign(8));
  b_.CreateBr(done);
  b_.SetInsertPoint(done);
  if (held_in_register(t))
    return {load_integer(result, 8, t.is_signed), t};
  return {result, t};
}

namespace {
// Unrolled, a comparison takes two branches per byte; the verifier follows at most 8192 pending
// ones down a path, so longer strings are compared in a bpf_loop (strings_differ_loop).
constexpr int kUnrolledCompareBytes = 2048;
} // namespace

llvm::Value *ProbeCompiler::strings_equal(const Value &a, const Value &b) {
  // Compare byte by byte up to the shorter buffer, stopping at the first NUL: a chain of
  // blocks, since the verifier needs bounded control flow.
  int n = std::min(a.type.size, b.type.size);
  if (n > kUnrolledCompareBytes)
    return b_.CreateXor(strings_differ_loop(a, b, std::max(a.type.size, b.type.size)),
                        b_.getInt64(1));
  auto *result = stack(1, "streq");
  b_.CreateStore(b_.getInt8(0), result);
  auto *done = llvm::BasicBlock::Create(ctx_, "streq_done", fn_);
  auto *equal = llvm::BasicBlock::Create(ctx_, "streq_equal", fn_);
  for (int i = 0; i < n; i++) {
    auto *ca = b_.CreateLoad(b_.getInt8Ty(), offset_ptr(a.v, i));
    auto *cb = b_.CreateLoad(b_.getInt8Ty(), offset_ptr(b.v, i));
    auto *same = llvm::BasicBlock::Create(ctx_, "streq_same", fn_);
    b_.CreateCondBr(b_.CreateICmpEQ(ca, cb), same, done);
    b_.SetInsertPoint(same);
    auto *next = llvm::BasicBlock::Create(ctx_, "streq_next", fn_);
    b_.CreateCondBr(b_.CreateICmpEQ(ca, b_.getInt8(0)), equal, next);
    b_.SetInsertPoint(next);
  }
  // Both buffers ran out together: equal if the longer one ends here too.
  if (a.type.size != b.type.size) {
    const Value &longer = a.type.size > b.type.size ? a : b;
    auto *c = b_.CreateLoad(b_.getInt8Ty(), offset_ptr(longer.v, n));
    b_.CreateCondBr(b_.CreateICmpEQ(c, b_.getInt8(0)), equal, done);
  } else {
    b_.CreateBr(equal);
  }
  b_.SetInsertPoint(equal);
  b_.CreateStore(b_.getInt8(1), result);
  b_.CreateBr(done);
  b_.SetInsertPoint(done);
  return b_.CreateZExt(b_.CreateLoad(b_.getInt8Ty(), result), b_.getInt64Ty());
}

// The value of a constant integer expression (a literal, possibly negated); 0 otherwise.
int64_t ProbeCompiler::constant_length(const Expr &e) {
  if (e.kind == ExprKind::Integer)
    return static_cast<int64_t>(static_cast<const IntegerLit &>(e).value);
  if (e.kind == ExprKind::Unary && static_cast<const Unary &>(e).op == UnaryOp::Neg)
    return -constant_length(*static_cast<const Unary &>(e).operand);
  return 0;
}

namespace {
// Longer strings make a branch-free sequence whose loads LLVM schedules first, more of them live
// than registers can hold: spilled, they overflow the 512-byte stack.
constexpr int kBranchFreeStrlenBytes = 32;
} // namespace

// Bytes before the first NUL (at most the buffer's size), without branches: the verifier sees
// straight-line code.
llvm::Value *ProbeCompiler::string_length(const Value &s) {
  auto *i64 = b_.getInt64Ty();
  if (s.type.size > kBranchFreeStrlenBytes)
    return long_string_length(s);
  llvm::Value *len = b_.getInt64(0);
  llvm::Value *ended = b_.getFalse();
  for (int i = 0; i < s.type.size; i++) {
    auto *ch = b_.CreateLoad(b_.getInt8Ty(), offset_ptr(s.v, i));
    ended = b_.CreateOr(ended, b_.CreateICmpEQ(ch, b_.getInt8(0)));
    len = b_.CreateAdd(len, b_.CreateZExt(b_.CreateNot(ended), i64));
  }
  return len;
}

// strncmp(a, b, n): 0 when the first n characters (up to a NUL) are equal, else 1.
llvm::Value *ProbeCompiler::strings_differ(const Value &a, const Value &b, int n) {
  // A chain of forward branches, as strings_equal: the first difference, or a NUL in both, ends
  // the comparison. Bytes past a buffer's end count as NUL.
  int limit = std::min(n, std::max(a.type.size, b.type.size));
  if (limit > kUnrolledCompareBytes)
    return strings_differ_loop(a, b, limit);
  auto *differ = llvm::BasicBlock::Create(ctx_, "strncmp_differ", fn_);
  auto *same = llvm::BasicBlock::Create(ctx_, "strncmp_same", fn_);
  for (int i = 0; i < limit; i++) {
    llvm::Value *ca =
        i < a.type.size
            ? static_cast<llvm::Value *>(b_.CreateLoad(b_.getInt8Ty(), offset_ptr(a.v, i)))
            : b_.getInt8(0);
    llvm::Value *cb =
        i < b.type.size
            ? static_cast<llvm::Value *>(b_.CreateLoad(b_.getInt8Ty(), offset_ptr(b.v, i)))
            : b_.getInt8(0);
    auto *equal_here = llvm::BasicBlock::Create(ctx_, "strncmp_eq", fn_);
    b_.CreateCondBr(b_.CreateICmpNE(ca, cb), differ, equal_here);
    b_.SetInsertPoint(equal_here);
    auto *next = llvm::BasicBlock::Create(ctx_, "strncmp_next", fn_);
    b_.CreateCondBr(b_.CreateICmpEQ(ca, b_.getInt8(0)), same, next);
    b_.SetInsertPoint(next);
  }
  b_.CreateBr(same);
  auto *done = llvm::BasicBlock::Create(ctx_, "strncmp_done", fn_);
  b_.SetInsertPoint(differ);
  b_.CreateBr(done);
  b_.SetInsertPoint(same);
  b_.CreateBr(done);
  b_.SetInsertPoint(done);
  auto *phi = b_.CreatePHI(b_.getInt64Ty(), 2);
  phi->addIncoming(b_.getInt64(1), differ);
  phi->addIncoming(b_.getInt64(0), same);
  return phi;
}

// strcontains(haystack, needle): whether needle occurs in haystack (an empty needle does): the
// same search as strstr (string_find), asked only whether it found a position.
llvm::Value *ProbeCompiler::string_contains(const Value &h, const Value &needle) {
  llvm::Value *position = string_find(h, needle);
  return b_.CreateZExt(b_.CreateICmpSGE(position, b_.getInt64(0)), b_.getInt64Ty());
}

ProbeCompiler::Value ProbeCompiler::binary(const Binary &bin) {
  auto *i64 = b_.getInt64Ty();
  if (bin.lhs->type.is_ptr() || bin.rhs->type.is_ptr()) {
    if (bin.op == BinaryOp::Add || bin.op == BinaryOp::Sub)
      return pointer_arithmetic(bin);
  }
  if (bin.op == BinaryOp::LogicalAnd || bin.op == BinaryOp::LogicalOr) {
    bool is_and = bin.op == BinaryOp::LogicalAnd;
    Value l = expr(*bin.lhs);
    auto *lhs_block = b_.GetInsertBlock();
    auto *rhs_bb = llvm::BasicBlock::Create(ctx_, is_and ? "and_rhs" : "or_rhs", fn_);
    auto *done = llvm::BasicBlock::Create(ctx_, is_and ? "and_done" : "or_done", fn_);
    llvm::Value *lb = to_bool(l.v);
    if (is_and)
      b_.CreateCondBr(lb, rhs_bb, done);
    else
      b_.CreateCondBr(lb, done, rhs_bb);
    b_.SetInsertPoint(rhs_bb);
    Value r = expr(*bin.rhs);
    llvm::Value *rb = b_.CreateZExt(to_bool(r.v), i64);
    auto *rhs_end = b_.GetInsertBlock();
    b_.CreateBr(done);
    b_.SetInsertPoint(done);
    auto *phi = b_.CreatePHI(i64, 2);
    phi->addIncoming(b_.getInt64(is_and ? 0 : 1), lhs_block);
    phi->addIncoming(rb, rhs_end);
    return {phi, bin.type};
  }
  Value l = expr(*bin.lhs);
  Value r = expr(*bin.rhs);
  if (l.type.is_string() || is_composite_value(l.type)) {
    llvm::Value *eq = values_equal(l, r);
    if (bin.op == BinaryOp::Ne)
      eq = b_.CreateXor(eq, b_.getInt64(1));
    return {eq, bin.type};
  }
  // Comparisons are signed when the operands meet in a signed type (int_promotion.h): each
  // value is already the 64-bit extension of its own type, so a 64-bit compare is exact. With
  // no common type (uint64 against a signed integer) they compare unsigned.
  bool is_signed = bin.operand_type.kind == TypeKind::Integer
                       ? bin.operand_type.is_signed
                       : l.type.is_signed && r.type.is_signed;
  bool result_signed = bin.type.is_signed;
  llvm::Value *a = l.v, *c = r.v, *v = nullptr;
  auto cmp = [&](llvm::CmpInst::Predicate s, llvm::CmpInst::Predicate u) {
    return b_.CreateZExt(b_.CreateICmp(is_signed ? s : u, a, c), i64);
  };
  switch (bin.op) {
  case BinaryOp::Add:
  case BinaryOp::Sub:
  case BinaryOp::Mul:
  case BinaryOp::Div:
  case BinaryOp::Mod:
  case BinaryOp::BitAnd:
  case BinaryOp::BitOr:
  case BinaryOp::BitXor:
  case BinaryOp::Shl:
    v = compound(bin.op, a, c, result_signed);
    break;
  case BinaryOp::Shr:
    v = compound(bin.op, a, c, l.type.is_signed);
    break;
  case BinaryOp::Eq:
    v = b_.CreateZExt(b_.CreateICmpEQ(a, c), i64);
    break;
  case BinaryOp::Ne:
    v = b_.CreateZExt(b_.CreateICmpNE(a, c), i64);
    break;
  case BinaryOp::Lt:
    v = cmp(llvm::CmpInst::ICMP_SLT, llvm::CmpInst::ICMP_ULT);
    break;
  case BinaryOp::Le:
    v = cmp(llvm::CmpInst::ICMP_SLE, llvm::CmpInst::ICMP_ULE);
    break;
  case BinaryOp::Gt:
    v = cmp(llvm::CmpInst::ICMP_SGT, llvm::CmpInst::ICMP_UGT);
    break;
  case BinaryOp::Ge:
    v = cmp(llvm::CmpInst::ICMP_SGE, llvm::CmpInst::ICMP_UGE);
    break;
  default:
    v = b_.getInt64(0);
  }
  return {v, bin.type};
}

ProbeCompiler::Value ProbeCompiler::unary(const Unary &u) {
  auto *i64 = b_.getInt64Ty();
  switch (u.op) {
  case UnaryOp::Neg:
  case UnaryOp::BitNot: {
    llvm::Value *v = expr(*u.operand).v;
    v = u.op == UnaryOp::Neg ? b_.CreateNeg(v) : b_.CreateNot(v);
    // Back to the canonical form of a value of this width (e.g. ~(uint8)5 is 250).
    if (u.type.size < 8)
      v = extend(b_.CreateTrunc(v, b_.getIntNTy(u.type.size * 8)), u.type);
    return {v, u.type};
  }
  case UnaryOp::LogicalNot:
    return {b_.CreateZExt(b_.CreateICmpEQ(expr(*u.operand).v, b_.getInt64(0)), i64), u.type};
  case UnaryOp::Increment:
  case UnaryOp::Decrement: {
    Value old = expr(*u.operand);
    llvm::Value *delta = b_.getInt64(u.op == UnaryOp::Increment ? 1 : -1);
    Value updated{b_.CreateAdd(old.v, delta), old.type};
    if (u.operand->kind == ExprKind::Variable) {
      Value storage = variable_storage(static_cast<const Variable &>(*u.operand).storage);
      updated.v = fit_to_variable(updated.v, storage.type);
      store_integer(storage.v, 8, updated.v);
    } else {
      auto &m = static_cast<const Map &>(*u.operand);
      const MapInfo &mi = info_.maps[info_.map_ids.at(m.name)];
      llvm::Value *key = build_key(m, mi, nullptr);
      auto *value = stack(8, "value");
      store_integer(value, 8, updated.v);
      map_update(mi.id, key, value);
    }
    return u.postfix ? old : updated;
  }
  case UnaryOp::Deref:
    return deref(u);
  default:
    return {b_.getInt64(0), u.type};
  }
}

ProbeCompiler::Value ProbeCompiler::ternary(const Ternary &t) {
  Value cond = expr(*t.cond);
  auto *then_bb = llvm::BasicBlock::Create(ctx_, "tern_then", fn_);
  auto *else_bb = llvm::BasicBlock::Create(ctx_, "tern_else", fn_);
  auto *done = llvm::BasicBlock::Create(ctx_, "tern_done", fn_);
  b_.CreateCondBr(to_bool(cond.v), then_bb, else_bb);
  if (held_in_register(t.type)) {
    b_.SetInsertPoint(then_bb);
    Value a = expr(*t.then_expr);
    auto *a_end = b_.GetInsertBlock();
    b_.CreateBr(done);
    b_.SetInsertPoint(else_bb);
    Value c = expr(*t.else_expr);
    auto *c_end = b_.GetInsertBlock();
    b_.CreateBr(done);
    b_.SetInsertPoint(done);
    auto *phi = b_.CreatePHI(b_.getInt64Ty(), 2);
    phi->addIncoming(a.v, a_end);
    phi->addIncoming(c.v, c_end);
    return {phi, t.type};
  }
  auto *buf = value_memory(t.type.size, "ternary");
  b_.SetInsertPoint(then_bb);
  store_as(buf, t.type, expr(*t.then_expr));
  b_.CreateBr(done);
  b_.SetInsertPoint(else_bb);
  store_as(buf, t.type, expr(*t.else_expr));
  b_.CreateBr(done);
  b_.SetInsertPoint(done);
  return {buf, t.type};
}

ProbeCompiler::Value ProbeCompiler::call(const Call &c) {
  const std::string &n = c.name;
  auto *i64 = b_.getInt64Ty();
  Value none{b_.getInt64(0), Type::none()};
  if (n == "printf" || n == "errorf" || n == "warnf") {
    std::vector<Value> args;
    for (size_t i = 1; i < c.args.size(); i++)
      args.push_back(expr(*c.args[i]));
    const PrintfInfo &pi = info_.printfs.at(c.resource_id);
    send_event(EventKind::Printf, c.resource_id, &pi.args, args);
    return none;
  }
  if (n == "print") {
    bool prints_map =
        c.args[0]->kind == ExprKind::Map && static_cast<const Map &>(*c.args[0]).keys.empty();
    if (prints_map) {
      send_event(EventKind::PrintMap, c.resource_id, nullptr, {});
      return none;
    }
    Value v = expr(*c.args[0]);
    const Type &t = info_.value_prints.at(c.resource_id);
    send_event(EventKind::PrintValue, c.resource_id, &t, {v});
    return none;
  }
  if (n == "time") {
    send_event(EventKind::Time, c.resource_id, nullptr, {});
    return none;
  }
  if (n == "exit") {
    Value code{b_.getInt64(0), Type::integer(8, true)};
    if (!c.args.empty())
      code = expr(*c.args[0]);
    exit_probe(code);
    return none;
  }
  if (n == "clear" || n == "zero") {
    int id = info_.map_ids.at(static_cast<const Map &>(*c.args[0]).name);
    send_event(n == "clear" ? EventKind::ClearMap : EventKind::ZeroMap, id, nullptr, {});
    return none;
  }
  if (n == "delete") {
    auto &m = static_cast<const Map &>(*c.args[0]);
    const MapInfo &mi = info_.maps[info_.map_ids.at(m.name)];
    if (mi.is_array()) { // array slots cannot be deleted: clear them in user space
      send_event(EventKind::ClearMap, mi.id, nullptr, {});
      return {b_.getInt64(1), c.type};
    }
    return {map_delete(m), c.type};
  }
  if (n == "kstack" || n == "ustack")
    return stack_value(c.type);
  if (n == "ksym")
    return {expr(*c.args[0]).v, c.type}; // the address; user space names it when printing
  if (n == "reg") // resource_id: the register's offset in pt_regs (see parser/pt_regs.h)
    return {b_.CreateAlignedLoad(i64, ctx_field_address(c.resource_id), llvm::Align(8)), c.type};
  if (n == "usym")
    return usym_value(expr(*c.args[0]), c.type);
  if (n == "buf")
    return buffer_value(c);
  if (n == "kaddr" || n == "uaddr") // constants resolved by the semantic pass
    return {b_.getInt64(info_.kernel_addresses.at(c.resource_id)), c.type};
  if (n == "nsecs") {
    if (c.resource_id == kClockSwTai) // the boot clock plus TAI's offset, set when the run starts
      return {b_.CreateAdd(helper(BPF_FUNC_ktime_get_boot_ns, i64, {}),
                           global_value(kGlobalSwTaiOffset)),
              c.type};
    int id = c.resource_id == kClockBoot  ? BPF_FUNC_ktime_get_boot_ns
             : c.resource_id == kClockTai ? BPF_FUNC_ktime_get_tai_ns
                                          : BPF_FUNC_ktime_get_ns;
    return {helper(id, i64, {}), c.type};
  }
  if (n == "pid" || n == "tid") {
    // init: the ids of the initial PID namespace, whatever namespace bpfscope runs in.
    llvm::Value *v = c.resource_id == kIdInitNs ? helper(BPF_FUNC_get_current_pid_tgid, i64, {})
                                                : current_pid_tgid();
    v = n == "pid" ? b_.CreateLShr(v, 32) : b_.CreateAnd(v, 0xffffffff);
    return {v, c.type};
  }
  if (n == "strlen")
    return {string_length(expr(*c.args[0])), c.type};
  if (n == "strncmp") {
    Value a = expr(*c.args[0]);
    Value b = expr(*c.args[1]);
    int64_t len = constant_length(*c.args[2]);
    return {strings_differ(a, b, static_cast<int>(len)), c.type};
  }
  if (n == "strcontains")
    return {string_contains(expr(*c.args[0]), expr(*c.args[1])), c.type};
  if (n == "globmatch") {
    Value text = expr(*c.args[0]);
    return {glob_match(text, expr(*c.args[1])), c.type};
  }
  if (n == "bswap") {
    Value v = expr(*c.args[0]);
    if (c.type.size <= 1)
      return {v.v, c.type};
    auto *narrow = b_.CreateTrunc(v.v, b_.getIntNTy(c.type.size * 8));
    auto *swapped = b_.CreateUnaryIntrinsic(llvm::Intrinsic::bswap, narrow);
    return {extend(swapped, c.type), c.type};
  }
  if (n == "cgroupid")
    return {b_.getInt64(info_.cgroup_ids.at(c.resource_id)), c.type};
  if (n == "kptr" || n == "uptr") // only the type changes: where reads through it go
    return {expr(*c.args[0]).v, c.type};
  if (n == "strerror")
    return {expr(*c.args[0]).v, c.type}; // the number; user space describes it when printing
  if (n == "has_key") {
    auto &m = static_cast<const Map &>(*c.args[0]);
    const MapInfo &mi = info_.maps[info_.map_ids.at(m.name)];
    llvm::Value *key = build_key(m, mi, nullptr);
    auto *slot = helper(BPF_FUNC_map_lookup_elem, b_.getPtrTy(), {map_pointer(mi.id), key});
    return {b_.CreateZExt(b_.CreateIsNotNull(slot), i64), c.type};
  }
  if (n == "find")
    return find_value(c);
  if (n == "str") {
    Value src = expr(*c.args[0]);
    if (src.type.is_string()) {
      if (c.type.size >= src.type.size)
        return src;
      auto *cut = value_memory(c.type.size, "str");
      store_as(cut, c.type, src);
      return {cut, c.type};
    }
    int size = c.type.size;
    auto *buf = value_memory(size, "str");
    zero_bytes(buf, size, llvm::MaybeAlign(8));
    llvm::Value *len = b_.getInt64(size);
    if (c.args.size() == 2) {
      // A run-time length: clamp it to the buffer so the verifier sees a bounded size.
      llvm::Value *want = b_.CreateAdd(expr(*c.args[1]).v, b_.getInt64(1));
      len = b_.CreateSelect(b_.CreateICmpULT(want, b_.getInt64(size)), want, b_.getInt64(size));
    }
    // probe_read_str reads user or kernel memory (x86's address spaces do not overlap), which
    // is what tracepoint pointers into user memory need.
    llvm::Value *from = b_.CreateIntToPtr(src.v, b_.getPtrTy());
    llvm::Value *copied = helper(BPF_FUNC_probe_read_str, i64, {buf, len, from});
    if (c.args.size() == 1)
      mark_truncated_string(buf, size, from, copied);
    return {buf, c.type};
  }
  if (auto v = stdlib_call(c))
    return *v;
  return none;
}

} // namespace bpfscope
