// Function symbols of ELF executables and shared objects, for user-space probes (where to attach)
// and for user stacks (which function an address is in).
//
// uprobes are placed by FILE OFFSET, while symbols hold VIRTUAL ADDRESSES: the two are related by
// the PT_LOAD program header that maps the address (offset = vaddr - p_vaddr + p_offset). For
// non-PIE executables the addresses start at 0x400000; for PIE executables and shared objects they
// start near 0, but still need not equal the offset. Each file is read once per process: the cache
// is keyed by path, device, inode and modification time, so a rebuilt binary is read again.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bpfscope {

struct ElfFunction {
  std::string name;      // as in the symbol table (mangled for C++)
  std::string demangled; // readable form for C++ names; equal to `name` otherwise
  uint64_t address = 0;  // st_value, a virtual address
  uint64_t size = 0;     // st_size (0 for some hand-written assembly)
};

struct ElfLoadSegment {
  uint64_t vaddr = 0, memsz = 0, offset = 0, filesz = 0;
  bool executable = false;
};

class ElfSymbols {
public:
  std::string path;
  bool position_independent = false;  // ET_DYN: PIE executable or shared object
  std::vector<ElfFunction> functions; // .symtab and .dynsym merged, sorted by address
  std::vector<ElfLoadSegment> segments;

  // File offset of virtual address `vaddr`, through the PT_LOAD segment containing it.
  std::optional<uint64_t> file_offset(uint64_t vaddr) const;
  // The inverse, for addresses taken from a process's memory map.
  std::optional<uint64_t> vaddr_of_file_offset(uint64_t offset) const;
  // Functions named `name`, mangled or demangled (first by address when several share it).
  const ElfFunction *find(const std::string &name) const;
  // The function whose [address, address + size) contains `vaddr`; for size-0 symbols, the
  // closest one below inside the same executable segment.
  const ElfFunction *containing(uint64_t vaddr) const;
};

// Reads (or returns the cached) symbols of `path`. nullptr and *error ("cannot open ...: No such
// file or directory", "... is not an ELF file") on failure.
std::shared_ptr<const ElfSymbols> read_elf_symbols(const std::string &path, std::string *error);

// The address (st_value) of data symbol `name` (a variable: STT_OBJECT or STT_TLS) of `path`,
// for uaddr(); nullopt when it has none. Not cached: called once per uaddr() of a script.
std::optional<uint64_t> read_elf_data_symbol(const std::string &path, const std::string &name);

// How many files read_elf_symbols() actually parsed so far (the rest were cache hits); for tests.
size_t elf_symbol_files_parsed();

// The demangled form of a C++ (Itanium ABI) symbol; `name` itself when it is not one.
std::string demangle_symbol(const std::string &name);

} // namespace bpfscope
