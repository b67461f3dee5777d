#include "runtime/helper_error_report.h"

#include "codegen/helper_errors.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace bpfscope {

std::string render_helper_error(const HelperErrorSite &site, int error, const ProgramInfo &info,
                                const Diagnostics &source, int max_map_keys) {
  const MapInfo *map = site.map_id >= 0 && static_cast<size_t>(site.map_id) < info.maps.size()
                           ? &info.maps[site.map_id]
                           : nullptr;
  Diagnostic d;
  d.severity = Diagnostic::Severity::Warning;
  d.range = site.where;
  if (site.helper == BPF_FUNC_map_update_elem && error == E2BIG) {
    d.message = "Map full; can't update element. Try increasing max_map_keys config";
    if (map)
      d.hint = map->name + " holds at most " + std::to_string(max_map_keys) +
               " keys: raise the limit with BPFTRACE_MAX_MAP_KEYS";
  } else if (site.helper == BPF_FUNC_map_delete_elem && error == ENOENT) {
    d.message = "Can't delete map element because it does not exist.";
  } else {
    d.message = std::string("Failed to ") + helper_name(site.helper) + ": " + strerror(error) +
                " (" + std::to_string(-error) + ")";
  }
  return source.render(d);
}

HelperErrorReporter::HelperErrorReporter(int map_fd, const std::vector<HelperErrorSite> &sites,
                                         const ProgramInfo &info, const Diagnostics *source,
                                         int max_map_keys)
    : map_fd_(map_fd), sites_(sites), info_(info), source_(source), max_map_keys_(max_map_keys),
      reported_(sites.size(), false),
      slots_(std::max<size_t>(1, sites.size()) * std::max(1, libbpf_num_possible_cpus()), 0) {}

bool HelperErrorReporter::report(std::ostream &out, const std::function<void()> &before,
                                 Output *json) {
  if (sites_.empty() || !source_ || map_fd_ < 0)
    return false;
  uint32_t key = 0;
  if (bpf_map_lookup_elem(map_fd_, &key, slots_.data()) != 0)
    return false;
  // One copy of the slots per CPU: a site failed if it failed on any CPU.
  size_t per_cpu = std::max<size_t>(1, sites_.size());
  bool printed = false;
  for (size_t i = 0; i < sites_.size(); i++) {
    uint64_t error = 0;
    for (size_t at = i; at < slots_.size() && !error; at += per_cpu)
      error = slots_[at];
    if (reported_[i] || error == 0)
      continue;
    reported_[i] = true;
    if (json) {
      // bpftrace's record: the errno's text, the helper, its (negative) return code.
      const HelperErrorSite &site = sites_[i];
      json->json_message("helper_error", strerror(static_cast<int>(error)),
                         std::string(", \"helper\": \"") + helper_name(site.helper) +
                             "\", \"retcode\": -" + std::to_string(error),
                         source_->filename_of(site.where.file), site.where.begin_line,
                         site.where.begin_col);
      continue;
    }
    if (!printed && before)
      before();
    out << render_helper_error(sites_[i], static_cast<int>(error), info_, *source_, max_map_keys_);
    printed = true;
  }
  if (printed)
    out << std::flush;
  return printed;
}

} // namespace bpfscope
