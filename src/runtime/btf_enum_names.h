// The enumerator names of a BTF enum (BTF_KIND_ENUM or ENUM64), for printing kernel enum values
// by name. Built once per (BTF, type id) and shared by every Type that refers to the enum.
#pragma once

#include "parser/enum_names.h"

#include <memory>

struct btf;

namespace bpfscope {

// Null when `id` is not an enum. `id` must already have typedefs and qualifiers skipped.
std::shared_ptr<const EnumNames> btf_enum_names(const struct btf *btf, int id);

} // namespace bpfscope
