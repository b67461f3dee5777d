// pcomm([task]) and ppid([task]) as calls: the process name and the parent's pid of `task` (a
// struct task_struct *, curtask when omitted), read through the task_struct offsets of kernel BTF.
#pragma once

#include "parser/ast.h"
#include "parser/semantic_stdlib.h"

#include <optional>

namespace bpfscope {

// The type of a pcomm() or ppid() call (none() after an error), or nullopt for other calls.
std::optional<Type> check_task_call(ast::Call &c, StdlibAnalyser &a);

} // namespace bpfscope
