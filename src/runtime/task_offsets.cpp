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

namespace {
// vmlinux's BTF, parsed once; kept for the process's lifetime. Null when there is none.
struct btf *vmlinux_btf() {
  static struct btf *vmlinux = btf__load_vmlinux_btf();
  return !vmlinux || libbpf_get_error(vmlinux) ? nullptr : vmlinux;
}
} // namespace

int kfunc_btf_id_from_btf(const std::string &name) {
  struct btf *vmlinux = vmlinux_btf();
  if (!vmlinux)
    return 0;
  int id = btf__find_by_name_kind(vmlinux, name.c_str(), BTF_KIND_FUNC);
  return id > 0 ? id : 0;
}

int percpu_var_btf_id_from_btf(const std::string &name) {
  struct btf *vmlinux = vmlinux_btf();
  if (!vmlinux)
    return 0;
  int id = btf__find_by_name_kind(vmlinux, name.c_str(), BTF_KIND_VAR);
  int section = btf__find_by_name_kind(vmlinux, ".data..percpu", BTF_KIND_DATASEC);
  if (id <= 0 || section <= 0)
    return 0;
  const struct btf_type *sec = btf__type_by_id(vmlinux, section);
  const struct btf_var_secinfo *vars = btf_var_secinfos(sec);
  for (int i = 0; i < btf_vlen(sec); i++)
    if (static_cast<int>(vars[i].type) == id)
      return id;
  return 0;
}

} // namespace bpfscope
