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
// comm(pid): bpf_task_from_pid(pid) and bpf_task_release(task).
constexpr int64_t kKfuncMarkerTaskFromPid = 0x7ffff003;
constexpr int64_t kKfuncMarkerTaskRelease = 0x7ffff004;

// percpu_kaddr(): the 64-bit constant codegen loads for the address of per-CPU variable number
// `i` (ProgramInfo::percpu_var_btf_ids) is kPercpuVarMarker + i. Patched into a load of the
// variable's BTF id (src_reg BPF_PSEUDO_BTF_ID), which bpf_this_cpu_ptr/bpf_per_cpu_ptr take.
constexpr uint64_t kPercpuVarMarker = 0x7ffff00200000000ULL;

// Rewrites the marker calls in `instructions` (raw struct bpf_insn) into kfunc calls, and the
// per-CPU variable markers into BTF id loads.
void patch_kfunc_calls(std::vector<uint64_t> &instructions, const ProgramInfo &info);

} // namespace bpfscope
