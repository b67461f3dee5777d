#include "runtime/user_symbols.h"

#include "runtime/elf_symbols.h"

#include <chrono>

namespace bpfscope {

namespace {

const MemoryMapping *find_mapping(const std::vector<MemoryMapping> &maps, uint64_t address) {
  for (auto &m : maps)
    if (address >= m.start && address < m.end)
      return &m;
  return nullptr;
}

} // namespace

const MemoryMapping *UserSymbolizer::mapping_of(uint32_t pid, uint64_t address) {
  auto it = maps_.find(pid);
  if (it != maps_.end())
    if (const MemoryMapping *m = find_mapping(it->second, address))
      return m;
  std::vector<MemoryMapping> fresh = read_process_maps(static_cast<int>(pid), nullptr);
  if (fresh.empty())
    return nullptr; // gone: keep what was known, if anything
  auto &slot = maps_[pid];
  slot = std::move(fresh);
  return find_mapping(slot, address);
}

std::optional<UserSymbol> UserSymbolizer::resolve(uint32_t pid, uint64_t address) {
  const MemoryMapping *m = mapping_of(pid, address);
  if (!m || m->path.empty() || m->path[0] != '/')
    return std::nullopt; // anonymous memory (JIT code), [vdso], [stack], ...
  std::string path = m->path;
  const std::string deleted = " (deleted)";
  if (path.size() > deleted.size() &&
      path.compare(path.size() - deleted.size(), deleted.size(), deleted) == 0)
    path.resize(path.size() - deleted.size());
  auto symbols = read_elf_symbols(path_in_process_root(static_cast<int>(pid), path), nullptr);
  if (!symbols)
    return std::nullopt;
  auto vaddr = symbols->vaddr_of_file_offset(address - m->start + m->offset);
  if (!vaddr)
    return std::nullopt;
  const ElfFunction *f = symbols->containing(*vaddr);
  if (!f)
    return std::nullopt;
  return UserSymbol{f->demangled, *vaddr - f->address, path};
}

std::string UserSymbolizer::name(uint32_t pid, uint64_t address, bool with_offset) {
  auto symbol = resolve(pid, address);
  if (!symbol)
    return "";
  if (!with_offset)
    return symbol->function;
  return symbol->function + "+" + std::to_string(symbol->offset);
}

void UserSymbolizer::remember(uint32_t pid) {
  std::vector<MemoryMapping> maps = read_process_maps(static_cast<int>(pid), nullptr);
  if (!maps.empty())
    maps_[pid] = std::move(maps);
}

namespace {
UserSymbolizer &shared_symbolizer() {
  static UserSymbolizer symbolizer;
  return symbolizer;
}
} // namespace

std::string symbolize_user_frame(uint32_t pid, uint64_t address, bool with_offset) {
  return shared_symbolizer().name(pid, address, with_offset);
}

void remember_process_memory_map(uint32_t pid, bool throttled) {
  static std::map<uint32_t, std::chrono::steady_clock::time_point> last;
  auto now = std::chrono::steady_clock::now();
  auto it = last.find(pid);
  if (throttled && it != last.end() && now - it->second < std::chrono::milliseconds(10))
    return;
  last[pid] = now;
  shared_symbolizer().remember(pid);
}

} // namespace bpfscope
