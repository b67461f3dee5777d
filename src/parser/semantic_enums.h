// Type-checker rules for enum-typed integers: which values carry their enum's names (for %s and
// print), and the check on casting a constant to an enum.
#pragma once

#include "parser/ast.h"
#include "parser/probe_target.h"
#include "parser/semantic_types.h"

#include <memory>
#include <string>

namespace bpfscope {

// The enum of a probe's integer argument: a BTF-typed argument (rawtracepoint, tp_btf, fentry)
// carries it in `cf.type`; a tracepoint field declared `enum hrtimer_mode mode` is looked up by
// that name. Null for other integers.
std::shared_ptr<const EnumNames> context_enum_names(const ContextField &cf, TypeRules &types);

// `(enum E)5`: v0.26 rejects a constant that no enumerator of E has. The error message, or ""
// when the cast is fine (or not to an enum, or not of a constant).
std::string enum_cast_error(const ast::Cast &cast, const Type &to);

} // namespace bpfscope
