// Which PID namespace bpfscope runs in. Inside a container (a PID namespace other than the
// initial one) the ids the kernel reports by default are the initial namespace's, which mean
// nothing to the user: programs then read pid and tid relative to this namespace instead.
#pragma once

#include <cstdint>

namespace bpfscope {

// The kernel's fixed inode number of the initial PID namespace (PROC_PID_INIT_INO).
inline constexpr uint64_t kInitialPidNamespaceInode = 0xEFFFFFFCULL;

struct PidNamespace {
  bool initial = true;
  uint64_t dev = 0, ino = 0; // st_dev and st_ino of /proc/self/ns/pid
};

// bpfscope's own PID namespace. When /proc/self/ns/pid cannot be read, the initial one is
// assumed (the ids then stay global, as before namespaces existed).
PidNamespace current_pid_namespace();

} // namespace bpfscope
