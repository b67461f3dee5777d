#include "codegen/local_calls.h"

#include <linux/bpf.h>

#include <cstring>

namespace bpfscope {

namespace {
constexpr uint64_t kRelocBpf64_64 = 1;  // R_BPF_64_64: the 64-bit immediate of an ld_imm64
constexpr uint64_t kRelocBpf64_32 = 10; // R_BPF_64_32: the immediate of a call
} // namespace

bool link_local_functions(const llvm::object::SectionRef &section, std::vector<uint64_t> &insns,
                          std::string &error) {
  // In ELF the relocations live in a section of their own (`.relprog_N`) naming its target.
  std::vector<llvm::object::RelocationRef> relocs;
  for (const auto &candidate : section.getObject()->sections()) {
    auto target = candidate.getRelocatedSection();
    if (!target) {
      llvm::consumeError(target.takeError());
      continue;
    }
    if (*target == section)
      for (const auto &reloc : candidate.relocations())
        relocs.push_back(reloc);
  }
  for (const auto &reloc : relocs) {
    size_t index = reloc.getOffset() / 8;
    auto symbol = reloc.getSymbol();
    if (index >= insns.size() || symbol == section.getObject()->symbol_end()) {
      error = "a relocation outside the program";
      return false;
    }
    auto symbol_section = symbol->getSection();
    auto symbol_value = symbol->getValue();
    if (!symbol_section || !symbol_value || *symbol_section != section) {
      if (!symbol_section)
        llvm::consumeError(symbol_section.takeError());
      if (!symbol_value)
        llvm::consumeError(symbol_value.takeError());
      error = "it refers to global data, which the loader does not support";
      return false;
    }
    bpf_insn insn;
    std::memcpy(&insn, &insns[index], sizeof insn);
    int64_t target = 0;
    if (reloc.getType() == kRelocBpf64_64 && insn.code == (BPF_LD | BPF_IMM | BPF_DW)) {
      // The immediate holds the addend in bytes.
      target = static_cast<int64_t>((*symbol_value + static_cast<uint32_t>(insn.imm)) / 8);
      insn.src_reg = BPF_PSEUDO_FUNC;
    } else if (reloc.getType() == kRelocBpf64_32 && insn.code == (BPF_JMP | BPF_CALL)) {
      // The immediate holds the addend in instructions, relative to the next one.
      target = static_cast<int64_t>(*symbol_value / 8) + insn.imm + 1;
      insn.src_reg = BPF_PSEUDO_CALL;
    } else {
      error = "an unexpected relocation of type " + std::to_string(reloc.getType());
      return false;
    }
    if (target < 0 || static_cast<size_t>(target) >= insns.size()) {
      error = "a reference past the end of the program";
      return false;
    }
    insn.imm = static_cast<int32_t>(target - static_cast<int64_t>(index) - 1);
    std::memcpy(&insns[index], &insn, sizeof insn);
  }
  return true;
}

} // namespace bpfscope
