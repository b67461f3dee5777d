// Start-up check of the capabilities loading and attaching BPF programs needs, so that an
// unprivileged run fails with one clear line instead of a verifier or bpf(2) EPERM later.
#pragma once

#include <string>

namespace bpfscope {

// "" when the effective set has CAP_SYS_ADMIN, or both CAP_BPF and CAP_PERFMON; otherwise a
// message naming what is missing.
std::string missing_capabilities_message();

} // namespace bpfscope
