#include "runtime/helper_error_report.h"

#include <linux/bpf.h>

#include <cerrno>
#include <cstring>

namespace bpfscope {

std::string render_helper_error(const HelperErrorRecord &record, const ProgramInfo &info,
                                const Diagnostics &source, int max_map_keys) {
  int error = static_cast<int>(-record.result);
  const MapInfo *map = record.map_id < info.maps.size() ? &info.maps[record.map_id] : nullptr;
  Diagnostic d;
  d.severity = Diagnostic::Severity::Warning;
  d.range = {static_cast<int>(record.begin_line), static_cast<int>(record.begin_col),
             static_cast<int>(record.end_line), static_cast<int>(record.end_col)};
  if (record.helper == BPF_FUNC_map_update_elem && (error == E2BIG || error == ENOMEM)) {
    d.message = "Map full; can't update element. Try increasing max_map_keys config";
    if (map)
      d.hint = map->name + " holds at most " + std::to_string(max_map_keys) +
               " keys: raise the limit with BPFTRACE_MAX_MAP_KEYS";
  } else if (record.helper == BPF_FUNC_map_delete_elem && error == ENOENT) {
    d.message = "Can't delete map element because it does not exist.";
  } else {
    d.message = std::string("Failed to ") + helper_name(static_cast<int>(record.helper)) + ": " +
                strerror(error) + " (" + std::to_string(record.result) + ")";
  }
  return source.render(d);
}

} // namespace bpfscope
