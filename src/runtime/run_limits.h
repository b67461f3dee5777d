// Limits on what one run may create, as bpftrace's config variables of the same names: the
// number of probes attached (max_probes) and of BPF programs generated (max_bpf_progs), and the
// size of the event ring buffer (perf_rb_pages). They are read from the environment for now;
// the script's `config = {...}` block will set the same fields.
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
  // Pages of the event ring buffer; 0: bpfscope's own choice (see loader.h).
  int perf_rb_pages = 0;
};

// BPFSCOPE_MAX_PROBES / BPFTRACE_MAX_PROBES, BPFSCOPE_MAX_BPF_PROGS / BPFTRACE_MAX_BPF_PROGS,
// BPFSCOPE_PERF_RB_PAGES / BPFTRACE_PERF_RB_PAGES (the BPFSCOPE_ name wins). False, with
// `error`, for a value that is not a positive integer (or, for the pages, not a power of 2).
bool run_limits_from_env(RunLimits &limits, std::string &error);

// Reports (at the attach points that cross it) a program that would attach more probes or
// generate more BPF programs than allowed; false then.
bool check_run_limits(const ast::Program &program, const ProgramInfo &info, const RunLimits &limits,
                      Diagnostics &diags);

} // namespace bpfscope
