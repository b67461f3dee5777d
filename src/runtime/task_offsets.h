// Kernel BTF lookups for builtins and functions: offsets in task_struct that builtins read
// through curtask, and the ids of kernel functions (kfuncs) programs call.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace bpfscope {

// task_struct.group_leader and task_struct.comm (for `pcomm`), from kernel BTF; nothing when the
// kernel has no BTF or lacks those members.
std::optional<std::pair<int, int>> pcomm_offsets_from_btf();

} // namespace bpfscope

namespace bpfscope {

// The BTF id of the kernel function `name` (a kfunc) in vmlinux's BTF; 0 when there is none.
int kfunc_btf_id_from_btf(const std::string &name);

// The BTF id of the per-CPU variable `name` (a VAR of the .data..percpu section) in vmlinux's
// BTF; 0 when there is none.
int percpu_var_btf_id_from_btf(const std::string &name);

} // namespace bpfscope
