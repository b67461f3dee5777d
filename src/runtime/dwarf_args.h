// Typed arguments of user-space functions from DWARF debug info (libdw), for `args.NAME` in
// uprobes and for the signatures `-lv 'uprobe:PATH:FUNC'` prints.
//
// Each formal parameter is placed in its x86-64 System V integer argument register (rdi, rsi,
// rdx, rcx, r8, r9, in order) when it is of the INTEGER class: integers, enums, bools and
// pointers. Floating-point parameters travel in SSE registers and take no integer register; they
// are listed but not readable. A struct or union passed by value is also listed but not readable
// (its classification depends on its members: that is the follow-up that brings struct types),
// and because it may take integer registers, no parameter after it is readable either.
#pragma once

#include "parser/probe_target.h"

#include <optional>
#include <string>
#include <vector>

namespace bpfscope {

struct DwarfParameter {
  std::string name;      // "" for an unnamed parameter
  std::string type_name; // as C writes it: "int", "const char *", "struct foo"
  enum class Kind { Integer, Pointer, CharPointer, Unreadable };
  Kind kind = Kind::Unreadable;
  int size = 0; // bytes of the value
  bool is_signed = false;
  int reg_offset = -1; // byte offset of its register in struct pt_regs, -1 when not readable
};

struct DwarfFunction {
  std::string name;
  std::vector<DwarfParameter> parameters;
};

// Whether `path` has DWARF debug info at all, in itself or in a separate debug file: by build
// id under /usr/lib/debug/.build-id, or by its .gnu_debuglink name beside it, in .debug/ beside
// it, or under /usr/lib/debug (where Debian's -dbgsym packages and `objcopy --only-keep-debug`
// put it).
bool has_dwarf(const std::string &path);

// The parameters of function `name` (its C name, or for C++ its mangled linkage name) in
// `path`. nullopt and *error when the file has no DWARF or no function of that name in it.
std::optional<DwarfFunction> read_dwarf_function(const std::string &path, const std::string &name,
                                                 std::string *error);

// `args` fields for a uprobe on `fn`: one per readable named parameter.
std::vector<ContextField> dwarf_context_fields(const DwarfFunction &fn);

// SemanticOptions::load_context_fields for uprobes: `t.fields` from the DWARF of
// t.dwarf_function in t.path, or `t.args_error` saying why there are none.
void load_dwarf_context_fields(ProbeTarget &t);

} // namespace bpfscope
