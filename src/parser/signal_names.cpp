#include "parser/signal_names.h"

#include <csignal>
#include <cstring>

namespace bpfscope {

int signal_number(const std::string &name) {
  std::string bare = name.rfind("SIG", 0) == 0 ? name.substr(3) : name;
  if (bare.empty())
    return 0;
  // glibc's sigabbrev_np() knows the abbreviations of the standard signals ("USR1", "KILL").
  for (int sig = 1; sig < NSIG; sig++) {
    const char *abbrev = sigabbrev_np(sig);
    if (abbrev && bare == abbrev)
      return sig;
  }
  // Real-time signals: RTMIN, RTMIN+N, RTMAX, RTMAX-N.
  auto offset = [&](const char *base, int sign, int origin) {
    size_t n = std::strlen(base);
    if (bare.compare(0, n, base) != 0)
      return 0;
    if (bare.size() == n)
      return origin;
    if (bare[n] != (sign > 0 ? '+' : '-'))
      return 0;
    int k = std::atoi(bare.c_str() + n + 1);
    int sig = origin + sign * k;
    return sig >= SIGRTMIN && sig <= SIGRTMAX ? sig : 0;
  };
  if (int sig = offset("RTMIN", 1, SIGRTMIN))
    return sig;
  return offset("RTMAX", -1, SIGRTMAX);
}

} // namespace bpfscope
