// `==` and `!=` on values made of several parts: tuples, records and integer arrays, which
// bpftrace v0.26 compares as it does strings. Two values compare when they have the same shape:
// tuples of the same length whose elements compare pairwise, records with the same field names
// (in any order, as their types are the same), integer arrays of the same length (elements of any
// widths). Integers of any width compare with each other, strings of any size with each other.
#pragma once

#include "parser/types.h"

namespace bpfscope {

// Whether `l == r` is allowed for these composite types (at least one is a tuple, a record or
// an integer array; the caller handles the scalar cases).
bool composite_comparable(const Type &l, const Type &r);

// The number of elements of an integer array (pton's bytes included, whose length is implied).
inline int int_array_length(const Type &t) {
  int element = t.int_array_element().size;
  return element > 0 ? t.size / element : 0;
}

// Whether `t` is compared part by part (a tuple, a record or an integer array).
inline bool is_composite_value(const Type &t) { return t.is_tuple() || t.is_int_array(); }

} // namespace bpfscope
