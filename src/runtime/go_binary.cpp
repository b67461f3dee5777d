#include "runtime/go_binary.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <unistd.h>

#include <llvm/MC/MCAsmInfo.h>
#include <llvm/MC/MCContext.h>
#include <llvm/MC/MCDisassembler/MCDisassembler.h>
#include <llvm/MC/MCInst.h>
#include <llvm/MC/MCInstrInfo.h>
#include <llvm/MC/MCRegisterInfo.h>
#include <llvm/MC/MCSubtargetInfo.h>
#include <llvm/MC/MCTargetOptions.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/TargetParser/Triple.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>

extern "C" void LLVMInitializeX86TargetInfo();
extern "C" void LLVMInitializeX86TargetMC();
extern "C" void LLVMInitializeX86Disassembler();

namespace bpfscope {

bool is_go_binary(const std::string &path) {
  static std::mutex mutex;
  static std::map<std::string, bool> known;
  std::lock_guard<std::mutex> lock(mutex);
  if (auto it = known.find(path); it != known.end())
    return it->second;
  bool go = false;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  if (elf_version(EV_CURRENT) != EV_NONE) {
    if (Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, nullptr)) {
      size_t shstrndx = 0;
      if (elf_kind(elf) == ELF_K_ELF && elf_getshdrstrndx(elf, &shstrndx) == 0) {
        Elf_Scn *scn = nullptr;
        while (!go && (scn = elf_nextscn(elf, scn)) != nullptr) {
          GElf_Shdr shdr;
          if (!gelf_getshdr(scn, &shdr))
            continue;
          const char *name = elf_strptr(elf, shstrndx, shdr.sh_name);
          if (name && (!strcmp(name, ".go.buildinfo") || !strcmp(name, ".note.go.buildid")))
            go = true;
        }
      }
      elf_end(elf);
    }
  }
  close(fd);
  known[path] = go;
  return go;
}

bool read_file_bytes(const std::string &path, uint64_t file_offset, uint64_t size,
                     std::vector<uint8_t> &out, std::string *error) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (error)
      *error = "cannot open " + path + ": " + strerror(errno);
    return false;
  }
  out.assign(size, 0);
  size_t done = 0;
  while (done < size) {
    ssize_t n = pread(fd, out.data() + done, size - done, static_cast<off_t>(file_offset + done));
    if (n <= 0) {
      if (error)
        *error = "cannot read " + path + ": " + (n < 0 ? strerror(errno) : "unexpected end");
      close(fd);
      return false;
    }
    done += static_cast<size_t>(n);
  }
  close(fd);
  return true;
}

namespace {

// LLVM's x86-64 disassembler, set up once.
struct X86Disassembler {
  std::unique_ptr<const llvm::MCRegisterInfo> mri;
  std::unique_ptr<const llvm::MCAsmInfo> mai;
  std::unique_ptr<const llvm::MCSubtargetInfo> sti;
  std::unique_ptr<const llvm::MCInstrInfo> mii;
  std::unique_ptr<llvm::MCContext> ctx;
  std::unique_ptr<const llvm::MCDisassembler> disasm;
  std::string error;
};

X86Disassembler &x86_disassembler() {
  static X86Disassembler d;
  static std::once_flag once;
  std::call_once(once, [] {
    LLVMInitializeX86TargetInfo();
    LLVMInitializeX86TargetMC();
    LLVMInitializeX86Disassembler();
    llvm::Triple triple("x86_64-unknown-linux-gnu");
    std::string err;
    const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple.str(), err);
    if (!target) {
      d.error = "no x86-64 disassembler: " + err;
      return;
    }
    d.mri.reset(target->createMCRegInfo(triple.str()));
    llvm::MCTargetOptions options;
    if (d.mri)
      d.mai.reset(target->createMCAsmInfo(*d.mri, triple.str(), options));
    d.sti.reset(target->createMCSubtargetInfo(triple.str(), "", ""));
    d.mii.reset(target->createMCInstrInfo());
    if (!d.mri || !d.mai || !d.sti || !d.mii) {
      d.error = "cannot set up LLVM's x86-64 disassembler";
      return;
    }
    d.ctx = std::make_unique<llvm::MCContext>(triple, d.mai.get(), d.mri.get(), d.sti.get());
    d.disasm.reset(target->createMCDisassembler(*d.sti, *d.ctx));
    if (!d.disasm)
      d.error = "cannot create LLVM's x86-64 disassembler";
  });
  return d;
}

} // namespace

bool find_return_instructions(const std::vector<uint8_t> &code, std::vector<uint64_t> &out,
                              std::string *error) {
  X86Disassembler &d = x86_disassembler();
  if (!d.disasm) {
    if (error)
      *error = d.error;
    return false;
  }
  static std::mutex mutex; // MCContext is not thread-safe
  std::lock_guard<std::mutex> lock(mutex);
  llvm::ArrayRef<uint8_t> bytes(code.data(), code.size());
  uint64_t offset = 0;
  while (offset < code.size()) {
    llvm::MCInst inst;
    uint64_t size = 0;
    auto status = d.disasm->getInstruction(inst, size, bytes.slice(offset), offset, llvm::nulls());
    if (status != llvm::MCDisassembler::Success || size == 0) {
      if (error)
        *error = "cannot decode the instruction at offset " + std::to_string(offset);
      return false;
    }
    if (d.mii->get(inst.getOpcode()).isReturn())
      out.push_back(offset);
    offset += size;
  }
  return true;
}

uint64_t go_entry_after_stack_check(const std::vector<uint8_t> &code) {
  X86Disassembler &d = x86_disassembler();
  if (!d.disasm)
    return 0;
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  llvm::ArrayRef<uint8_t> bytes(code.data(), code.size());
  uint64_t offset = 0;
  bool compared_with_g = false; // the last instruction compared against g (%r14)'s stack guard
  for (int i = 0; i < 6 && offset < code.size(); i++) {
    llvm::MCInst inst;
    uint64_t size = 0;
    if (d.disasm->getInstruction(inst, size, bytes.slice(offset), offset, llvm::nulls()) !=
            llvm::MCDisassembler::Success ||
        size == 0)
      return 0;
    const llvm::MCInstrDesc &desc = d.mii->get(inst.getOpcode());
    offset += size;
    if (compared_with_g)
      return desc.isConditionalBranch() ? offset : 0;
    if (desc.isCompare())
      for (const llvm::MCOperand &op : inst)
        if (op.isReg() && op.getReg() && std::string(d.mri->getName(op.getReg())) == "R14")
          compared_with_g = true;
    if (desc.isBranch() || desc.isReturn() || desc.isCall())
      return 0;
  }
  return 0;
}

} // namespace bpfscope
