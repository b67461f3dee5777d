// Offsets in the running kernel's task_struct that builtins read through curtask.
#pragma once

#include <optional>
#include <utility>

namespace bpfscope {

// task_struct.group_leader and task_struct.comm (for `pcomm`), from kernel BTF; nothing when the
// kernel has no BTF or lacks those members.
std::optional<std::pair<int, int>> pcomm_offsets_from_btf();

} // namespace bpfscope
