#include "runtime/probed_files.h"

#include "runtime/binary_path.h"
#include "runtime/process_maps.h"

namespace bpfscope {

std::optional<std::string> find_probed_binary(const std::string &name, int target_pid,
                                              std::string *error) {
  if (target_pid >= 0 && name.find('/') == std::string::npos)
    if (auto mapped = find_mapped_library(target_pid, name))
      return mapped;
  std::string ignored;
  return resolve_binary_path(name, error ? error : &ignored);
}

bool probed_files(const std::string &binary, int target_pid, const ast::AttachPoint &ap,
                  const std::string &subject, const std::string &hint, const std::string &kind,
                  std::vector<std::string> &files, Diagnostics &diags) {
  std::string error;
  if (binary.empty()) {
    if (target_pid < 0) {
      diags.error(ap.loc, subject + " does not say which binary to probe", hint);
      return false;
    }
    files = process_code_files(target_pid, &error);
    if (files.empty()) {
      diags.error(ap.loc, "cannot read the memory map of process " + std::to_string(target_pid) +
                              ": " + error);
      return false;
    }
    return true;
  }
  auto path = find_probed_binary(binary, target_pid, &error);
  if (!path) {
    diags.error(ap.loc, kind + ": " + error);
    return false;
  }
  files.push_back(*path);
  return true;
}

} // namespace bpfscope
