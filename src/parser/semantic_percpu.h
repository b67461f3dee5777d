// percpu_kaddr("name") and percpu_kaddr("name", cpu): the address of a per-CPU kernel variable
// on this CPU or on `cpu` (compiled to bpf_this_cpu_ptr / bpf_per_cpu_ptr).
#pragma once

#include "parser/ast.h"
#include "parser/semantic_stdlib.h"

#include <optional>

namespace bpfscope {

// The type of a percpu_kaddr() call (none() after an error), or nullopt for other calls.
std::optional<Type> check_percpu_kaddr(ast::Call &c, StdlibAnalyser &a);

} // namespace bpfscope
