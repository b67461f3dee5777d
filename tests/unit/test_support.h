// Shared by the front-end and codegen tests: a probe resolver that needs no kernel, so that
// analysis can be tested on fixed tracepoint layouts.
#pragma once

#include "parser/parse.h"
#include "parser/semantic.h"

#include <memory>
#include <string>

namespace bpfscope::testing {

class FakeResolver : public ProbeResolver {
public:
  bool resolve(const ast::AttachPoint &ap, std::vector<ProbeTarget> &out,
               Diagnostics &diags) override {
    ProbeTarget t;
    t.name = ap.raw;
    if (ap.raw == "BEGIN" || ap.raw == "END") {
      t.provider = ap.raw;
      t.program_kind = ProgramKind::Special;
    } else if (ap.raw.rfind("tracepoint:test:", 0) == 0) {
      t.provider = "tracepoint";
      t.program_kind = ProgramKind::Tracepoint;
      t.fields = {
          {"common_pid", ContextField::Kind::Integer, 4, 4, true},
          {"count", ContextField::Kind::Integer, 8, 8, false},
          {"filename", ContextField::Kind::Pointer, 16, 8, false},
          {"comm", ContextField::Kind::CharArray, 24, 16, false},
          {"delta", ContextField::Kind::Integer, 40, 4, true},
      };
    } else if (ap.raw.rfind("kprobe:", 0) == 0 || ap.raw.rfind("kretprobe:", 0) == 0) {
      t.provider = ap.raw.substr(0, ap.raw.find(':'));
      t.program_kind = ProgramKind::Kprobe;
      t.arg_source = ArgumentSource::PtRegs;
      t.max_args = 6;
      t.has_retval = t.provider == "kretprobe";
      t.function = ap.raw.substr(ap.raw.rfind(':') + 1);
    } else if (ap.raw.rfind("fexit:", 0) == 0) {
      t.provider = "fexit";
      t.program_kind = ProgramKind::RawTracepoint; // same u64-array context, loadable here
      t.arg_source = ArgumentSource::U64Array;
      t.max_args = 2;
      t.has_retval = true;
      t.retval_index = 2;
      t.function = ap.raw.substr(ap.raw.rfind(':') + 1);
    } else if (ap.raw.rfind("interval:", 0) == 0) {
      t.provider = "interval";
      t.program_kind = ProgramKind::PerfEvent;
      t.period_ns = 1000000000;
    } else {
      diags.error(ap.loc, "unknown probe " + ap.raw);
      return false;
    }
    out.push_back(t);
    return true;
  }
};

// Parses and analyses `source`; returns the rendered diagnostics ("" when none).
struct Analysed {
  std::unique_ptr<ast::Program> program;
  ProgramInfo info;
  std::string errors;
  bool ok = false;
};

// analyse() with the options a test sets itself (kernel offsets, kfunc ids, unsafe, ...).
inline Analysed analyse_with(const std::string &source, const SemanticOptions &opts) {
  Analysed a;
  Diagnostics diags("stdin", source);
  a.program = parse_program(source, diags);
  if (a.program) {
    FakeResolver resolver;
    a.ok = analyse_program(*a.program, resolver, opts, a.info, diags);
  }
  for (auto &d : diags.all())
    a.errors += diags.render(d);
  return a;
}

inline Analysed analyse(const std::string &source, std::vector<std::string> params = {},
                        TypeResolver *types = nullptr) {
  SemanticOptions opts;
  opts.positional_params = std::move(params);
  opts.types = types;
  return analyse_with(source, opts);
}

} // namespace bpfscope::testing
