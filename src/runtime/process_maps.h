// A process's memory map (/proc/PID/maps): which file backs an address, for `uprobe:FUNC` with -p
// (search the process's executable and libraries) and for symbolising user stacks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bpfscope {

struct MemoryMapping {
  uint64_t start = 0, end = 0; // [start, end) in the process's address space
  uint64_t offset = 0;         // file offset mapped at `start`
  bool executable = false;
  std::string path; // "" for anonymous mappings; "[vdso]", "[stack]" for special ones
};

// Parses the text of /proc/PID/maps.
std::vector<MemoryMapping> parse_process_maps(const std::string &text);

// Reads /proc/PID/maps (PID as seen from bpfscope's PID namespace). Empty result and *error
// ("process 123 does not exist") on failure.
std::vector<MemoryMapping> read_process_maps(int pid, std::string *error);

// `path` as seen by process `pid` made openable from here: the process may live in another mount
// namespace (a container), whose files are reachable under /proc/PID/root.
std::string path_in_process_root(int pid, const std::string &path);

// The files a process runs code from: its executable first, then every file mapped executable,
// in address order, without duplicates, each made openable with path_in_process_root().
std::vector<std::string> process_code_files(int pid, std::string *error);

// The file process `pid` has mapped for library `name`: "libc" matches libc.so.6 (and
// libc-2.31.so), "libc.so.6" itself. nullopt when none is mapped.
std::optional<std::string> find_mapped_library(int pid, const std::string &name);

// True when a process with this pid exists (in bpfscope's PID namespace).
bool process_exists(int pid);

} // namespace bpfscope
