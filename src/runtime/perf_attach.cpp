#include "runtime/perf_attach.h"

#include "runtime/tracefs.h"

#include <bpf/bpf.h>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace bpfscope {

namespace {

constexpr int kENOTSUPP = 524; // kernel-internal "operation not supported" seen by user space

void set_error(std::string *error, std::string msg) {
  if (error)
    *error = std::move(msg);
}

std::string errno_text(int err) {
  if (err == kENOTSUPP)
    return "Operation not supported";
  return std::strerror(err);
}

bool parse_uint(std::string_view s, int *out) {
  if (s.empty())
    return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size() && *out >= 0;
}

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\n' || s[b] == '\r'))
    b++;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\n' || s[e - 1] == '\r'))
    e--;
  return std::string(s.substr(b, e - b));
}

std::string perf_open_hint(int err, const perf_event_attr &attr) {
  switch (err) {
  case EACCES:
  case EPERM:
    return " (bpfscope must run as root; see also /proc/sys/kernel/perf_event_paranoid)";
  case ENOENT:
    if (attr.type == PERF_TYPE_TRACEPOINT)
      return " (no tracepoint with this id)";
    return " (event not supported by this kernel)";
  case ENODEV:
    return " (CPU offline or event not supported on it)";
  case EOPNOTSUPP:
    if (attr.type == PERF_TYPE_HARDWARE || attr.type == PERF_TYPE_HW_CACHE)
      return " (this machine has no hardware PMU)";
    return "";
  case EINVAL:
    if (attr.freq)
      return " (is the frequency above /proc/sys/kernel/perf_event_max_sample_rate?)";
    return "";
  case EMFILE:
    return " (too many open files; raise the limit with ulimit -n)";
  default:
    return "";
  }
}

} // namespace

std::vector<int> parse_cpu_list(const std::string &text, std::string *error) {
  std::string s = trim(text);
  std::vector<int> cpus;
  if (s.empty()) {
    set_error(error, "empty CPU list");
    return {};
  }
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t comma = s.find(',', pos);
    if (comma == std::string::npos)
      comma = s.size();
    std::string_view item = std::string_view(s).substr(pos, comma - pos);
    size_t dash = item.find('-');
    int lo = 0, hi = 0;
    bool ok;
    if (dash == std::string_view::npos) {
      ok = parse_uint(item, &lo);
      hi = lo;
    } else {
      ok = parse_uint(item.substr(0, dash), &lo) && parse_uint(item.substr(dash + 1), &hi) &&
           lo <= hi;
    }
    if (!ok || hi - lo > 1 << 20) {
      set_error(error, "malformed CPU list '" + s + "'");
      return {};
    }
    for (int c = lo; c <= hi; c++)
      cpus.push_back(c);
    pos = comma + 1;
  }
  return cpus;
}

std::vector<int> online_cpus(std::string *error) {
  const std::string path = "/sys/devices/system/cpu/online";
  std::string text, err;
  if (!read_text_file(path, &text, &err)) {
    set_error(error, err);
    return {};
  }
  auto cpus = parse_cpu_list(text, &err);
  if (cpus.empty())
    set_error(error, path + ": " + err);
  return cpus;
}

int open_perf_event(perf_event_attr &attr, int pid, int cpu, const std::string &what,
                    std::string *error) {
  attr.size = sizeof(attr);
  long fd = ::syscall(__NR_perf_event_open, &attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    std::string where = cpu >= 0 ? " on CPU " + std::to_string(cpu) : "";
    if (pid >= 0)
      where += " for pid " + std::to_string(pid);
    set_error(error, "cannot open perf event for " + what + where + ": " + errno_text(err) +
                         perf_open_hint(err, attr));
    return -1;
  }
  return static_cast<int>(fd);
}

int open_tracepoint_event(int tracepoint_id, int cpu, std::string *error) {
  if (tracepoint_id < 0) {
    set_error(error, "invalid tracepoint id " + std::to_string(tracepoint_id));
    return -1;
  }
  perf_event_attr attr;
  std::memset(&attr, 0, sizeof(attr));
  attr.type = PERF_TYPE_TRACEPOINT;
  attr.config = static_cast<uint64_t>(tracepoint_id);
  attr.sample_period = 1;
  attr.sample_type = PERF_SAMPLE_RAW;
  attr.wakeup_events = 1;
  attr.disabled = 1;
  return open_perf_event(attr, -1, cpu, "tracepoint id " + std::to_string(tracepoint_id), error);
}

int open_cpu_clock_event(int cpu, uint64_t period_ns, uint64_t freq_hz, std::string *error) {
  if ((period_ns == 0) == (freq_hz == 0)) {
    set_error(error, "cpu-clock event needs exactly one of a period or a frequency");
    return -1;
  }
  perf_event_attr attr;
  std::memset(&attr, 0, sizeof(attr));
  attr.type = PERF_TYPE_SOFTWARE;
  attr.config = PERF_COUNT_SW_CPU_CLOCK;
  if (freq_hz) {
    attr.freq = 1;
    attr.sample_freq = freq_hz;
  } else {
    attr.sample_period = period_ns;
  }
  attr.disabled = 1;
  std::string what = freq_hz ? "cpu-clock at " + std::to_string(freq_hz) + " Hz"
                             : "cpu-clock every " + std::to_string(period_ns) + " ns";
  return open_perf_event(attr, -1, cpu, what, error);
}

int open_software_event(uint64_t config, int cpu, uint64_t period, std::string *error) {
  perf_event_attr attr;
  std::memset(&attr, 0, sizeof(attr));
  attr.type = PERF_TYPE_SOFTWARE;
  attr.config = config;
  attr.sample_period = period ? period : 1;
  attr.disabled = 1;
  return open_perf_event(attr, -1, cpu, "software event " + std::to_string(config), error);
}

std::optional<PerfAttachment> attach_bpf_to_perf_event(int prog_fd, int perf_fd,
                                                       std::string *error) {
  if (prog_fd < 0 || perf_fd < 0) {
    set_error(error, "cannot attach BPF program to perf event: invalid file descriptor");
    return std::nullopt;
  }
  PerfAttachment a;
  a.perf_fd = perf_fd;
  int link_fd = bpf_link_create(prog_fd, perf_fd, BPF_PERF_EVENT, nullptr);
  if (link_fd >= 0) {
    a.link_fd = link_fd;
  } else {
    int link_err = -link_fd;
    if (link_err == EEXIST) {
      set_error(error, "cannot attach BPF program to perf event: the program is already attached "
                       "to this tracepoint (one attachment already covers all CPUs)");
      return std::nullopt;
    }
    // Kernels without BPF perf links (< 5.15) reject the link type with EINVAL/EOPNOTSUPP.
    bool unsupported =
        link_err == EINVAL || link_err == EOPNOTSUPP || link_err == kENOTSUPP || link_err == E2BIG;
    if (!unsupported) {
      set_error(error, "cannot attach BPF program to perf event: bpf_link_create: " +
                           errno_text(link_err));
      return std::nullopt;
    }
    if (::ioctl(perf_fd, PERF_EVENT_IOC_SET_BPF, prog_fd) != 0) {
      int err = errno;
      set_error(error, "cannot attach BPF program to perf event: bpf_link_create: " +
                           errno_text(link_err) + "; PERF_EVENT_IOC_SET_BPF: " + errno_text(err));
      return std::nullopt;
    }
    a.legacy_ioctl = true;
  }
  if (::ioctl(perf_fd, PERF_EVENT_IOC_ENABLE, 0) != 0) {
    int err = errno;
    if (a.link_fd >= 0)
      ::close(a.link_fd);
    else
      ::ioctl(perf_fd, PERF_EVENT_IOC_SET_BPF, -1);
    set_error(error, "cannot enable perf event: " + errno_text(err));
    return std::nullopt;
  }
  return a;
}

bool attach_opened_perf_event(int prog_fd, int perf_fd, std::vector<PerfAttachment> &out,
                              std::string *error) {
  if (perf_fd < 0)
    return false;
  auto a = attach_bpf_to_perf_event(prog_fd, perf_fd, error);
  if (!a) {
    close(perf_fd);
    return false;
  }
  out.push_back(*a);
  return true;
}

std::optional<PerfAttachment> attach_bpf_to_tracepoint(int prog_fd, int tracepoint_id,
                                                       std::string *error) {
  std::vector<int> cpus = online_cpus(error);
  if (cpus.empty())
    return std::nullopt;
  int fd = open_tracepoint_event(tracepoint_id, cpus.front(), error);
  if (fd < 0)
    return std::nullopt;
  auto a = attach_bpf_to_perf_event(prog_fd, fd, error);
  if (!a)
    ::close(fd);
  return a;
}

void close_attachment(PerfAttachment &a) {
  if (a.link_fd >= 0) {
    ::close(a.link_fd);
    a.link_fd = -1;
  }
  if (a.perf_fd >= 0) {
    ::ioctl(a.perf_fd, PERF_EVENT_IOC_DISABLE, 0);
    ::close(a.perf_fd);
    a.perf_fd = -1;
  }
  a.legacy_ioctl = false;
}

} // namespace bpfscope
