#include "runtime/kernel_symbols.h"
#include "runtime/hex_address.h"

#include "runtime/tracefs.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace bpfscope {

KernelSymbols KernelSymbols::parse(const std::string &text) {
  KernelSymbols ks;
  bool any_nonzero = false;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos)
      end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    // "ADDRESS TYPE NAME[\t[MODULE]]"
    size_t sp1 = line.find(' ');
    if (sp1 == std::string::npos || sp1 + 3 > line.size() || line[sp1 + 2] != ' ')
      continue;
    KernelSymbol s;
    s.address = std::strtoull(line.c_str(), nullptr, 16);
    s.type = line[sp1 + 1];
    std::string rest = line.substr(sp1 + 3);
    size_t tab = rest.find('\t');
    if (tab != std::string::npos) {
      std::string mod = rest.substr(tab + 1);
      if (mod.size() > 2 && mod.front() == '[' && mod.back() == ']')
        s.module = mod.substr(1, mod.size() - 2);
      rest = rest.substr(0, tab);
    }
    s.name = rest;
    any_nonzero |= s.address != 0;
    ks.by_address_.push_back(std::move(s));
  }
  ks.addresses_hidden_ = !ks.by_address_.empty() && !any_nonzero;
  std::stable_sort(
      ks.by_address_.begin(), ks.by_address_.end(),
      [](const KernelSymbol &a, const KernelSymbol &b) { return a.address < b.address; });
  for (size_t i = 0; i < ks.by_address_.size(); i++)
    if (ks.by_address_[i].is_text())
      ks.text_.push_back(i);
  return ks;
}

const KernelSymbols &KernelSymbols::running() {
  static const KernelSymbols symbols = [] {
    std::string text, error;
    read_text_file("/proc/kallsyms", &text, &error);
    return parse(text);
  }();
  return symbols;
}

const KernelSymbol *KernelSymbols::containing(uint64_t address) const {
  if (addresses_hidden_ || text_.empty())
    return nullptr;
  // Last text symbol whose address is <= address. kallsyms has no sizes: a symbol is taken to
  // extend to the next one, as bpftrace and perf do.
  auto it = std::upper_bound(text_.begin(), text_.end(), address,
                             [&](uint64_t a, size_t i) { return a < by_address_[i].address; });
  if (it == text_.begin())
    return nullptr;
  return &by_address_[*(it - 1)];
}

std::optional<uint64_t> KernelSymbols::address_of(const std::string &name) const {
  for (const KernelSymbol &s : by_address_)
    if (s.name == name)
      return s.address;
  return std::nullopt;
}

std::string kernel_symbol_name(const KernelSymbols &symbols, uint64_t address, bool with_offset) {
  if (const KernelSymbol *s = symbols.containing(address)) {
    if (!with_offset)
      return s->name;
    return s->name + "+" + std::to_string(address - s->address);
  }
  return hex_address(address);
}

} // namespace bpfscope
