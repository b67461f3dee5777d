// Shared by the unit tests that hand compiled programs to the kernel's verifier: creates the
// maps of a compiled script and loads each of its programs, so a test states only what it checks.
#pragma once

#include "codegen/codegen.h"
#include "parser/semantic.h"

#include <bpf/bpf.h>
#include <string>

namespace bpfscope::testing {

// Loads (and closes again) every program of `object`; "" when all loaded, else the first error.
// Tracepoint, perf-event and kprobe programs load as those types; the rest (BEGIN/END and the
// u64-array probes) as `other_type`, which must be loadable without attaching.
std::string load_every_program(const ProgramInfo &info, const CompiledObject &object,
                               bpf_prog_type other_type = BPF_PROG_TYPE_RAW_TRACEPOINT,
                               int max_map_keys = 64);

} // namespace bpfscope::testing
