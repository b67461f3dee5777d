#include "codegen/kfunc_calls.h"

#include <linux/bpf.h>

#include <cstring>

namespace bpfscope {

namespace {
// A 16-byte ld_imm64 (at `i` and `i + 1`) of kPercpuVarMarker + n becomes a load of the BTF id
// of per-CPU variable n.
void patch_percpu_var(std::vector<uint64_t> &instructions, size_t i, const ProgramInfo &info) {
  bpf_insn insn, high;
  std::memcpy(&insn, &instructions[i], sizeof(insn));
  std::memcpy(&high, &instructions[i + 1], sizeof(high));
  uint64_t value = static_cast<uint32_t>(insn.imm) |
                   static_cast<uint64_t>(static_cast<uint32_t>(high.imm)) << 32;
  if (insn.src_reg != 0 || value < kPercpuVarMarker ||
      value - kPercpuVarMarker >= info.percpu_var_btf_ids.size())
    return;
  insn.src_reg = BPF_PSEUDO_BTF_ID;
  insn.imm = info.percpu_var_btf_ids[value - kPercpuVarMarker];
  high.imm = 0; // the BTF object: 0 is vmlinux
  std::memcpy(&instructions[i], &insn, sizeof(insn));
  std::memcpy(&instructions[i + 1], &high, sizeof(high));
}
} // namespace

void patch_kfunc_calls(std::vector<uint64_t> &instructions, const ProgramInfo &info) {
  for (size_t i = 0; i + 1 < instructions.size(); i++) {
    bpf_insn insn;
    std::memcpy(&insn, &instructions[i], sizeof(insn));
    if (insn.code == (BPF_LD | BPF_IMM | BPF_DW)) {
      patch_percpu_var(instructions, i, info);
      i++; // the second half of the 16-byte instruction
    }
  }
  for (uint64_t &raw : instructions) {
    bpf_insn insn;
    std::memcpy(&insn, &raw, sizeof(insn));
    if (insn.code != (BPF_JMP | BPF_CALL) || insn.src_reg != 0)
      continue;
    int id = insn.imm == kKfuncMarkerMapSumElemCount ? info.map_elem_count_btf_id
             : insn.imm == kKfuncMarkerTaskFromPid   ? info.task_from_pid_btf_id
             : insn.imm == kKfuncMarkerTaskRelease   ? info.task_release_btf_id
                                                     : 0;
    if (id == 0)
      continue;
    insn.src_reg = BPF_PSEUDO_KFUNC_CALL;
    insn.off = 0; // the function is in vmlinux's BTF
    insn.imm = id;
    std::memcpy(&raw, &insn, sizeof(insn));
  }
}

} // namespace bpfscope
