#include "runtime/run_limits.h"

#include "codegen/codegen.h"

#include <cerrno>
#include <cstdlib>

namespace bpfscope {

namespace {

// The first of `names` that is set: false with `error` if it is not an integer in [1, max].
bool positive_from_env(std::initializer_list<const char *> names, long long max, int &value,
                       std::string &error) {
  for (const char *name : names) {
    const char *v = getenv(name);
    if (!v || !*v)
      continue;
    char *end = nullptr;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (errno || *end || n < 1 || n > max) {
      error = std::string(name) + ": expected a number from 1 to " + std::to_string(max) +
              ", got '" + v + "'";
      return false;
    }
    value = static_cast<int>(n);
    return true;
  }
  return true;
}

SourceRange attach_points_of(const ast::Probe &probe) {
  SourceRange r;
  for (auto &ap : probe.attach_points)
    r = SourceRange::join(r, ap->loc);
  return r.valid() ? r : probe.loc;
}

} // namespace

bool run_limits_from_env(RunLimits &limits, std::string &error) {
  constexpr long long kMax = 1 << 30;
  if (!positive_from_env({"BPFSCOPE_MAX_PROBES", "BPFTRACE_MAX_PROBES"}, kMax, limits.max_probes,
                         error) ||
      !positive_from_env({"BPFSCOPE_MAX_BPF_PROGS", "BPFTRACE_MAX_BPF_PROGS"}, kMax,
                         limits.max_bpf_progs, error) ||
      !positive_from_env({"BPFSCOPE_PERF_RB_PAGES", "BPFTRACE_PERF_RB_PAGES"}, 1 << 20,
                         limits.perf_rb_pages, error))
    return false;
  int pages = limits.perf_rb_pages;
  if (pages && (pages & (pages - 1))) {
    error = "BPFTRACE_PERF_RB_PAGES (perf_rb_pages): the ring buffer size must be a power of 2 "
            "pages, got " +
            std::to_string(pages);
    return false;
  }
  return true;
}

bool check_run_limits(const ast::Program &program, const ProgramInfo &info, const RunLimits &limits,
                      Diagnostics &diags) {
  size_t probes = 0, programs = 0;
  const ast::Probe *probes_crossed = nullptr, *programs_crossed = nullptr;
  for (size_t p = 0; p < info.probes.size() && p < program.probes.size(); p++) {
    probes += info.probes[p].targets.size();
    programs += program_groups(info.probes[p]).size();
    if (!probes_crossed && probes > static_cast<size_t>(limits.max_probes))
      probes_crossed = program.probes[p].get();
    if (!programs_crossed && programs > static_cast<size_t>(limits.max_bpf_progs))
      programs_crossed = program.probes[p].get();
  }
  if (probes_crossed)
    diags.error(attach_points_of(*probes_crossed),
                "Can't attach to " + std::to_string(probes) +
                    " probes because it exceeds the current limit of " +
                    std::to_string(limits.max_probes) + " probes.",
                "You can increase the limit through the BPFTRACE_MAX_PROBES environment variable "
                "(max_probes), but be careful: a high number of probes attached can make the "
                "system unresponsive.");
  if (programs_crossed)
    diags.error(attach_points_of(*programs_crossed),
                "Your program is trying to generate " + std::to_string(programs) +
                    " BPF programs, which exceeds the current limit of " +
                    std::to_string(limits.max_bpf_progs) + ".",
                "You can increase the limit through the BPFTRACE_MAX_BPF_PROGS environment "
                "variable (max_bpf_progs).");
  return !probes_crossed && !programs_crossed;
}

} // namespace bpfscope
