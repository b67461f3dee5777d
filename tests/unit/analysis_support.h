// Shared by the unit tests that check what the semantic pass makes of a script and whether its
// compiled programs pass the verifier: the small helpers those tests had each written themselves.
#pragma once

#include "codegen/codegen.h"
#include "test_support.h"

#include <bpf/bpf.h>
#include <string>

namespace bpfscope::testing {

// The errors of `source`, which must not pass the semantic pass (default options).
std::string error_of(const std::string &source);

// The errors of `a`, "" when it was accepted: for tests that analyse with their own options.
std::string errors_if_rejected(const Analysed &a);

// The type of variable `name` in the first probe of `a` (which must be accepted), or "<none>".
std::string var_type(const Analysed &a, const std::string &name);

// The type of variable `name` in the first probe of `source`, analysed with the default options.
std::string var_type(const std::string &source, const std::string &name);

// A script analysed with the default options and compiled: for tests that look at the BPF itself.
struct Compiled {
  Analysed analysed;
  CompiledObject object;
  std::string errors; // of the semantic pass, or else of codegen
  bool ok = false;
};

// Analyses `source` with the default options and compiles it with `options`.
Compiled compile(const std::string &source, const CodegenOptions &options = {});

// Compiles the analysis `a` of `source` and hands every program to the verifier (see
// load_every_program for `other_type`); "" or the first error. For tests with their own options.
std::string compile_and_load(const Analysed &a, const std::string &source,
                             bpf_prog_type other_type = BPF_PROG_TYPE_RAW_TRACEPOINT);

// compile_and_load() of `source` analysed with the default options.
std::string load_all(const std::string &source,
                     bpf_prog_type other_type = BPF_PROG_TYPE_RAW_TRACEPOINT);

} // namespace bpfscope::testing
