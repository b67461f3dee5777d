// USDT probes (<sys/sdt.h>, DTRACE_PROBE/STAP_PROBE) of an ELF file, from its .note.stapsdt
// notes. Each note gives the probe's address, the link-time address of .stapsdt.base (to correct
// for prelinking), the address of its semaphore (0 for none), provider, name and an argument
// string such as "-4@%edi 8@-16(%rbp) -4@$5" (SIZE@LOCATION, a negative size being signed).
#pragma once

#include "parser/probe_target.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bpfscope {

struct UsdtProbe {
  std::string provider;
  std::string name;
  uint64_t address = 0;   // virtual address of the probe's NOP, corrected for prelinking
  uint64_t semaphore = 0; // virtual address of its semaphore (a u16 counter), 0 when none
  std::string arguments;  // the note's argument string
};

// The USDT probes of `path`, in note order (empty when it has none). nullopt and *error when
// the file cannot be read as ELF.
std::optional<std::vector<UsdtProbe>> read_usdt_probes(const std::string &path, std::string *error);

// Parses an argument string into `out`: registers ("-4@%edi"), constants ("-4@$5"), memory at
// DISP(BASE[,INDEX[,SCALE]]) ("8@-16(%rbp)", "-4@-4(%rbp,%rax,8)", "2@(,%rdx,2)") and variables
// relative to %rip ("-4@counter(%rip)", "8@table+8(%rip)": UsdtArgument::symbol, for the caller
// to resolve). false and *error for a form bpfscope cannot read (a bare address, a bad scale).
bool parse_usdt_arguments(const std::string &text, std::vector<UsdtArgument> &out,
                          std::string *error);

// Byte offset in x86-64 struct pt_regs of register `name` ("rdi", "edi", "di", "dil", "r8d"...),
// -1 when unknown.
int usdt_register_offset(const std::string &name);

} // namespace bpfscope
