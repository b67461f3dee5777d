// kprobes through the perf "kprobe" PMU (Linux >= 4.17): one perf_event_open creates the probe,
// and closing the fd removes it, so nothing is ever left behind in tracefs' kprobe_events even
// when bpfscope is killed. The PMU's type and its retprobe bit come from sysfs
// (/sys/bus/event_source/devices/kprobe/{type,format/retprobe}).
#pragma once

#include <cstdint>
#include <string>

namespace bpfscope {

inline constexpr const char *kKprobePmuDir = "/sys/bus/event_source/devices/kprobe";

// Whether this kernel has kprobes at all (the PMU exists only with CONFIG_KPROBES).
bool kprobe_pmu_available();

// Parses a PMU format file such as "config:0\n" into the bit number; -1 when malformed.
int pmu_format_bit(const std::string &text);

// Opens (disabled) a kprobe or kretprobe on `function` ("name" or "module:name") at `offset`
// bytes into it, for all processes, on `cpu`. Returns the perf fd, or -1 and *error.
int open_kprobe_event(const std::string &function, uint64_t offset, bool retprobe, int cpu,
                      std::string *error);

} // namespace bpfscope
