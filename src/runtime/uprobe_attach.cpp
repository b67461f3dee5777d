#include "runtime/uprobe_attach.h"

#include "runtime/perf_attach.h"
#include "runtime/tracefs.h"

#include <linux/perf_event.h>

#include <cstdlib>
#include <cstring>
#include <sstream>

namespace bpfscope {

namespace {

constexpr const char *kUprobePmuDir = "/sys/bus/event_source/devices/uprobe";

// Parses a PMU format file such as "config:0\n" into the bit number; -1 when malformed.
int format_bit(const std::string &text) {
  // "config:0": the field lives in `config`, at bit 0 (a range "config:0-3" is not a flag).
  if (text.rfind("config:", 0) != 0)
    return -1;
  std::string bits = text.substr(7);
  while (!bits.empty() && (bits.back() == '\n' || bits.back() == ' '))
    bits.pop_back();
  if (bits.empty() || bits.find_first_not_of("0123456789") != std::string::npos)
    return -1;
  int bit = std::atoi(bits.c_str());
  return bit < 64 ? bit : -1;
}

} // namespace

bool read_uprobe_pmu(UprobePmu *pmu, std::string *error) {
  static UprobePmu cached;
  static bool known = false;
  if (known) {
    *pmu = cached;
    return true;
  }
  std::string type_text, format_text, err;
  if (!read_text_file(std::string(kUprobePmuDir) + "/type", &type_text, &err)) {
    if (error)
      *error = "this kernel has no uprobe PMU (" + err + "); uprobes need CONFIG_UPROBE_EVENTS";
    return false;
  }
  if (!read_text_file(std::string(kUprobePmuDir) + "/format/retprobe", &format_text, &err)) {
    if (error)
      *error = err;
    return false;
  }
  UprobePmu p;
  p.type = std::atoi(type_text.c_str());
  p.retprobe_bit = format_bit(format_text);
  if (p.type <= 0 || p.retprobe_bit < 0) {
    if (error)
      *error = std::string("unexpected contents in ") + kUprobePmuDir + "/type or format/retprobe";
    return false;
  }
  cached = p;
  known = true;
  *pmu = p;
  return true;
}

// The first bit of the ref_ctr_offset field in `config` ("config:32-63"), -1 when the kernel
// has none (before 4.20).
static int ref_ctr_shift() {
  static int shift = -2;
  if (shift != -2)
    return shift;
  std::string text, err;
  shift = -1;
  if (read_text_file(std::string(kUprobePmuDir) + "/format/ref_ctr_offset", &text, &err) &&
      text.rfind("config:", 0) == 0)
    shift = std::atoi(text.c_str() + 7);
  if (shift < 0 || shift >= 64)
    shift = -1;
  return shift;
}

int open_uprobe_event(const std::string &path, uint64_t file_offset, bool retprobe, int pid,
                      std::string *error, uint64_t ref_ctr_offset) {
  UprobePmu pmu;
  if (!read_uprobe_pmu(&pmu, error))
    return -1;
  perf_event_attr attr;
  std::memset(&attr, 0, sizeof(attr));
  attr.type = static_cast<uint32_t>(pmu.type);
  attr.config = retprobe ? (1ULL << pmu.retprobe_bit) : 0;
  if (ref_ctr_offset) {
    int shift = ref_ctr_shift();
    if (shift < 0) {
      if (error)
        *error = "this kernel cannot enable USDT semaphores (no uprobe ref_ctr_offset, Linux "
                 "4.20 and later)";
      return -1;
    }
    attr.config |= ref_ctr_offset << shift;
  }
  attr.config1 = reinterpret_cast<uint64_t>(path.c_str()); // uprobe_path
  attr.config2 = file_offset;                              // probe_offset
  attr.sample_period = 1;
  attr.wakeup_events = 1;
  attr.disabled = 1;
  std::ostringstream what;
  what << (retprobe ? "uretprobe " : "uprobe ") << path << " at offset 0x" << std::hex
       << file_offset;
  // System-wide: pid -1 needs a CPU, and a uprobe's BPF program then runs on every CPU anyway.
  return open_perf_event(attr, pid >= 0 ? pid : -1, pid >= 0 ? -1 : 0, what.str(), error);
}

} // namespace bpfscope
