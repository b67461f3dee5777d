// Code for C types: members of kernel structs reached through pointers, `*p`, and pointer
// arithmetic. A struct or array value is its kernel address (an i64): `a.b.c` on embedded
// structs only adds offsets, and memory is read (bpf_probe_read_kernel) once per pointer hop and
// once for the final scalar.
#include "codegen/probe_compiler.h"

#include <linux/bpf.h>

namespace bpfscope {

using namespace ast;

namespace {
bpf_func_id read_helper(bool user) {
  return user ? BPF_FUNC_probe_read_user : BPF_FUNC_probe_read_kernel;
}
} // namespace

ProbeCompiler::Value ProbeCompiler::member_access(const Field &f) {
  Value base = expr(*f.base);
  return element_at(base, b_.getInt64(static_cast<uint64_t>(f.member_offset)), f.type, f.bit_offset,
                    f.bit_size);
}

ProbeCompiler::Value ProbeCompiler::element_at(const Value &base, llvm::Value *offset,
                                               const Type &t, int bit_offset, int bit_size) {
  if (!base.v->getType()->isPointerTy()) // kernel memory
    return read_kernel_value(b_.CreateAdd(base.v, offset), t, bit_offset, bit_size,
                             base.type.user_memory);
  // A struct copied to the BPF stack: members are plain loads.
  llvm::Value *p = b_.CreateGEP(b_.getInt8Ty(), base.v, offset);
  if (t.is_record() || t.is_array() || t.is_string())
    return {p, t};
  if (bit_size == 0)
    return {load_integer(p, t.size, t.is_signed), t};
  int bytes = (bit_offset + bit_size + 7) / 8;
  bytes = bytes <= 1 ? 1 : bytes <= 2 ? 2 : bytes <= 4 ? 4 : 8;
  return extract_bits(load_integer(p, bytes, false), t, bit_offset, bit_size);
}

ProbeCompiler::Value ProbeCompiler::extract_bits(llvm::Value *v, const Type &t, int bit_offset,
                                                 int bit_size) {
  if (t.is_signed) { // move the field to the top, then shift back arithmetically
    v = b_.CreateShl(v, b_.getInt64(64 - bit_offset - bit_size));
    return {b_.CreateAShr(v, b_.getInt64(64 - bit_size)), t};
  }
  v = b_.CreateLShr(v, b_.getInt64(bit_offset));
  uint64_t mask = bit_size >= 64 ? ~0ULL : (1ULL << bit_size) - 1;
  return {b_.CreateAnd(v, b_.getInt64(mask)), t};
}

// A struct or array stored whole (a variable, a map value, a printed value): copied from the
// kernel, or from another copy on the stack.
void ProbeCompiler::store_record(llvm::Value *dst, const Type &t, const Value &v) {
  if (v.v->getType()->isPointerTy()) {
    copy_bytes(dst, v.v, t.size);
    return;
  }
  helper(read_helper(v.type.user_memory), b_.getInt64Ty(),
         {dst, b_.getInt64(static_cast<uint64_t>(t.size)), b_.CreateIntToPtr(v.v, b_.getPtrTy())});
}

ProbeCompiler::Value ProbeCompiler::read_kernel_value(llvm::Value *address, const Type &t,
                                                      int bit_offset, int bit_size, bool user) {
  auto *i64 = b_.getInt64Ty();
  if (t.is_record() || t.is_array()) {
    Type in_memory = t;
    in_memory.user_memory = user; // where its members are read from
    return {address, in_memory};
  }
  llvm::Value *src = b_.CreateIntToPtr(address, b_.getPtrTy());
  if (t.is_string()) { // a char[N] member
    auto *buf = value_memory(t.size, "member");
    zero_bytes(buf, t.size, llvm::MaybeAlign(8));
    helper(read_helper(user), i64, {buf, b_.getInt64(t.size), src});
    // Kernel char arrays need not end in NUL; the copy always does.
    b_.CreateStore(b_.getInt8(0), offset_ptr(buf, t.size - 1));
    return {buf, t};
  }
  // A scalar: read into a zeroed 8-byte slot. A bitfield reads the bytes that hold it, then
  // shifts and masks.
  int bytes = t.size;
  if (bit_size > 0) {
    int needed = (bit_offset + bit_size + 7) / 8;
    bytes = needed <= 1 ? 1 : needed <= 2 ? 2 : needed <= 4 ? 4 : 8;
  }
  auto *slot = stack(8, "member");
  b_.CreateAlignedStore(b_.getInt64(0), slot, llvm::Align(8));
  helper(read_helper(user), i64, {slot, b_.getInt64(bytes), src});
  if (bit_size == 0)
    return {load_integer(slot, t.size, t.is_signed), t};
  return extract_bits(b_.CreateAlignedLoad(i64, slot, llvm::Align(8)), t, bit_offset, bit_size);
}

ProbeCompiler::Value ProbeCompiler::deref(const Unary &u) {
  Value p = expr(*u.operand);
  return read_kernel_value(p.v, u.type, 0, 0, p.type.user_memory);
}

ProbeCompiler::Value ProbeCompiler::index(const Index &i) {
  Value base = expr(*i.base);
  Value at = expr(*i.index);
  llvm::Value *bytes = b_.CreateMul(at.v, b_.getInt64(static_cast<uint64_t>(i.type.size)));
  if (base.type.is_ptr()) // the pointer's value is a kernel address
    return read_kernel_value(b_.CreateAdd(base.v, bytes), i.type, 0, 0, base.type.user_memory);
  return element_at(base, bytes, i.type, 0, 0);
}

ProbeCompiler::Value ProbeCompiler::pointer_arithmetic(const Binary &bin) {
  Value l = expr(*bin.lhs);
  Value r = expr(*bin.rhs);
  auto step = [](const Type &pointer) {
    int size = pointer.pointee().size;
    return static_cast<uint64_t>(size > 0 ? size : 1); // `void *` steps by bytes
  };
  if (l.type.is_ptr() && r.type.is_ptr()) { // p - q: elements between them
    llvm::Value *diff = b_.CreateSub(l.v, r.v);
    uint64_t size = step(l.type);
    if ((size & (size - 1)) == 0) {
      int shift = 0;
      while ((1ULL << shift) < size)
        shift++;
      return {b_.CreateAShr(diff, b_.getInt64(shift)), bin.type};
    }
    return {b_.CreateSDiv(diff, b_.getInt64(size)), bin.type};
  }
  const Value &pointer = l.type.is_ptr() ? l : r;
  const Value &offset = l.type.is_ptr() ? r : l;
  llvm::Value *bytes = b_.CreateMul(offset.v, b_.getInt64(step(pointer.type)));
  llvm::Value *v =
      bin.op == BinaryOp::Sub ? b_.CreateSub(pointer.v, bytes) : b_.CreateAdd(pointer.v, bytes);
  return {v, bin.type};
}

} // namespace bpfscope
