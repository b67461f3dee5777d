// Checks of the standard library functions added after the core ones (strftime, ntop, pton,
// macaddr, strstr, memcmp, syscall_name, cgroup_path, fail, static_assert, assert, cat, system,
// signal, signal_thread, len, probetype). They live apart from semantic.cpp and reach the
// analyser only through the small interface below, so that each group stays in a file of its own.
#pragma once

#include "parser/ast.h"
#include "parser/semantic.h"

#include <optional>
#include <string>

namespace bpfscope {

// What the checks need from the semantic pass that calls them.
class StdlibAnalyser {
public:
  virtual ~StdlibAnalyser() = default;
  virtual Type expr(ast::Expr &e) = 0;
  virtual void error(const SourceRange &loc, const std::string &msg,
                     const std::string &hint = "") = 0;
  virtual bool want_args(ast::Call &c, size_t min, size_t max) = 0;
  virtual bool constant_integer(const ast::Expr &e, int64_t &out) = 0;
  // The map named by argument i (its value type set), or nullptr after reporting an error.
  virtual ast::Map *map_argument(ast::Call &c, size_t i) = 0;
  virtual ProgramInfo &info() = 0;
  virtual ProbeInfo &probe() = 0;
  virtual const SemanticOptions &options() = 0;
  virtual Diagnostics &diagnostics() = 0;
  // Only the last round reports errors and records resources.
  virtual bool reporting() = 0;
  // Whether the call stands as a statement of its own (no value is wanted from it).
  virtual bool is_statement(const ast::Call &c) = 0;
};

// The type of a call of one of these functions (none() after an error), or nullopt when `c` is
// not one of them.
std::optional<Type> check_stdlib_call(ast::Call &c, StdlibAnalyser &a);

// The type of a builtin handled here (probetype, has_cpid), or nullopt when not one of them.
std::optional<Type> check_stdlib_builtin(ast::Builtin &b, StdlibAnalyser &a);

// debugf(fmt, ...): the format checked against bpf_trace_printk's rules; returns none().
Type check_debugf(ast::Call &c, StdlibAnalyser &a);

// The most intervals one tseries() keeps.
constexpr int64_t kMaxTseriesIntervals = 100000;

// Checks of the time series aggregation `@m = tseries(value, interval, count[, agg])`: returns its
// type, none() after an error.
Type check_tseries(ast::Call &c, StdlibAnalyser &a);

// probetype's value for a target: its provider, "special" for BEGIN and END.
std::string probe_type_name(const ProbeTarget &t);

// "FILE:L:C-C: " for a call, as errorf/warnf print it.
std::string source_prefix(const ast::Call &c, Diagnostics &diags);

} // namespace bpfscope
