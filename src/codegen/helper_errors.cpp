#include "codegen/helper_errors.h"

#include <linux/bpf.h>

#include <string>

namespace bpfscope {

int HelperErrorSites::site(const ast::Node &node, int helper, int map_id) {
  auto [it, inserted] =
      index_.emplace(std::make_pair(&node, helper), static_cast<int>(sites_.size()));
  if (inserted)
    sites_.push_back({helper, map_id, node.loc});
  return it->second;
}

bool is_reported_read_helper(int helper) {
  switch (helper) {
  case BPF_FUNC_probe_read:
  case BPF_FUNC_probe_read_str:
  case BPF_FUNC_probe_read_user:
  case BPF_FUNC_probe_read_user_str:
  case BPF_FUNC_probe_read_kernel:
  case BPF_FUNC_probe_read_kernel_str:
    return true;
  default:
    return false;
  }
}

const char *helper_name(int helper) {
  switch (helper) {
  case BPF_FUNC_map_lookup_elem:
    return "map_lookup_elem";
  case BPF_FUNC_map_update_elem:
    return "map_update_elem";
  case BPF_FUNC_map_delete_elem:
    return "map_delete_elem";
  case BPF_FUNC_probe_read:
    return "probe_read";
  case BPF_FUNC_probe_read_str:
    return "probe_read_str";
  case BPF_FUNC_probe_read_user:
    return "probe_read_user";
  case BPF_FUNC_probe_read_user_str:
    return "probe_read_user_str";
  case BPF_FUNC_probe_read_kernel:
    return "probe_read_kernel";
  case BPF_FUNC_probe_read_kernel_str:
    return "probe_read_kernel_str";
  default:
    return "helper";
  }
}

} // namespace bpfscope
