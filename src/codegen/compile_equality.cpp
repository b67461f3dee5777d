// `==` / `!=` on strings, tuples, records and integer arrays (the semantic pass checked that the
// two sides have the same shape, parser/semantic_equality.h). Integer arrays laid out alike are
// compared as bytes; anything else part by part, which also covers parts of other widths
// (`(1, "a") == ($x, $s)` with an int64 `$x` and a string[16] `$s`) and tuple padding, whose
// bytes are not part of the value.
#include "codegen/probe_compiler.h"
#include "parser/semantic_equality.h"

namespace bpfscope {

llvm::Value *ProbeCompiler::values_equal(const Value &a, const Value &b) {
  if (a.type.is_string())
    return strings_equal(a, b);
  if (a.type.is_int_array())
    return int_arrays_equal(a, b);
  if (a.type.is_tuple()) {
    llvm::Value *all = b_.getInt64(1);
    for (size_t i = 0; i < a.type.fields.size(); i++) {
      // A record's fields pair by name: the other side may list them in another order.
      int j = a.type.is_named_record() ? b.type.field_index(a.type.field_names[i])
                                       : static_cast<int>(i);
      all = b_.CreateAnd(all, values_equal(tuple_field(a, static_cast<int>(i)), tuple_field(b, j)));
    }
    return all;
  }
  // Integers, booleans and pointers: held as 64-bit values already.
  return b_.CreateZExt(b_.CreateICmpEQ(a.v, b.v), b_.getInt64Ty());
}

llvm::Value *ProbeCompiler::int_arrays_equal(const Value &a, const Value &b) {
  Type ea = a.type.int_array_element(), eb = b.type.int_array_element();
  if (ea.size == eb.size)
    return b_.CreateZExt(b_.CreateICmpEQ(bytes_compare(a, b, a.type.size), b_.getInt64(0)),
                         b_.getInt64Ty());
  llvm::Value *all = b_.getInt64(1);
  for (int i = 0; i < int_array_length(a.type); i++) {
    llvm::Value *x = load_integer(offset_ptr(a.v, i * ea.size), ea.size, ea.is_signed);
    llvm::Value *y = load_integer(offset_ptr(b.v, i * eb.size), eb.size, eb.is_signed);
    all = b_.CreateAnd(all, b_.CreateZExt(b_.CreateICmpEQ(x, y), b_.getInt64Ty()));
  }
  return all;
}

} // namespace bpfscope
