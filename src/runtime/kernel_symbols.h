// The kernel's symbol table (/proc/kallsyms): address -> "function+offset" for kstack and
// ksym(), name -> address for kaddr(), and the text symbols kprobes can fall back on when
// tracefs' available_filter_functions is unreadable. Loaded lazily, once per process: parsing
// it costs tens of milliseconds, which scripts that never print a kernel address should not pay.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bpfscope {

struct KernelSymbol {
  uint64_t address = 0;
  char type = '?'; // kallsyms type letter: t/T text, d/D data, ...
  std::string name;
  std::string module; // "" for vmlinux
  bool is_text() const { return type == 't' || type == 'T' || type == 'w' || type == 'W'; }
};

class KernelSymbols {
public:
  // The running kernel's symbols, read from /proc/kallsyms on first use.
  static const KernelSymbols &running();

  // Parses kallsyms text ("ffffffff81000000 T _stext\n..." with an optional "\t[module]").
  static KernelSymbols parse(const std::string &text);

  // The text symbol containing `address` (the last one at or below it), or null.
  const KernelSymbol *containing(uint64_t address) const;
  // The address of the first symbol called `name` (any type), if any.
  std::optional<uint64_t> address_of(const std::string &name) const;
  // Every symbol, sorted by address.
  const std::vector<KernelSymbol> &symbols() const { return by_address_; }
  // kallsyms shows all addresses as 0 to processes without CAP_SYSLOG (kptr_restrict).
  bool addresses_hidden() const { return addresses_hidden_; }

private:
  std::vector<KernelSymbol> by_address_;
  std::vector<size_t> text_; // indexes of text symbols in by_address_, ascending address
  bool addresses_hidden_ = false;
};

// "do_sys_openat2+5" (offset shown when asked, even +0 as bpftrace does), or "0xffffffff8100abcd"
// when no symbol contains the address.
std::string kernel_symbol_name(const KernelSymbols &symbols, uint64_t address, bool with_offset);

} // namespace bpfscope
