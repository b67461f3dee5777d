// Locating (and if needed mounting) tracefs.
//
// On a freshly booted machine neither tracefs nor debugfs is mounted, so bpfscope mounts tracefs
// itself at /sys/kernel/tracing. Errors are reported as sentences through `error`; nothing here
// exits or aborts.
#pragma once

#include <string>

namespace bpfscope {

inline constexpr const char *kTracefsPath = "/sys/kernel/tracing";
inline constexpr const char *kDebugfsTracingPath = "/sys/kernel/debug/tracing";

// Returns the tracefs root ("/sys/kernel/tracing"), mounting tracefs there when it is not mounted
// (using /sys/kernel/debug/tracing instead if tracefs is already reachable there). A successful
// result is cached for the process and re-validated with one statfs(2) per call, so it stays right
// if tracefs gets unmounted or a forked child enters another mount namespace. Concurrent bpfscope
// processes do not stack mounts (the mount is done under an flock on the mount point).
// On failure returns "" and sets *error (if non-null) to a clear sentence, e.g.
// "cannot mount tracefs at /sys/kernel/tracing: Operation not permitted (bpfscope must run as
// root, with CAP_SYS_ADMIN)".
std::string tracefs_root(std::string *error);

// Same as tracefs_root() but never consults or fills the per-process cache: always re-examines the
// mount table (and mounts when needed). Used by tests that run in a fresh mount namespace.
std::string find_or_mount_tracefs(std::string *error);

// True when `path` is the root of a mounted tracefs (statfs magic TRACEFS_MAGIC).
bool is_tracefs_mount(const std::string &path);

// Reads a whole (small, pseudo-)file such as a tracefs control file. Returns false and sets *error
// ("cannot read /sys/kernel/tracing/x: No such file or directory") on failure.
bool read_text_file(const std::string &path, std::string *out, std::string *error);

} // namespace bpfscope
