// Naming user-space code addresses (ustack frames): the process's memory map says which file and
// file offset an address comes from, that file's ELF symbols say which function it is in.
// Memory maps are read once per process and read again when an address is not in them (a library
// loaded later); ELF files come from read_elf_symbols()'s cache. Stacks are named when printed,
// often after the process has exited (maps print at the end): remember() keeps a copy of a
// process's map while it runs, which the session does for the -c child.
#pragma once

#include "runtime/process_maps.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bpfscope {

struct UserSymbol {
  std::string function; // demangled
  uint64_t offset = 0;  // from the function's start
  std::string path;     // the mapped file
};

class UserSymbolizer {
public:
  // nullopt when the process is gone, the address is not in a file mapping, or no function of
  // that file contains it.
  std::optional<UserSymbol> resolve(uint32_t pid, uint64_t address);
  // "func+off" ("func" without the offset), or "" when unknown.
  std::string name(uint32_t pid, uint64_t address, bool with_offset);
  // Reads the memory map of `pid` now (if it still exists), to name its frames after it exits.
  void remember(uint32_t pid);

private:
  const MemoryMapping *mapping_of(uint32_t pid, uint64_t address);
  std::map<uint32_t, std::vector<MemoryMapping>> maps_;
};

// Resolves through one process-wide UserSymbolizer; what stack printing is given (see
// set_user_frame_symbolizer in stack_format.h).
std::string symbolize_user_frame(uint32_t pid, uint64_t address, bool with_offset);
// remember() on that symbolizer: at once, or at most every 10 ms per process when `throttled`
// (cheap to call in a loop).
void remember_process_memory_map(uint32_t pid, bool throttled);

} // namespace bpfscope
