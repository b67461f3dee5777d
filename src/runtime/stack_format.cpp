#include "runtime/stack_format.h"

#include "runtime/kernel_symbols.h"

#include <bpf/bpf.h>

#include <cstdio>
#include <map>

namespace bpfscope {

namespace {

std::map<int, int> &stack_maps() {
  static std::map<int, int> maps; // frame limit -> map fd (owned by the session)
  return maps;
}

UserFrameSymbolizer &user_symbolizer() {
  static UserFrameSymbolizer symbolizer;
  return symbolizer;
}

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "%llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string frame_name(const Type &type, uint32_t pid, uint64_t address) {
  if (!type.stack_user)
    return kernel_symbol_name(KernelSymbols::running(), address, true);
  std::string name;
  if (user_symbolizer())
    name = user_symbolizer()(pid, address, true);
  return name.empty() ? "0x" + hex(address) : name;
}

} // namespace

void register_stack_map(int limit, int fd) { stack_maps()[limit] = fd; }

void reset_stack_maps() { stack_maps().clear(); }

void set_user_frame_symbolizer(UserFrameSymbolizer symbolizer) {
  user_symbolizer() = std::move(symbolizer);
}

std::string format_stack_frames(const Type &type, const std::vector<uint64_t> &frames,
                                uint32_t pid) {
  std::string out = "\n";
  for (uint64_t address : frames) {
    if (address == 0)
      break;
    switch (type.stack_mode) {
    case StackMode::Bpftrace:
      out += "        " + frame_name(type, pid, address) + "\n";
      break;
    case StackMode::Perf:
      // Appended piece by piece: GCC 12 at -O3 misreports `"\t" + std::string&&` (-Wrestrict).
      out += '\t';
      out += hex(address);
      out += ' ';
      out += frame_name(type, pid, address);
      out += '\n';
      break;
    case StackMode::Raw:
      out += hex(address) + "\n";
      break;
    }
  }
  return out;
}

std::string format_stack(const Type &type, uint64_t value) {
  auto id = static_cast<int32_t>(value & 0xffffffff);
  auto pid = static_cast<uint32_t>(value >> 32);
  auto it = stack_maps().find(type.stack_limit);
  if (id < 0 || it == stack_maps().end())
    return ""; // no stack was taken (e.g. -EFAULT: no kernel stack in this context)
  std::vector<uint64_t> frames(type.stack_limit);
  uint32_t key = static_cast<uint32_t>(id);
  if (bpf_map_lookup_elem(it->second, &key, frames.data()) != 0)
    return "";
  return format_stack_frames(type, frames, pid);
}

std::string format_usym(uint64_t address, uint32_t pid) {
  std::string name;
  if (user_symbolizer())
    name = user_symbolizer()(pid, address, false);
  return name.empty() ? "0x" + hex(address) : name;
}

std::string format_ksym(uint64_t address) {
  return kernel_symbol_name(KernelSymbols::running(), address, false);
}

} // namespace bpfscope
