// What `-lv` prints under a probe's name: the arguments of fentry/fexit functions and raw
// tracepoints, from BTF, one per line as bpftrace does ("    struct sock * sk"), and for fexit
// the return value ("    int retval").
#pragma once

#include <string>

namespace bpfscope {

// "" when the probe kind has nothing more to show or the kernel has no BTF for it.
std::string probe_details(const std::string &probe_name);

} // namespace bpfscope
