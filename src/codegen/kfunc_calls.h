// Calls of kernel functions (kfuncs). LLVM emits them as helper calls with a marker id; the
// instructions are then patched into kfunc calls (src_reg BPF_PSEUDO_KFUNC_CALL, imm the
// function's BTF id in vmlinux) with the ids the semantic pass resolved.
#pragma once

#include "parser/semantic.h"

#include <cstdint>
#include <vector>

namespace bpfscope {

// The helper id codegen calls for bpf_map_sum_elem_count(map): the number of elements of a map.
constexpr int64_t kKfuncMarkerMapSumElemCount = 0x7ffff001;

// Rewrites the marker calls in `instructions` (raw struct bpf_insn) into kfunc calls.
void patch_kfunc_calls(std::vector<uint64_t> &instructions, const ProgramInfo &info);

} // namespace bpfscope
