#include "runtime/elf_symbols.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <llvm/Demangle/Demangle.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>

namespace bpfscope {

namespace {

void set_error(std::string *error, std::string msg) {
  if (error)
    *error = std::move(msg);
}

bool is_function_symbol(const GElf_Sym &sym) {
  int type = GELF_ST_TYPE(sym.st_info);
  // IFUNC resolvers (libc's memcpy, strlen, ...) are what a call through the PLT first reaches.
  return (type == STT_FUNC || type == STT_GNU_IFUNC) && sym.st_shndx != SHN_UNDEF &&
         sym.st_value != 0;
}

void read_symbol_table(Elf *elf, Elf_Scn *scn, const GElf_Shdr &shdr,
                       std::vector<ElfFunction> &out) {
  Elf_Data *data = elf_getdata(scn, nullptr);
  if (!data || shdr.sh_entsize == 0)
    return;
  size_t count = shdr.sh_size / shdr.sh_entsize;
  for (size_t i = 0; i < count; i++) {
    GElf_Sym sym;
    if (!gelf_getsym(data, static_cast<int>(i), &sym) || !is_function_symbol(sym))
      continue;
    const char *name = elf_strptr(elf, shdr.sh_link, sym.st_name);
    if (!name || !*name)
      continue;
    ElfFunction f;
    f.name = name;
    f.demangled = demangle_symbol(f.name);
    f.address = sym.st_value;
    f.size = sym.st_size;
    out.push_back(std::move(f));
  }
}

std::shared_ptr<ElfSymbols> parse_elf(const std::string &path, int fd, std::string *error) {
  if (elf_version(EV_CURRENT) == EV_NONE) {
    set_error(error, std::string("libelf is unusable: ") + elf_errmsg(-1));
    return nullptr;
  }
  Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, nullptr);
  if (!elf) {
    set_error(error, "cannot read " + path + ": " + elf_errmsg(-1));
    return nullptr;
  }
  struct EndElf {
    Elf *e;
    ~EndElf() { elf_end(e); }
  } end_elf{elf};

  GElf_Ehdr ehdr;
  if (elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &ehdr)) {
    set_error(error, path + " is not an ELF file");
    return nullptr;
  }
  auto symbols = std::make_shared<ElfSymbols>();
  symbols->path = path;
  symbols->position_independent = ehdr.e_type == ET_DYN;

  size_t phnum = 0;
  if (elf_getphdrnum(elf, &phnum) == 0) {
    for (size_t i = 0; i < phnum; i++) {
      GElf_Phdr phdr;
      if (!gelf_getphdr(elf, static_cast<int>(i), &phdr) || phdr.p_type != PT_LOAD)
        continue;
      symbols->segments.push_back(
          {phdr.p_vaddr, phdr.p_memsz, phdr.p_offset, phdr.p_filesz, (phdr.p_flags & PF_X) != 0});
    }
  }
  if (symbols->segments.empty()) {
    set_error(error, path + " has no loadable segments (not an executable or shared object)");
    return nullptr;
  }

  Elf_Scn *scn = nullptr;
  while ((scn = elf_nextscn(elf, scn)) != nullptr) {
    GElf_Shdr shdr;
    if (!gelf_getshdr(scn, &shdr))
      continue;
    if (shdr.sh_type == SHT_SYMTAB || shdr.sh_type == SHT_DYNSYM)
      read_symbol_table(elf, scn, shdr, symbols->functions);
  }
  auto &fns = symbols->functions;
  // .dynsym repeats what .symtab has: keep one entry per (address, name).
  std::sort(fns.begin(), fns.end(), [](const ElfFunction &a, const ElfFunction &b) {
    return a.address != b.address ? a.address < b.address : a.name < b.name;
  });
  fns.erase(std::unique(fns.begin(), fns.end(),
                        [](const ElfFunction &a, const ElfFunction &b) {
                          return a.address == b.address && a.name == b.name;
                        }),
            fns.end());
  return symbols;
}

struct CacheEntry {
  dev_t dev = 0;
  ino_t ino = 0;
  timespec mtime{};
  std::shared_ptr<const ElfSymbols> symbols;
};

std::mutex cache_mutex;
std::map<std::string, CacheEntry> cache;
size_t files_parsed = 0;

} // namespace

std::optional<uint64_t> ElfSymbols::file_offset(uint64_t vaddr) const {
  for (auto &s : segments)
    if (vaddr >= s.vaddr && vaddr < s.vaddr + s.filesz)
      return vaddr - s.vaddr + s.offset;
  return std::nullopt;
}

std::optional<uint64_t> ElfSymbols::vaddr_of_file_offset(uint64_t offset) const {
  for (auto &s : segments)
    if (offset >= s.offset && offset < s.offset + s.filesz)
      return offset - s.offset + s.vaddr;
  return std::nullopt;
}

const ElfFunction *ElfSymbols::find(const std::string &name) const {
  for (auto &f : functions)
    if (f.name == name || f.demangled == name)
      return &f;
  return nullptr;
}

const ElfFunction *ElfSymbols::containing(uint64_t vaddr) const {
  auto it = std::upper_bound(functions.begin(), functions.end(), vaddr,
                             [](uint64_t v, const ElfFunction &f) { return v < f.address; });
  // Walk back over the symbols at or below vaddr: the nearest one whose extent covers it wins;
  // a size-0 symbol covers up to the next symbol.
  const ElfFunction *unsized = nullptr;
  for (auto i = it; i != functions.begin();) {
    --i;
    if (i->size > 0 && vaddr < i->address + i->size)
      return &*i;
    if (i->size == 0 && !unsized && i + 1 == it)
      unsized = &*i;
    if (vaddr - i->address > (1u << 20))
      break; // no function is that large: stop scanning
  }
  if (unsized) {
    for (auto &s : segments)
      if (s.executable && vaddr >= s.vaddr && vaddr < s.vaddr + s.memsz &&
          unsized->address >= s.vaddr)
        return unsized;
  }
  return nullptr;
}

std::shared_ptr<const ElfSymbols> read_elf_symbols(const std::string &path, std::string *error) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    set_error(error, "cannot open " + path + ": " + strerror(errno));
    return nullptr;
  }
  struct CloseFd {
    int fd;
    ~CloseFd() { close(fd); }
  } close_fd{fd};
  struct stat st;
  if (fstat(fd, &st) != 0) {
    set_error(error, "cannot stat " + path + ": " + strerror(errno));
    return nullptr;
  }
  if (!S_ISREG(st.st_mode)) {
    set_error(error, path + " is not a regular file");
    return nullptr;
  }
  std::lock_guard<std::mutex> lock(cache_mutex);
  auto it = cache.find(path);
  if (it != cache.end() && it->second.dev == st.st_dev && it->second.ino == st.st_ino &&
      it->second.mtime.tv_sec == st.st_mtim.tv_sec &&
      it->second.mtime.tv_nsec == st.st_mtim.tv_nsec)
    return it->second.symbols;
  auto symbols = parse_elf(path, fd, error);
  if (!symbols)
    return nullptr;
  files_parsed++;
  cache[path] = {st.st_dev, st.st_ino, st.st_mtim, symbols};
  return symbols;
}

std::optional<uint64_t> read_elf_data_symbol(const std::string &path, const std::string &name) {
  if (elf_version(EV_CURRENT) == EV_NONE)
    return std::nullopt;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return std::nullopt;
  std::optional<uint64_t> found;
  if (Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, nullptr)) {
    Elf_Scn *scn = nullptr;
    while (!found && (scn = elf_nextscn(elf, scn)) != nullptr) {
      GElf_Shdr shdr;
      if (!gelf_getshdr(scn, &shdr) || (shdr.sh_type != SHT_SYMTAB && shdr.sh_type != SHT_DYNSYM) ||
          shdr.sh_entsize == 0)
        continue;
      Elf_Data *data = elf_getdata(scn, nullptr);
      size_t count = data ? shdr.sh_size / shdr.sh_entsize : 0;
      for (size_t i = 0; i < count; i++) {
        GElf_Sym sym;
        if (!gelf_getsym(data, static_cast<int>(i), &sym) || sym.st_shndx == SHN_UNDEF)
          continue;
        int type = GELF_ST_TYPE(sym.st_info);
        if (type != STT_OBJECT && type != STT_TLS)
          continue;
        const char *n = elf_strptr(elf, shdr.sh_link, sym.st_name);
        if (n && name == n) {
          found = sym.st_value;
          break;
        }
      }
    }
    elf_end(elf);
  }
  close(fd);
  return found;
}

size_t elf_symbol_files_parsed() {
  std::lock_guard<std::mutex> lock(cache_mutex);
  return files_parsed;
}

std::string demangle_symbol(const std::string &name) {
  // Only names with a mangling prefix: llvm::demangle would otherwise return them unchanged
  // anyway, but this keeps the common C case free of work.
  if (name.size() < 3 || name[0] != '_' || (name[1] != 'Z' && name[1] != 'R' && name[1] != '_'))
    return name;
  return llvm::demangle(name);
}

} // namespace bpfscope
