// The registers `reg("name")` reads: x86-64's struct pt_regs, in its order (each 8 bytes), with
// the names bpftrace uses. The context of kprobes, uprobes and USDT probes is a pt_regs, and that
// of perf events (profile, interval) begins with one.
#pragma once

#include <string>

namespace bpfscope {

// Byte offset of register `name` in struct pt_regs, -1 for an unknown name.
int pt_regs_offset(const std::string &name);

// "r15, r14, ..., ss": every name, for error hints.
std::string pt_regs_names();

} // namespace bpfscope
