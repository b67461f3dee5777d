// The function part of a uprobe attach point and the ELF functions it selects:
//   NAME            a symbol, mangled or demangled ("add", "_ZN2ns5Klass6methodEi",
//                   "ns::Klass::method(int)"), or a demangled name without its parameter list
//                   ("ns::Klass::method": every overload)
//   GLOB            wildcards over the same names ("read*", "ns::Klass::*")
//   NAME+OFFSET     an instruction inside a function (decimal or 0x hex offset)
//   0xADDRESS       a virtual address of the binary
#pragma once

#include "runtime/elf_symbols.h"

#include <cstdint>
#include <string>
#include <vector>

namespace bpfscope {

struct UprobeFunctionSpec {
  enum class Kind { Name, NameOffset, Address };
  Kind kind = Kind::Name;
  std::string name;     // Name, NameOffset
  uint64_t offset = 0;  // NameOffset
  uint64_t address = 0; // Address
};

// false and *error when `text` is empty or a malformed number.
bool parse_uprobe_function_spec(const std::string &text, UprobeFunctionSpec &out,
                                std::string *error);

// "ns::Klass::method(int) const" -> "ns::Klass::method"; names without parameters unchanged.
std::string strip_parameters(const std::string &demangled);

// The functions `pattern` selects (exact names first; wildcards only when nothing matches
// exactly), one per file offset, sorted by the name they are shown with.
std::vector<const ElfFunction *> match_functions(const ElfSymbols &symbols,
                                                 const std::string &pattern);

// The name a function is shown with (`func`, `probe`, -l): the demangled form.
inline const std::string &display_name(const ElfFunction &f) { return f.demangled; }

} // namespace bpfscope
