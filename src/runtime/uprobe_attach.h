// Opening uprobes through the perf "uprobe" PMU (Linux >= 4.17): perf_event_open with the PMU's
// type, the file path in config1 and the file offset in config2. The probe lives exactly as long
// as the perf event fd: nothing is written to tracefs' uprobe_events, so a bpfscope killed with
// SIGKILL leaves no probe behind.
#pragma once

#include <cstdint>
#include <string>

namespace bpfscope {

// The uprobe PMU's type and the bit of `config` that makes a return probe, read from
// /sys/bus/event_source/devices/uprobe/{type,format/retprobe}. false and *error when the kernel
// has no uprobe PMU (built without CONFIG_UPROBE_EVENTS).
struct UprobePmu {
  int type = -1;
  int retprobe_bit = -1;
};
bool read_uprobe_pmu(UprobePmu *pmu, std::string *error);

// Opens a uprobe (or uretprobe) at `file_offset` in `path`, disabled. pid -1 probes every
// process (on cpu 0, which for uprobes still means every CPU); a pid probes only that process
// (pid as seen from bpfscope's PID namespace). Returns the fd, or -1 and *error.
// `ref_ctr_offset`, when not 0, is the file offset of a USDT semaphore: the kernel increments
// it in every process that maps the file while the probe exists (format/ref_ctr_offset).
int open_uprobe_event(const std::string &path, uint64_t file_offset, bool retprobe, int pid,
                      std::string *error, uint64_t ref_ctr_offset = 0);

} // namespace bpfscope
