#include "runtime/task_offsets.h"

#include "runtime/kernel_btf.h"

namespace bpfscope {

std::optional<std::pair<int, int>> pcomm_offsets_from_btf() {
  const BtfView *view = KernelBtf::running().view("", nullptr);
  if (!view)
    return std::nullopt;
  auto leader = view->member_offset("task_struct", "group_leader");
  auto comm = view->member_offset("task_struct", "comm");
  if (!leader || !comm)
    return std::nullopt;
  return std::make_pair(*leader, *comm);
}

} // namespace bpfscope
