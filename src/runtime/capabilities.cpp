#include "runtime/capabilities.h"

#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace bpfscope {

namespace {

// Older headers lack the two capabilities split out of CAP_SYS_ADMIN in Linux 5.8.
constexpr int kCapSysAdmin = 21;
constexpr int kCapPerfmon = 38;
constexpr int kCapBpf = 39;

} // namespace

std::string missing_capabilities_message() {
  __user_cap_header_struct header;
  std::memset(&header, 0, sizeof(header));
  header.version = _LINUX_CAPABILITY_VERSION_3;
  header.pid = 0;
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
  std::memset(data, 0, sizeof(data));
  if (syscall(SYS_capget, &header, data) != 0)
    return ""; // cannot tell: let the kernel decide
  auto has = [&](int cap) { return (data[cap / 32].effective >> (cap % 32)) & 1u; };
  if (has(kCapSysAdmin) || (has(kCapBpf) && has(kCapPerfmon)))
    return "";
  std::vector<const char *> missing;
  if (!has(kCapBpf))
    missing.push_back("CAP_BPF");
  if (!has(kCapPerfmon))
    missing.push_back("CAP_PERFMON");
  std::string list;
  for (size_t i = 0; i < missing.size(); i++)
    list += (i ? " and " : "") + std::string(missing[i]);
  return "missing capability " + list + " (bpfscope needs CAP_BPF and CAP_PERFMON, or " +
         "CAP_SYS_ADMIN, to load and attach BPF programs: run it as root)";
}

} // namespace bpfscope
