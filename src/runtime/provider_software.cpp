// software:EVENT:COUNT (alias s): the kernel's perf software events on every CPU, sampling every
// COUNT events (e.g. `software:faults:100`). hardware:EVENT:COUNT (alias h) is recognised so that
// a machine without a PMU says so rather than calling the probe type unknown.
#include "runtime/probe_provider.h"
#include "runtime/suggest.h"

#include <linux/perf_event.h>
#include <unistd.h>

#include <cstdlib>
#include <map>

namespace bpfscope {
namespace {

struct SoftwareEvent {
  uint64_t config;
  uint64_t default_period;
};

const std::map<std::string, SoftwareEvent> &software_events() {
  static const std::map<std::string, SoftwareEvent> events = {
      {"cpu-clock", {PERF_COUNT_SW_CPU_CLOCK, 1000000}},
      {"cpu", {PERF_COUNT_SW_CPU_CLOCK, 1000000}},
      {"task-clock", {PERF_COUNT_SW_TASK_CLOCK, 1000000}},
      {"page-faults", {PERF_COUNT_SW_PAGE_FAULTS, 100}},
      {"faults", {PERF_COUNT_SW_PAGE_FAULTS, 100}},
      {"context-switches", {PERF_COUNT_SW_CONTEXT_SWITCHES, 1000}},
      {"cs", {PERF_COUNT_SW_CONTEXT_SWITCHES, 1000}},
      {"cpu-migrations", {PERF_COUNT_SW_CPU_MIGRATIONS, 1}},
      {"migrations", {PERF_COUNT_SW_CPU_MIGRATIONS, 1}},
      {"minor-faults", {PERF_COUNT_SW_PAGE_FAULTS_MIN, 100}},
      {"major-faults", {PERF_COUNT_SW_PAGE_FAULTS_MAJ, 1}},
      {"alignment-faults", {PERF_COUNT_SW_ALIGNMENT_FAULTS, 1}},
      {"emulation-faults", {PERF_COUNT_SW_EMULATION_FAULTS, 1}},
      {"dummy", {PERF_COUNT_SW_DUMMY, 1}},
      {"bpf-output", {PERF_COUNT_SW_BPF_OUTPUT, 1}},
  };
  return events;
}

class SoftwareProvider : public ProbeProvider {
public:
  std::string name() const override { return "software"; }
  std::vector<std::string> aliases() const override { return {"s"}; }

  bool resolve(const std::vector<std::string> &parts, const ast::AttachPoint &ap,
               std::vector<ProbeTarget> &out, Diagnostics &diags) override {
    if (parts.size() < 2 || parts.size() > 3 || parts[1].empty()) {
      diags.error(ap.loc, "software probe must be software:EVENT[:COUNT]",
                  "e.g. software:faults:100; list them with: bpfscope -l 'software:*'");
      return false;
    }
    auto it = software_events().find(parts[1]);
    if (it == software_events().end()) {
      std::vector<std::string> names;
      for (auto &[n, e] : software_events())
        names.push_back(n);
      diags.error(ap.loc, "Unknown software event: " + parts[1],
                  did_you_mean(closest_names(parts[1], names, 2)));
      return false;
    }
    uint64_t period = it->second.default_period;
    if (parts.size() == 3) {
      char *end = nullptr;
      period = std::strtoull(parts[2].c_str(), &end, 10);
      if (parts[2].empty() || *end || period == 0) {
        diags.error(ap.loc, "Invalid count in " + ap.raw + ": expected a positive integer");
        return false;
      }
    }
    ProbeTarget t;
    t.provider = name();
    t.name = "software:" + parts[1] + ":" + std::to_string(period);
    t.program_kind = ProgramKind::PerfEvent;
    t.every_cpu = true;
    t.perf_config = it->second.config;
    t.sample_period = period;
    out.push_back(t);
    return true;
  }

  void list(const std::string &, std::vector<std::string> &out) override {
    for (auto &[n, e] : software_events())
      out.push_back("software:" + n + ":");
  }

  bpf_prog_type program_type() const override { return BPF_PROG_TYPE_PERF_EVENT; }

  bool attach(const ProbeTarget &target, int prog_fd, std::vector<Attachment> &out,
              std::string &error) override {
    std::vector<int> cpus = online_cpus(&error);
    if (cpus.empty())
      return false;
    for (int cpu : cpus) {
      int fd = open_software_event(target.perf_config, cpu, target.sample_period, &error);
      if (!attach_opened_perf_event(prog_fd, fd, out, &error))
        return false;
    }
    return true;
  }
};

// Hardware counters need a PMU; say plainly when the machine has none.
class HardwareProvider : public ProbeProvider {
public:
  std::string name() const override { return "hardware"; }
  std::vector<std::string> aliases() const override { return {"h"}; }
  bool resolve(const std::vector<std::string> &, const ast::AttachPoint &ap,
               std::vector<ProbeTarget> &, Diagnostics &diags) override {
    if (access("/sys/bus/event_source/devices/cpu/type", F_OK) != 0) {
      diags.error(ap.loc,
                  "hardware probes are not available: this machine has no hardware "
                  "performance counters (no PMU in /sys/bus/event_source/devices)",
                  "software:cpu-clock or profile:hz:N sample without a PMU");
      return false;
    }
    diags.error(ap.loc, "hardware probes are not supported yet",
                "software:cpu-clock or profile:hz:N sample the CPU instead");
    return false;
  }
  void list(const std::string &, std::vector<std::string> &) override {}
  bpf_prog_type program_type() const override { return BPF_PROG_TYPE_PERF_EVENT; }
  bool attach(const ProbeTarget &, int, std::vector<Attachment> &, std::string &) override {
    return false;
  }
};

} // namespace

std::unique_ptr<ProbeProvider> make_software_provider() {
  return std::make_unique<SoftwareProvider>();
}
std::unique_ptr<ProbeProvider> make_hardware_provider() {
  return std::make_unique<HardwareProvider>();
}

} // namespace bpfscope
