#include "runtime/kprobe_pmu.h"

#include "runtime/perf_attach.h"
#include "runtime/tracefs.h"

#include <linux/perf_event.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace bpfscope {

bool kprobe_pmu_available() {
  return access((std::string(kKprobePmuDir) + "/type").c_str(), R_OK) == 0;
}

int pmu_format_bit(const std::string &text) {
  // "config:N": a one-bit field of `config` (a range "config:0-3" is not a flag).
  const std::string prefix = "config:";
  if (text.rfind(prefix, 0) != 0)
    return -1;
  std::string bits = text.substr(prefix.size());
  while (!bits.empty() && (bits.back() == '\n' || bits.back() == ' '))
    bits.pop_back();
  if (bits.empty() || bits.find_first_not_of("0123456789") != std::string::npos)
    return -1;
  int bit = std::atoi(bits.c_str());
  return bit < 64 ? bit : -1;
}

int open_kprobe_event(const std::string &function, uint64_t offset, bool retprobe, int cpu,
                      std::string *error) {
  std::string dir = kKprobePmuDir, text, read_error;
  if (!read_text_file(dir + "/type", &text, &read_error)) {
    if (error)
      *error = "kprobes are not available: " + read_error;
    return -1;
  }
  int type = std::atoi(text.c_str());
  perf_event_attr attr;
  std::memset(&attr, 0, sizeof(attr));
  attr.type = static_cast<uint32_t>(type);
  if (retprobe) {
    int bit = -1;
    if (read_text_file(dir + "/format/retprobe", &text, &read_error))
      bit = pmu_format_bit(text);
    if (bit < 0) {
      if (error)
        *error = "cannot tell how to ask for a kretprobe: " + dir +
                 "/format/retprobe: " + (read_error.empty() ? "unexpected contents" : read_error);
      return -1;
    }
    attr.config = 1ULL << bit;
  }
  // The PMU reads the name through this pointer during perf_event_open only.
  attr.config1 = reinterpret_cast<uintptr_t>(function.c_str()); // kprobe_func
  attr.config2 = offset;                                        // probe_offset
  attr.sample_period = 1;
  attr.wakeup_events = 1;
  attr.disabled = 1;
  std::string what = std::string(retprobe ? "kretprobe" : "kprobe") + " on " + function;
  if (offset) {
    // Appended in two steps: GCC 12 at -O3 misreports `"+" + std::string&&` (-Wrestrict).
    what += '+';
    what += std::to_string(offset);
  }
  return open_perf_event(attr, -1, cpu, what, error);
}

} // namespace bpfscope
