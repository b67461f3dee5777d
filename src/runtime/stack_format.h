// Printing kstack/ustack and ksym values. A stack value is only an id into one of the session's
// BPF_MAP_TYPE_STACK_TRACE maps (one per frame limit), so printing it reads that map; ksym and
// kernel frames are named from /proc/kallsyms, user frames by a symboliser the ustack side
// installs. The session registers its stack maps here when it creates them: formatting functions
// (format_value) stay free of session parameters.
//
// Stack values (8 bytes, see TypeKind::Stack): the low 32 bits are the signed result of
// bpf_get_stackid() (negative: no stack, printed as nothing, as bpftrace does), the high 32 bits
// the process id of a user stack (0 for kernel stacks).
#pragma once

#include "parser/types.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace bpfscope {

inline uint64_t make_stack_value(int32_t stack_id, uint32_t pid) {
  return static_cast<uint32_t>(stack_id) | (static_cast<uint64_t>(pid) << 32);
}

// Makes `fd` the stack map of stacks limited to `limit` frames (until the next reset).
void register_stack_map(int limit, int fd);
void reset_stack_maps();

// Names one user-space frame: "func+off" ("func" without offset when !with_offset), or "" when
// unknown (the address is then printed in hex).
using UserFrameSymbolizer =
    std::function<std::string(uint32_t pid, uint64_t address, bool with_offset)>;
void set_user_frame_symbolizer(UserFrameSymbolizer symbolizer);

// The frames as bpftrace prints them, each line ending in "\n" after a leading "\n":
//   bpftrace:  "        func+off"        (8 spaces)
//   perf:      "\tffffffff8100abcd func+off"
//   raw:       "ffffffff8100abcd"
std::string format_stack_frames(const Type &type, const std::vector<uint64_t> &frames,
                                uint32_t pid);

// A stack value of `type` (reads its frames from the registered map).
std::string format_stack(const Type &type, uint64_t value);

// ksym(addr): the name of the kernel function containing addr, or the address in hex.
std::string format_ksym(uint64_t address);

// usym(addr): the name of the function of process `pid` containing addr (through the installed
// user frame symboliser), or the address in hex.
std::string format_usym(uint64_t address, uint32_t pid);

} // namespace bpfscope
