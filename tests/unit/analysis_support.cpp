#include "analysis_support.h"

#include "load_support.h"

#include <gtest/gtest.h>

namespace bpfscope::testing {

std::string error_of(const std::string &source) {
  Analysed a = analyse(source);
  EXPECT_FALSE(a.ok) << source;
  return a.errors;
}

std::string errors_if_rejected(const Analysed &a) { return a.ok ? "" : a.errors; }

std::string var_type(const Analysed &a, const std::string &name) {
  EXPECT_TRUE(a.ok) << a.errors;
  if (!a.ok || !a.info.probes[0].variables.count(name))
    return "<none>";
  return a.info.probes[0].variables.at(name).name();
}

std::string var_type(const std::string &source, const std::string &name) {
  return var_type(analyse(source), name);
}

Compiled compile(const std::string &source, const CodegenOptions &options) {
  Compiled c;
  c.analysed = analyse(source);
  if (!c.analysed.ok) {
    c.errors = c.analysed.errors;
    return c;
  }
  Diagnostics diags("stdin", source);
  c.ok = compile_program(*c.analysed.program, c.analysed.info, options, c.object, diags);
  for (auto &d : diags.all())
    c.errors += diags.render(d);
  return c;
}

std::string compile_and_load(const Analysed &a, const std::string &source,
                             bpf_prog_type other_type) {
  if (!a.ok)
    return "analysis failed: " + a.errors;
  Diagnostics diags("stdin", source);
  CompiledObject object;
  if (!compile_program(*a.program, a.info, {}, object, diags)) {
    std::string errors;
    for (auto &d : diags.all())
      errors += diags.render(d);
    return "compile failed: " + errors;
  }
  return load_every_program(a.info, object, other_type);
}

std::string load_all(const std::string &source, bpf_prog_type other_type) {
  return compile_and_load(analyse(source), source, other_type);
}

} // namespace bpfscope::testing
