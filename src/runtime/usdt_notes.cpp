#include "runtime/usdt_notes.h"

#include <cctype>

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

namespace bpfscope {

namespace {

constexpr int kNtStapsdt = 3;

uint64_t read_u64(const char *p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

} // namespace

std::optional<std::vector<UsdtProbe>> read_usdt_probes(const std::string &path,
                                                       std::string *error) {
  auto fail = [&](const std::string &msg) -> std::optional<std::vector<UsdtProbe>> {
    if (error)
      *error = msg;
    return std::nullopt;
  };
  if (elf_version(EV_CURRENT) == EV_NONE)
    return fail(std::string("libelf is unusable: ") + elf_errmsg(-1));
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return fail("cannot open " + path + ": " + strerror(errno));
  Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, nullptr);
  struct Cleanup {
    int fd;
    Elf *elf;
    ~Cleanup() {
      if (elf)
        elf_end(elf);
      close(fd);
    }
  } cleanup{fd, elf};
  size_t shstrndx = 0;
  if (!elf || elf_kind(elf) != ELF_K_ELF || elf_getshdrstrndx(elf, &shstrndx) != 0)
    return fail(path + " is not an ELF file");

  // .stapsdt.base's address as linked now, against which each note's recorded base is compared.
  std::optional<uint64_t> base_now;
  std::vector<Elf_Scn *> note_sections;
  Elf_Scn *scn = nullptr;
  while ((scn = elf_nextscn(elf, scn)) != nullptr) {
    GElf_Shdr shdr;
    if (!gelf_getshdr(scn, &shdr))
      continue;
    const char *name = elf_strptr(elf, shstrndx, shdr.sh_name);
    if (!name)
      continue;
    if (!strcmp(name, ".stapsdt.base"))
      base_now = shdr.sh_addr;
    else if (!strcmp(name, ".note.stapsdt") && shdr.sh_type == SHT_NOTE)
      note_sections.push_back(scn);
  }
  std::vector<UsdtProbe> probes;
  for (Elf_Scn *s : note_sections) {
    Elf_Data *data = elf_getdata(s, nullptr);
    if (!data)
      continue;
    size_t offset = 0, name_offset = 0, desc_offset = 0;
    GElf_Nhdr nhdr;
    while ((offset = gelf_getnote(data, offset, &nhdr, &name_offset, &desc_offset)) > 0) {
      const char *owner = static_cast<const char *>(data->d_buf) + name_offset;
      if (nhdr.n_type != kNtStapsdt || nhdr.n_namesz != 8 || memcmp(owner, "stapsdt", 8) != 0 ||
          nhdr.n_descsz < 3 * 8 + 3)
        continue;
      const char *desc = static_cast<const char *>(data->d_buf) + desc_offset;
      const char *end = desc + nhdr.n_descsz;
      UsdtProbe p;
      p.address = read_u64(desc);
      uint64_t base = read_u64(desc + 8);
      p.semaphore = read_u64(desc + 16);
      const char *str = desc + 24;
      auto next_string = [&](std::string &to) {
        const char *z = static_cast<const char *>(memchr(str, 0, end - str));
        if (!z)
          return false;
        to.assign(str, z);
        str = z + 1;
        return true;
      };
      if (!next_string(p.provider) || !next_string(p.name))
        continue;
      if (str < end)
        next_string(p.arguments);
      if (base_now && base != 0) { // prelinked: everything moved by the same amount
        p.address += *base_now - base;
        if (p.semaphore)
          p.semaphore += *base_now - base;
      }
      probes.push_back(std::move(p));
    }
  }
  return probes;
}

int usdt_register_offset(const std::string &name) {
  // x86-64 struct pt_regs: r15 r14 r13 r12 bp bx r11 r10 r9 r8 ax cx dx si di orig_ax ip cs
  // flags sp ss.
  struct Reg {
    const char *names[4];
    int offset;
  };
  static const Reg regs[] = {
      {{"rax", "eax", "ax", "al"}, 80},
      {{"rbx", "ebx", "bx", "bl"}, 40},
      {{"rcx", "ecx", "cx", "cl"}, 88},
      {{"rdx", "edx", "dx", "dl"}, 96},
      {{"rsi", "esi", "si", "sil"}, 104},
      {{"rdi", "edi", "di", "dil"}, 112},
      {{"rbp", "ebp", "bp", "bpl"}, 32},
      {{"rsp", "esp", "sp", "spl"}, 152},
      {{"r8", "r8d", "r8w", "r8b"}, 72},
      {{"r9", "r9d", "r9w", "r9b"}, 64},
      {{"r10", "r10d", "r10w", "r10b"}, 56},
      {{"r11", "r11d", "r11w", "r11b"}, 48},
      {{"r12", "r12d", "r12w", "r12b"}, 24},
      {{"r13", "r13d", "r13w", "r13b"}, 16},
      {{"r14", "r14d", "r14w", "r14b"}, 8},
      {{"r15", "r15d", "r15w", "r15b"}, 0},
      {{"rip", "", "", ""}, 128},
  };
  for (auto &r : regs)
    for (const char *n : r.names)
      if (*n && name == n)
        return r.offset;
  return -1;
}

namespace {

bool parse_integer(const std::string &s, int64_t &out) {
  if (s.empty())
    return false;
  errno = 0;
  char *end = nullptr;
  bool hex = s.find("0x") != std::string::npos || s.find("0X") != std::string::npos;
  long long v = strtoll(s.c_str(), &end, hex ? 16 : 10);
  if (errno || *end)
    return false;
  out = v;
  return true;
}

bool parse_one(const std::string &spec, UsdtArgument &a, std::string &why) {
  std::string loc = spec;
  size_t at = spec.find('@');
  a.size = 8;
  a.is_signed = false;
  if (at != std::string::npos) {
    int64_t size = 0;
    if (!parse_integer(spec.substr(0, at), size) || size == 0 || size < -8 || size > 8 ||
        (std::abs(size) & (std::abs(size) - 1)) != 0) {
      why = "bad size";
      return false;
    }
    a.is_signed = size < 0;
    a.size = static_cast<int>(std::abs(size));
    loc = spec.substr(at + 1);
  }
  if (!loc.empty() && loc[0] == '$') { // $CONSTANT
    a.kind = UsdtArgument::Kind::Constant;
    if (!parse_integer(loc.substr(1), a.value)) {
      why = "not a number";
      return false;
    }
    return true;
  }
  if (!loc.empty() && loc[0] == '%') { // %REGISTER
    a.kind = UsdtArgument::Kind::Register;
    a.reg_offset = usdt_register_offset(loc.substr(1));
    if (a.reg_offset < 0 || loc == "%rip") {
      why = "unknown register";
      return false;
    }
    return true;
  }
  size_t open = loc.find('(');
  if (open == std::string::npos || loc.back() != ')') { // a bare address or symbol
    why = "unsupported location";
    return false;
  }
  // DISP(BASE[,INDEX[,SCALE]]): the base may be left out ("(,%rax,8)"), DISP may be a symbol
  // ("counter(%rip)", "table+8(%rip)") when the base is %rip.
  std::vector<std::string> regs;
  {
    std::string inner = loc.substr(open + 1, loc.size() - open - 2);
    size_t start = 0;
    while (true) {
      size_t comma = inner.find(',', start);
      regs.push_back(inner.substr(start, comma == std::string::npos ? comma : comma - start));
      if (comma == std::string::npos)
        break;
      start = comma + 1;
    }
  }
  if (regs.size() > 3 || (regs[0].empty() && regs.size() < 2)) {
    why = "unsupported addressing mode";
    return false;
  }
  a.kind = UsdtArgument::Kind::Memory;
  a.value = 0;
  a.reg_offset = -1;
  if (!regs[0].empty()) {
    a.reg_offset = regs[0][0] == '%' ? usdt_register_offset(regs[0].substr(1)) : -1;
    if (a.reg_offset < 0) {
      why = "unknown register " + regs[0];
      return false;
    }
  }
  if (regs.size() >= 2) {
    a.index_offset = regs[1].size() > 1 && regs[1][0] == '%' && regs[1] != "%rip"
                         ? usdt_register_offset(regs[1].substr(1))
                         : -1;
    if (a.index_offset < 0) {
      why = "unknown index register " + regs[1];
      return false;
    }
    int64_t scale = 1;
    if (regs.size() == 3 && (!parse_integer(regs[2], scale) ||
                             (scale != 1 && scale != 2 && scale != 4 && scale != 8))) {
      why = "bad scale " + regs[2];
      return false;
    }
    a.scale = static_cast<int>(scale);
  }
  std::string disp = loc.substr(0, open);
  bool rip = regs[0] == "%rip";
  if (rip && !disp.empty() &&
      (std::isalpha(static_cast<unsigned char>(disp[0])) || disp[0] == '_' || disp[0] == '.')) {
    // sym, sym+N, sym-N
    size_t sign = disp.find_first_of("+-");
    a.symbol = disp.substr(0, sign);
    disp = sign == std::string::npos ? "" : disp.substr(disp[sign] == '+' ? sign + 1 : sign);
  }
  if (!disp.empty() && !parse_integer(disp, a.value)) {
    why = "unsupported displacement";
    return false;
  }
  if (rip && a.index_offset >= 0) {
    why = "an index register with %rip";
    return false;
  }
  return true;
}

} // namespace

bool parse_usdt_arguments(const std::string &text, std::vector<UsdtArgument> &out,
                          std::string *error) {
  std::istringstream in(text);
  std::string spec;
  while (in >> spec) {
    UsdtArgument a;
    std::string why;
    if (!parse_one(spec, a, why)) {
      if (error)
        *error =
            "cannot read USDT argument " + std::to_string(out.size()) + " '" + spec + "': " + why;
      return false;
    }
    out.push_back(a);
  }
  return true;
}

} // namespace bpfscope
