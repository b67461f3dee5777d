// Limits on what one run may create, as bpftrace's config variables of the same names: the
// number of probes attached (max_probes) and of BPF programs generated (max_bpf_progs). Their
// values come from the run's configuration (parser/config.h: the script's config block and the
// BPFTRACE_MAX_PROBES / BPFTRACE_MAX_BPF_PROGS environment variables).
#pragma once

#include "parser/ast.h"
#include "parser/diagnostics.h"
#include "parser/semantic.h"

#include <cstdint>
#include <string>

namespace bpfscope {

struct RunLimits {
  int max_probes = 1024;
  int max_bpf_progs = 1024;
};

// Reports (at the attach points that cross it) a program that would attach more probes or
// generate more BPF programs than allowed; false then.
bool check_run_limits(const ast::Program &program, const ProgramInfo &info, const RunLimits &limits,
                      Diagnostics &diags);

} // namespace bpfscope
