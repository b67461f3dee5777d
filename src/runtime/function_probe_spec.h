// The written form of kernel function and raw tracepoint probes, shared by the kprobe, fentry and
// rawtracepoint providers:
//   PROVIDER:FUNCTION            kprobe:do_sys_openat2, fentry:vfs_*
//   PROVIDER:FUNCTION+OFFSET     kprobe:do_sys_openat2+8 (kprobe only; decimal or 0x hex)
//   PROVIDER:MODULE:FUNCTION     kprobe:ext4:ext4_file_open, fentry:vmlinux:vfs_read
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bpfscope {

struct FunctionProbeSpec {
  std::string module; // "" when not written; "vmlinux" is kept as written
  std::string function;
  uint64_t offset = 0;
  bool has_offset = false;
  bool is_glob() const;
};

// `parts` is the attach point split at ':' (parts[0] the provider). Returns false with a
// sentence in *error, e.g. "kprobe:do_sys_openat2+x: invalid offset 'x'".
bool parse_function_probe(const std::vector<std::string> &parts, bool allow_offset,
                          FunctionProbeSpec &spec, std::string *error);

// The probe's canonical name: "kprobe:do_sys_openat2", "kprobe:ext4:ext4_file_open",
// "kprobe:do_sys_openat2+8" (the module is left out when it is "" or "vmlinux").
std::string function_probe_name(const std::string &provider, const std::string &module,
                                const std::string &function, uint64_t offset = 0);

// For system call functions (__x64_sys_openat, __se_sys_read, do_sys_openat2, ksys_read, ...)
// the system call's name ("openat", "read", "openat2"); "" for other functions.
std::string syscall_name_of_function(const std::string &function);

} // namespace bpfscope
