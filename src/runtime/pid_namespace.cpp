#include "runtime/pid_namespace.h"

#include <sys/stat.h>

namespace bpfscope {

PidNamespace current_pid_namespace() {
  PidNamespace ns;
  struct stat st;
  if (stat("/proc/self/ns/pid", &st) != 0)
    return ns;
  ns.dev = st.st_dev;
  ns.ino = st.st_ino;
  ns.initial = st.st_ino == kInitialPidNamespaceInode;
  return ns;
}

} // namespace bpfscope
