#include "codegen/kfunc_calls.h"

#include <linux/bpf.h>

#include <cstring>

namespace bpfscope {

void patch_kfunc_calls(std::vector<uint64_t> &instructions, const ProgramInfo &info) {
  for (uint64_t &raw : instructions) {
    bpf_insn insn;
    std::memcpy(&insn, &raw, sizeof(insn));
    if (insn.code != (BPF_JMP | BPF_CALL) || insn.src_reg != 0 ||
        insn.imm != kKfuncMarkerMapSumElemCount)
      continue;
    insn.src_reg = BPF_PSEUDO_KFUNC_CALL;
    insn.off = 0; // the function is in vmlinux's BTF
    insn.imm = info.map_elem_count_btf_id;
    std::memcpy(&raw, &insn, sizeof(insn));
  }
}

} // namespace bpfscope
