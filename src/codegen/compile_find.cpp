// find(@m[key], $result): one map lookup; when the key is there its value is copied into the
// variable and the call is true, otherwise the variable keeps what it held.
#include "codegen/probe_compiler.h"

#include <linux/bpf.h>

namespace bpfscope {

using namespace ast;

ProbeCompiler::Value ProbeCompiler::find_value(const Call &c) {
  auto &m = static_cast<const Map &>(*c.args[0]);
  auto &var = static_cast<const Variable &>(*c.args[1]);
  const MapInfo &mi = info_.maps[info_.map_ids.at(m.name)];
  llvm::Value *key = build_key(m, mi, nullptr);
  auto *slot = helper(BPF_FUNC_map_lookup_elem, b_.getPtrTy(), {map_pointer(mi.id), key});
  auto *found = llvm::BasicBlock::Create(ctx_, "find_found", fn_);
  auto *done = llvm::BasicBlock::Create(ctx_, "find_done", fn_);
  llvm::Value *exists = b_.CreateIsNotNull(slot);
  b_.CreateCondBr(exists, found, done);

  b_.SetInsertPoint(found);
  const Type &t = mi.value_type;
  Value value = held_in_register(t) ? Value{load_integer(slot, 8, t.is_signed), t} : Value{slot, t};
  Value storage = variable_storage(var.storage);
  store_as(storage.v,
           storage.type.is_integer() ? Type::integer(8, storage.type.is_signed) : storage.type,
           value);
  b_.CreateBr(done);

  b_.SetInsertPoint(done);
  return {b_.CreateZExt(exists, b_.getInt64Ty()), c.type};
}

} // namespace bpfscope
