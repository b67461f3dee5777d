// BTF for programs made of several functions. The verifier accepts a callback (the body of a
// `for` loop, passed to bpf_loop or bpf_for_each_map_elem) only in a program that comes with
// BTF function information marking the callback static. bpfscope generates no debug info, so
// this builds the few types needed by hand: one FUNC per function, at the instruction where it
// starts.
#pragma once

#include <linux/bpf.h>

#include <string>
#include <vector>

namespace bpfscope {

struct SubprogramBtf {
  int btf_fd = -1; // -1 when the program is one function and needs none
  std::vector<bpf_func_info> func_info;
  ~SubprogramBtf();
  SubprogramBtf() = default;
  SubprogramBtf(const SubprogramBtf &) = delete;
  SubprogramBtf &operator=(const SubprogramBtf &) = delete;
};

// Finds the functions of `insns` (the targets of BPF_PSEUDO_CALL and BPF_PSEUDO_FUNC
// references) and, when there is more than one, loads BTF describing them. Returns false with
// `error` when the kernel refuses the BTF.
bool describe_subprograms(const std::vector<bpf_insn> &insns, SubprogramBtf &out,
                          std::string &error);

} // namespace bpfscope
