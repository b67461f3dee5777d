#include "runtime/task_kfuncs_allowed.h"

#include "runtime/task_offsets.h"

#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <unistd.h>

#include <cstdint>
#include <map>

namespace bpfscope {

namespace {

// One raw instruction: opcode, registers, 16-bit offset and 32-bit immediate, little-endian.
uint64_t insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
  return static_cast<uint64_t>(code) | static_cast<uint64_t>((src << 4) | dst) << 8 |
         static_cast<uint64_t>(static_cast<uint16_t>(off)) << 16 |
         static_cast<uint64_t>(static_cast<uint32_t>(imm)) << 32;
}

// Loads `task = bpf_task_from_pid(1); if (task) bpf_task_release(task); return 0;` as a program
// of `type`; the verifier refuses it ("calling kernel function ... is not allowed") where the
// program type may not call these kfuncs.
bool load_probe_program(bpf_prog_type type) {
  int from_pid = kfunc_btf_id_from_btf("bpf_task_from_pid");
  int release = kfunc_btf_id_from_btf("bpf_task_release");
  if (from_pid <= 0 || release <= 0)
    return false;
  const uint64_t program[] = {
      insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_1, 0, 0, 1),
      insn(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 0, from_pid),
      insn(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_0, 0, 2, 0),
      insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_0, 0, 0),
      insn(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 0, release),
      insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0),
      insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
  };
  int fd = bpf_prog_load(type, "kfunc_check", "GPL", reinterpret_cast<const bpf_insn *>(program),
                         sizeof(program) / sizeof(program[0]), nullptr);
  if (fd < 0)
    return false;
  close(fd);
  return true;
}

} // namespace

bool task_kfuncs_allowed(ProgramKind kind) {
  bpf_prog_type type = BPF_PROG_TYPE_UNSPEC;
  switch (kind) {
  case ProgramKind::Tracing:
    return true;             // fentry/fexit/tp_btf: allowed since the kfuncs exist (Linux 6.2)
  case ProgramKind::Special: // BEGIN/END run as raw tracepoint programs
  case ProgramKind::RawTracepoint:
    type = BPF_PROG_TYPE_RAW_TRACEPOINT;
    break;
  case ProgramKind::Tracepoint:
    type = BPF_PROG_TYPE_TRACEPOINT;
    break;
  case ProgramKind::PerfEvent:
    type = BPF_PROG_TYPE_PERF_EVENT;
    break;
  case ProgramKind::Kprobe:
    type = BPF_PROG_TYPE_KPROBE;
    break;
  }
  static std::map<bpf_prog_type, bool> answers;
  auto it = answers.find(type);
  if (it == answers.end())
    it = answers.emplace(type, load_probe_program(type)).first;
  return it->second;
}

} // namespace bpfscope
