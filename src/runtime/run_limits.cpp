#include "runtime/run_limits.h"

#include "codegen/codegen.h"

namespace bpfscope {

namespace {

SourceRange attach_points_of(const ast::Probe &probe) {
  SourceRange r;
  for (auto &ap : probe.attach_points)
    r = SourceRange::join(r, ap->loc);
  return r.valid() ? r : probe.loc;
}

} // namespace

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
