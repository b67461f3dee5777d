// One run of a compiled script: create maps, load programs, attach, run BEGIN, consume events
// until exit()/a signal, then detach, run END and print the maps. Everything the kernel holds is
// owned here and released on every path.
#pragma once

#include "codegen/codegen.h"
#include "parser/ast.h"
#include "parser/semantic.h"
#include "runtime/child_process.h"
#include "runtime/output.h"
#include "runtime/probe_provider.h"
#include "runtime/verifier_location.h"

namespace bpfscope {

struct SessionOptions {
  bool dry_run = false; // load, attach nothing
  bool verbose = false; // per program: type and instruction count
  bool dump_verifier_log = false;
  // The script, to point a verifier rejection (verifier_location.h) and helper failures
  // reported by the probes (helper_error_report.h) at its lines.
  RejectionContext rejection;
  int max_map_keys = kDefaultMaxMapKeys;
  uint32_t ring_buffer_bytes = 0; // 0: by what the probes print (loader.h)
  bool print_maps_on_exit = true; // config print_maps_on_exit
  std::string license = "GPL";    // config license
  uint32_t log_size = 4u << 20;   // config log_size: the verifier log buffer
  // -c: released once every probe is attached and BEGIN has run; the run ends when it exits.
  ChildProcess *child = nullptr;
  // -p: the run ends (END, maps printed) when that process exits, as in bpftrace. 0: none.
  int target_pid = 0;
  uint64_t max_cat_bytes = 10240; // config max_cat_bytes: the most cat() prints of a file
};

// Returns the process exit status.
int run_session(const ast::Program &program, const ProgramInfo &info, const CompiledObject &object,
                ProviderRegistry &providers, Output &output, const SessionOptions &opts);

// Set from signal handlers: the event loop stops at the next wake-up.
void request_stop();

} // namespace bpfscope
