#include "parser/semantic_equality.h"

namespace bpfscope {

namespace {

bool parts_comparable(const Type &l, const Type &r) {
  if (l.is_integer() && r.is_integer())
    return true;
  if (l.is_string() && r.is_string())
    return true;
  if (is_composite_value(l) || is_composite_value(r))
    return composite_comparable(l, r);
  return false;
}

} // namespace

bool composite_comparable(const Type &l, const Type &r) {
  if (l.is_int_array() || r.is_int_array())
    return l.is_int_array() && r.is_int_array() && int_array_length(l) == int_array_length(r);
  if (!l.is_tuple() || !r.is_tuple() || l.fields.size() != r.fields.size() ||
      l.is_named_record() != r.is_named_record())
    return false;
  for (size_t i = 0; i < l.fields.size(); i++) {
    // Records pair their fields by name; tuples by position.
    int j = l.is_named_record() ? r.field_index(l.field_names[i]) : static_cast<int>(i);
    if (j < 0 || !parts_comparable(l.fields[i], r.fields[j]))
      return false;
  }
  return true;
}

} // namespace bpfscope
