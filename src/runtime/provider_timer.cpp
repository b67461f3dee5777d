// interval:UNIT:N (one CPU) and profile:UNIT:N (every CPU): perf cpu-clock events. Units are
// s, ms, us and hz; bpftrace v0.26's short forms `interval:1s`, `interval:100ms` and
// `profile:99` (hz) are accepted too.
#include "runtime/probe_provider.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace bpfscope {
namespace {

struct Rate {
  std::string unit;
  uint64_t value = 0;
};

bool parse_number(const std::string &s, uint64_t &out) {
  if (s.empty() || s.find_first_not_of("0123456789_") != std::string::npos)
    return false;
  std::string digits;
  for (char c : s)
    if (c != '_')
      digits += c;
  errno = 0;
  out = std::strtoull(digits.c_str(), nullptr, 10);
  return errno == 0;
}

// "s:1" (two parts) or "1s" / "100ms" / "99" (one part; a bare number means hz).
bool parse_rate(const std::vector<std::string> &parts, Rate &rate) {
  if (parts.size() == 3) {
    rate.unit = parts[1];
    return parse_number(parts[2], rate.value);
  }
  if (parts.size() != 2)
    return false;
  const std::string &s = parts[1];
  size_t digits = s.find_first_not_of("0123456789_");
  if (!parse_number(s.substr(0, digits), rate.value))
    return false;
  rate.unit = digits == std::string::npos ? "hz" : s.substr(digits);
  return true;
}

class TimerProvider : public ProbeProvider {
public:
  explicit TimerProvider(bool every_cpu) : every_cpu_(every_cpu) {}
  std::string name() const override { return every_cpu_ ? "profile" : "interval"; }
  std::vector<std::string> aliases() const override { return {every_cpu_ ? "p" : "i"}; }

  bool resolve(const std::vector<std::string> &parts, const ast::AttachPoint &ap,
               std::vector<ProbeTarget> &out, Diagnostics &diags) override {
    Rate rate;
    std::string usage = name() + ":UNIT:N with UNIT one of s, ms, us, hz (e.g. " + name() +
                        (every_cpu_ ? ":hz:99)" : ":s:1)");
    if (!parse_rate(parts, rate)) {
      diags.error(ap.loc, "Invalid " + name() + " probe: " + ap.raw, usage);
      return false;
    }
    if (rate.value == 0) {
      diags.error(ap.loc, name() + " rate must be greater than 0", usage);
      return false;
    }
    ProbeTarget t;
    t.provider = name();
    t.program_kind = ProgramKind::PerfEvent;
    t.every_cpu = every_cpu_;
    uint64_t ns_per_unit = rate.unit == "s"    ? 1000000000ULL
                           : rate.unit == "ms" ? 1000000ULL
                           : rate.unit == "us" ? 1000ULL
                                               : 0;
    if (rate.unit == "hz") {
      t.frequency = rate.value;
    } else if (ns_per_unit == 0) {
      diags.error(ap.loc, "Invalid time unit '" + rate.unit + "' in " + ap.raw, usage);
      return false;
    } else if (rate.value > UINT64_MAX / ns_per_unit) {
      diags.error(ap.loc, name() + " period out of range: " + ap.raw, usage);
      return false;
    } else {
      t.period_ns = rate.value * ns_per_unit;
    }
    t.name = name() + ":" + rate.unit + ":" + std::to_string(rate.value);
    out.push_back(t);
    return true;
  }

  void list(const std::string &, std::vector<std::string> &out) override {
    for (const char *unit : {"s", "ms", "us", "hz"})
      out.push_back(name() + ":" + unit + ":");
  }

  bpf_prog_type program_type() const override { return BPF_PROG_TYPE_PERF_EVENT; }

  bool attach(const ProbeTarget &target, int prog_fd, std::vector<Attachment> &out,
              std::string &error) override {
    std::vector<int> cpus;
    if (target.every_cpu) {
      cpus = online_cpus(&error);
      if (cpus.empty())
        return false;
    } else {
      cpus.push_back(0);
    }
    for (int cpu : cpus) {
      int fd = open_cpu_clock_event(cpu, target.period_ns, target.frequency, &error);
      if (!attach_opened_perf_event(prog_fd, fd, out, &error))
        return false;
    }
    return true;
  }

private:
  bool every_cpu_;
};

} // namespace

std::unique_ptr<ProbeProvider> make_interval_provider() {
  return std::make_unique<TimerProvider>(false);
}
std::unique_ptr<ProbeProvider> make_profile_provider() {
  return std::make_unique<TimerProvider>(true);
}

} // namespace bpfscope
