// Text of the values user space resolves when printing (TypeKind::Resolved): strftime's
// timestamps, ntop's addresses, macaddr, cgroup_path, syscall_name and pton's byte arrays.
#pragma once

#include "parser/types.h"

#include <cstdint>
#include <string>

namespace bpfscope {

std::string format_resolved(const Type &type, const uint8_t *data);

// strftime(fmt, ns): `boot_ns` on the boot clock, formatted as local wall-clock time with
// strftime(3); `%f` is the microseconds, zero-padded to 6 digits (bpftrace's extension).
std::string format_timestamp(const std::string &fmt, uint64_t boot_ns);

// The name of x86-64 system call `nr`, or the number when unknown.
std::string syscall_name(uint64_t nr);
// signal_name(sig): the signal's description as strsignal(3) gives it, "N/A" outside 0..64.
std::string signal_name(int64_t sig);

} // namespace bpfscope
