// Opening perf events (tracepoints, cpu-clock, software events) and attaching already-loaded BPF
// programs to them through BPF links, so that the kernel tears everything down when the process
// exits (no legacy tracefs/kprobe_events entries are ever created here).
//
// Machine facts (Linux 6.18):
//  * A tracepoint perf event with pid = -1 needs a concrete CPU (cpu = -1 is EINVAL).
//  * A BPF program attached to a tracepoint runs for every hit of that tracepoint on EVERY CPU,
//    whatever CPU its perf event was opened on: the kernel keeps the programs in a per-tracepoint
//    array. Attaching the same program a second time to the same tracepoint (e.g. once per CPU)
//    fails with EEXIST. So a tracepoint needs exactly one perf event (pid -1, cpu = first online
//    CPU) -- see attach_bpf_to_tracepoint(). This is also what libbpf and bpftrace do.
//  * Sampling events (cpu-clock for profile:hz, software events) are per CPU: open one per online
//    CPU and attach the program to each (that is allowed for non-tracepoint events).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

struct perf_event_attr;

namespace bpfscope {

struct PerfAttachment {
  int perf_fd = -1;
  int link_fd = -1;          // -1 when the legacy ioctl fallback was used
  bool legacy_ioctl = false; // attached with PERF_EVENT_IOC_SET_BPF (no BPF link support)
  bool valid() const { return perf_fd >= 0; }
};

// Parses a kernel CPU list such as "0-1,3,5-6\n" into {0,1,3,5,6}. Empty result + *error on
// malformed input.
std::vector<int> parse_cpu_list(const std::string &text, std::string *error);

// Online CPUs from /sys/devices/system/cpu/online. Empty result + *error on failure.
std::vector<int> online_cpus(std::string *error);

// perf_event_open(2) wrapper (PERF_FLAG_FD_CLOEXEC always added). `what` describes the event for
// error messages ("tracepoint id 782"). Returns the fd, or -1 and sets *error, e.g.
// "cannot open perf event for tracepoint id 782 on CPU 0: No such file or directory".
int open_perf_event(perf_event_attr &attr, int pid, int cpu, const std::string &what,
                    std::string *error);

// PERF_TYPE_TRACEPOINT event for `tracepoint_id` (events/CAT/EVENT/id), pid -1, on `cpu`.
// Opened disabled; attach_bpf_to_perf_event() enables it.
int open_tracepoint_event(int tracepoint_id, int cpu, std::string *error);

// PERF_TYPE_SOFTWARE / PERF_COUNT_SW_CPU_CLOCK sampling event on `cpu` (pid -1). Exactly one of
// period_ns (sample_period, in nanoseconds) or freq_hz (freq = 1, sample_freq) must be non-zero.
// Opened disabled.
int open_cpu_clock_event(int cpu, uint64_t period_ns, uint64_t freq_hz, std::string *error);

// Generic PERF_TYPE_SOFTWARE event (config = PERF_COUNT_SW_*, e.g. context switches, page faults)
// on `cpu` (pid -1), sampling every `period` events (0 is treated as 1). Opened disabled.
int open_software_event(uint64_t config, int cpu, uint64_t period, std::string *error);

// Attaches the loaded program `prog_fd` to `perf_fd` with bpf_link_create(BPF_PERF_EVENT), falling
// back to PERF_EVENT_IOC_SET_BPF only when the kernel does not support perf links, then enables the
// event. On success the attachment owns perf_fd (close_attachment() closes it); on failure perf_fd
// is left open and untouched for the caller.
std::optional<PerfAttachment> attach_bpf_to_perf_event(int prog_fd, int perf_fd,
                                                       std::string *error);

// attach_bpf_to_perf_event for a perf event the caller just opened: takes `perf_fd` over (closed
// when attaching fails) and appends the attachment to `out`. `perf_fd` < 0 (the open failed,
// `error` already set) is passed through as a failure, so providers can chain open and attach.
bool attach_opened_perf_event(int prog_fd, int perf_fd, std::vector<PerfAttachment> &out,
                              std::string *error);

// Opens the single tracepoint perf event needed (pid -1, first online CPU) and attaches prog_fd.
// The program then runs on all CPUs.
std::optional<PerfAttachment> attach_bpf_to_tracepoint(int prog_fd, int tracepoint_id,
                                                       std::string *error);

// Detaches and closes (link first, then the perf event). Safe to call twice.
void close_attachment(PerfAttachment &a);

} // namespace bpfscope
