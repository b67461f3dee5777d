#include "runtime/task_offsets.h"

#include "runtime/kernel_btf.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>

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

namespace bpfscope {

int kfunc_btf_id_from_btf(const std::string &name) {
  // vmlinux's BTF, parsed once; kept for the process's lifetime.
  static struct btf *vmlinux = btf__load_vmlinux_btf();
  if (!vmlinux || libbpf_get_error(vmlinux))
    return 0;
  int id = btf__find_by_name_kind(vmlinux, name.c_str(), BTF_KIND_FUNC);
  return id > 0 ? id : 0;
}

} // namespace bpfscope
