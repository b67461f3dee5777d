// The front end and codegen run on arbitrary text, as the fuzzer (tests/fuzz/fuzz_frontend.cpp)
// and the regression replay (tests/unit/fuzz_regressions_test.cpp) both do: parse ->
// analyse (with a resolver that needs no kernel) -> compile to BPF bytecode. Nothing is loaded.
#pragma once

#include "codegen/codegen.h"
#include "parser/parse.h"
#include "parser/script.h"
#include "parser/semantic.h"

#include <cstddef>
#include <memory>
#include <string>

namespace bpfscope::fuzz {

// Accepts the providers' usual spellings and gives each a fixed, plausible target, so that the
// fuzzer reaches analysis and codegen for every program kind without touching the kernel.
class FuzzResolver : public ProbeResolver {
public:
  bool resolve(const ast::AttachPoint &ap, std::vector<ProbeTarget> &out,
               Diagnostics &diags) override {
    const std::string &raw = ap.raw;
    auto starts = [&](const char *p) { return raw.rfind(p, 0) == 0; };
    ProbeTarget t;
    t.name = raw;
    t.provider = raw.substr(0, raw.find(':'));
    t.function = raw.substr(raw.rfind(':') + 1);
    if (raw == "BEGIN" || raw == "END") {
      t.program_kind = ProgramKind::Special;
    } else if (starts("tracepoint:") || starts("t:")) {
      t.provider = "tracepoint";
      t.program_kind = ProgramKind::Tracepoint;
      t.fields = {
          {"common_pid", ContextField::Kind::Integer, 4, 4, true},
          {"count", ContextField::Kind::Integer, 8, 8, false},
          {"filename", ContextField::Kind::Pointer, 16, 8, false},
          {"comm", ContextField::Kind::CharArray, 24, 16, false},
          {"delta", ContextField::Kind::Integer, 40, 4, true},
          {"name", ContextField::Kind::DataLocString, 44, 4, false},
      };
    } else if (starts("kprobe:") || starts("kretprobe:") || starts("uprobe:") ||
               starts("uretprobe:") || starts("k:") || starts("kr:") || starts("u:") ||
               starts("ur:") || starts("usdt:")) {
      t.program_kind = ProgramKind::Kprobe;
      t.arg_source = ArgumentSource::PtRegs;
      t.max_args = 6;
      t.has_retval = starts("kretprobe:") || starts("uretprobe:") || starts("kr:") || starts("ur:");
    } else if (starts("fentry:") || starts("fexit:") || starts("f:") || starts("fr:")) {
      t.program_kind = ProgramKind::Tracing;
      t.arg_source = ArgumentSource::U64Array;
      t.max_args = 2;
      t.has_retval = starts("fexit:") || starts("fr:");
      t.retval_index = t.has_retval ? 2 : -1;
    } else if (starts("rawtracepoint:") || starts("rt:")) {
      t.program_kind = ProgramKind::RawTracepoint;
      t.arg_source = ArgumentSource::U64Array;
      t.max_args = 4;
    } else if (starts("interval:") || starts("i:") || starts("profile:") || starts("p:")) {
      t.program_kind = ProgramKind::PerfEvent;
      t.period_ns = 1000000000;
    } else if (starts("software:") || starts("s:")) {
      t.program_kind = ProgramKind::PerfEvent;
      t.sample_period = 1;
    } else {
      diags.error(ap.loc, "unknown probe " + raw);
      return false;
    }
    out.push_back(t);
    return true;
  }
};

// Runs the whole front end and codegen on `source`; returns whether it compiled. Errors are
// rendered (as the CLI would) so that the diagnostics code is exercised too.
inline bool run_pipeline(const std::string &source) {
  Diagnostics diags("fuzz", source);
  // The script-level front end too (config block, macros, getopt, #define); imports are
  // resolved against the working directory.
  ScriptInput input;
  input.filename = "stdin";
  input.apply_env = false;
  input.named_args.values["fuzz"] = "1";
  Script script;
  std::unique_ptr<ast::Program> program;
  if (load_script(source, input, script, diags))
    program = std::move(script.program);
  bool ok = false;
  if (program) {
    dump_ast(*program);
    FuzzResolver resolver;
    SemanticOptions opts;
    opts.positional_params = {"1", "hello"};
    opts.max_strlen = script.config.max_strlen;
    ProgramInfo info;
    if (analyse_program(*program, resolver, opts, info, diags)) {
      CompiledObject object;
      CodegenOptions copts;
      ok = compile_program(*program, info, copts, object, diags);
    }
  }
  std::string rendered;
  for (auto &d : diags.all())
    rendered += diags.render(d);
  return ok;
}

} // namespace bpfscope::fuzz
