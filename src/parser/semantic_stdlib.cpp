#include "parser/semantic_stdlib.h"

#include "parser/semantic_task_calls.h"
#include "parser/signal_names.h"

#include <arpa/inet.h>
#include <time.h>

#include <map>
#include <set>

namespace bpfscope {

using namespace ast;

namespace {

const std::string &string_literal(const Expr &e) { return static_cast<const StringLit &>(e).value; }

// Text and byte arrays hold bytes in memory: what memcmp, ntop and macaddr read.
bool is_byte_buffer(const Type &t) {
  return t.is_string() || (t.kind == TypeKind::Resolved && t.resolved == ResolvedKind::Bytes);
}

// The printf-like functions run in user space: their records need the large ring buffer.
void note_prints(StdlibAnalyser &a) {
  if (!a.reporting())
    return;
  for (auto &t : a.probe().targets)
    if (t.program_kind != ProgramKind::Special)
      a.info().prints_from_probes = true;
}

// cat(fmt, ...) and system(fmt, ...): a printf format checked like printf's, recorded in the
// printf table with the action user space takes once the text is formatted.
Type printf_like(Call &c, StdlibAnalyser &a, PrintfAction action) {
  if (c.args.empty() || c.args[0]->kind != ExprKind::String) {
    a.error(c.loc, c.name + "() requires a string literal as its first argument");
    return Type::none();
  }
  std::vector<Type> arg_types;
  for (size_t i = 1; i < c.args.size(); i++) {
    Type t = a.expr(*c.args[i]);
    if (t.is_none())
      return Type::none();
    if (t.kind == TypeKind::Context || t.is_aggregation()) {
      a.error(c.args[i]->loc, c.name + "() cannot print a value of type " + t.name());
      return Type::none();
    }
    arg_types.push_back(t);
  }
  const std::string &fmt = string_literal(*c.args[0]);
  if (a.options().check_printf) {
    std::string problem = a.options().check_printf(fmt, arg_types);
    if (!problem.empty()) {
      a.error(c.loc, problem);
      return Type::none();
    }
  }
  note_prints(a);
  if (a.reporting()) {
    c.resource_id = static_cast<int>(a.info().printfs.size());
    PrintfInfo pi{fmt, Type::tuple(arg_types), ""};
    pi.action = action;
    a.info().printfs.push_back(pi);
  }
  return Type::none();
}

Type strftime_call(Call &c, StdlibAnalyser &a) {
  if (!a.want_args(c, 2, 2))
    return Type::none();
  if (c.args[0]->kind != ExprKind::String) {
    a.error(c.args[0]->loc, "strftime() expects a string literal format");
    return Type::none();
  }
  Type t = a.expr(*c.args[1]);
  if (t.is_none())
    return t;
  if (!t.is_integer()) {
    a.error(c.args[1]->loc,
            "strftime() expects an integer timestamp in nanoseconds (" + t.name() + " provided)");
    return Type::none();
  }
  return Type::make_resolved(ResolvedKind::Timestamp, 8, string_literal(*c.args[0]));
}

// ntop([af,] addr): an integer or 4 bytes are IPv4, 16 bytes IPv6.
Type ntop_call(Call &c, StdlibAnalyser &a) {
  if (!a.want_args(c, 1, 2))
    return Type::none();
  if (c.args.size() == 2) {
    Type af = a.expr(*c.args[0]);
    if (af.is_none())
      return af;
    if (!af.is_integer()) {
      a.error(c.args[0]->loc,
              "ntop() expects an integer address family (" + af.name() + " provided)");
      return Type::none();
    }
  }
  Expr &addr = *c.args.back();
  Type t = a.expr(addr);
  if (t.is_none())
    return t;
  bool ok = t.kind == TypeKind::Integer || (is_byte_buffer(t) && (t.size == 4 || t.size == 16));
  if (!ok) {
    a.error(addr.loc,
            "ntop() expects an integer or an array of 4 or 16 bytes (" + t.name() + " provided)");
    return Type::none();
  }
  return Type::make_resolved(ResolvedKind::Inet, 24);
}

Type pton_call(Call &c, StdlibAnalyser &a) {
  if (!a.want_args(c, 1, 1))
    return Type::none();
  if (c.args[0]->kind != ExprKind::String) {
    a.error(c.args[0]->loc, "pton() expects a string literal");
    return Type::none();
  }
  const std::string &text = string_literal(*c.args[0]);
  unsigned char bytes[16];
  bool v6 = text.find(':') != std::string::npos;
  if (inet_pton(v6 ? AF_INET6 : AF_INET, text.c_str(), bytes) != 1) {
    a.error(c.args[0]->loc, "pton() expects a valid IPv4 or IPv6 address, got \"" + text + "\"");
    return Type::none();
  }
  return Type::make_resolved(ResolvedKind::Bytes, v6 ? 16 : 4);
}

Type macaddr_call(Call &c, StdlibAnalyser &a) {
  if (!a.want_args(c, 1, 1))
    return Type::none();
  Type t = a.expr(*c.args[0]);
  if (t.is_none())
    return t;
  if (!(is_byte_buffer(t) && t.size >= 6) && t.kind != TypeKind::Integer) {
    a.error(c.args[0]->loc,
            "macaddr() expects an array of at least 6 bytes (" + t.name() + " provided)");
    return Type::none();
  }
  return Type::make_resolved(ResolvedKind::MacAddr, 8);
}

// strstr(haystack, needle) and memcmp(left, right, n): computed in BPF.
Type strstr_call(Call &c, StdlibAnalyser &a) {
  if (!a.want_args(c, 2, 2))
    return Type::none();
  Type h = a.expr(*c.args[0]);
  Type n = a.expr(*c.args[1]);
  if (h.is_none() || n.is_none())
    return Type::none();
  if (!h.is_string() || !n.is_string()) {
    a.error(c.loc,
            "strstr() expects two strings ('" + h.name() + "' and '" + n.name() + "' provided)");
    return Type::none();
  }
  return Type::integer(8, true);
}

Type memcmp_call(Call &c, StdlibAnalyser &a) {
  if (!a.want_args(c, 3, 3))
    return Type::none();
  Type l = a.expr(*c.args[0]);
  Type r = a.expr(*c.args[1]);
  if (l.is_none() || r.is_none())
    return Type::none();
  if (!is_byte_buffer(l) || !is_byte_buffer(r)) {
    a.error(c.loc, "memcmp() expects two strings or byte arrays ('" + l.name() + "' and '" +
                       r.name() + "' provided)");
    return Type::none();
  }
  int64_t n;
  if (!a.constant_integer(*c.args[2], n) || n < 0) {
    a.error(c.args[2]->loc, "memcmp() expects a non-negative constant number of bytes");
    return Type::none();
  }
  if (n > l.size || n > r.size) {
    a.error(c.args[2]->loc, "memcmp(): " + std::to_string(n) + " bytes is more than the " +
                                l.name() + " and " + r.name() + " arguments hold");
    return Type::none();
  }
  return Type::integer(8, true);
}

Type integer_to_resolved(Call &c, StdlibAnalyser &a, ResolvedKind kind, std::string arg = "") {
  Type t = a.expr(*c.args[0]);
  if (t.is_none())
    return t;
  if (!t.is_integer()) {
    a.error(c.args[0]->loc, c.name + "() expects an integer (" + t.name() + " provided)");
    return Type::none();
  }
  return Type::make_resolved(kind, 8, std::move(arg));
}

Type cgroup_path_call(Call &c, StdlibAnalyser &a) {
  if (!a.want_args(c, 1, 2))
    return Type::none();
  std::string filter = "*";
  if (c.args.size() == 2) {
    if (c.args[1]->kind != ExprKind::String) {
      a.error(c.args[1]->loc, "cgroup_path() expects a string literal filter");
      return Type::none();
    }
    filter = string_literal(*c.args[1]);
  }
  return integer_to_resolved(c, a, ResolvedKind::CgroupPath, filter);
}

// signal(SIG) and signal_thread(SIG): a number or a signal's name, known now.
Type signal_call(Call &c, StdlibAnalyser &a) {
  if (!a.want_args(c, 1, 1))
    return Type::none();
  if (!a.options().unsafe) {
    a.error(c.loc, c.name + "() is an unsafe function being used in safe mode",
            "run bpfscope with --unsafe");
    return Type::none();
  }
  for (auto &t : a.probe().targets) {
    if (t.program_kind == ProgramKind::Special) {
      a.error(c.loc, c.name + "() cannot be used in " + t.name + ": it runs in bpfscope itself");
      return Type::none();
    }
  }
  Expr &sig = *c.args[0];
  if (sig.kind == ExprKind::String) {
    int n = signal_number(string_literal(sig));
    if (n <= 0) {
      a.error(sig.loc, c.name + "(): unknown signal '" + string_literal(sig) + "'",
              "signals are named as in kill -l, e.g. SIGUSR1");
      return Type::none();
    }
    c.resource_id = n;
    return Type::none();
  }
  int64_t n;
  if (a.constant_integer(sig, n)) {
    if (n < 1 || n > 64) {
      a.error(sig.loc, c.name + "(): signal " + std::to_string(n) + " is out of range (1 to 64)");
      return Type::none();
    }
    c.resource_id = static_cast<int>(n);
    return Type::none();
  }
  Type t = a.expr(sig);
  if (!t.is_none() && !t.is_integer()) {
    a.error(sig.loc, c.name + "() expects a signal number or name (" + t.name() + " provided)");
    return Type::none();
  }
  c.resource_id = 0; // computed at run time
  return Type::none();
}

Type assert_call(Call &c, StdlibAnalyser &a) {
  if (!a.want_args(c, 2, 2))
    return Type::none();
  Type t = a.expr(*c.args[0]);
  if (t.is_none())
    return t;
  if (!t.is_integer()) {
    a.error(c.args[0]->loc, "assert() expects a condition (" + t.name() + " provided)");
    return Type::none();
  }
  if (c.args[1]->kind != ExprKind::String) {
    a.error(c.args[1]->loc, "assert() expects a string literal message");
    return Type::none();
  }
  // On failure: the message through printf's path, then exit(1).
  note_prints(a);
  if (a.reporting()) {
    c.resource_id = static_cast<int>(a.info().printfs.size());
    a.info().printfs.push_back(
        {"Assertion failed. Msg: " + string_literal(*c.args[1]) + "\n", Type::tuple({}), ""});
  }
  return Type::none();
}

// join(arr[, sep]): the strings of a NULL-terminated array of pointers (such as execve's argv),
// printed in user space with `sep` between them.
Type join_call(Call &c, StdlibAnalyser &a) {
  if (!a.want_args(c, 1, 2))
    return Type::none();
  Type t = a.expr(*c.args[0]);
  if (t.is_none())
    return t;
  if (t.kind != TypeKind::Integer) {
    a.error(c.args[0]->loc,
            "join() expects a pointer to an array of strings (" + t.name() + " provided)");
    return Type::none();
  }
  std::string sep = " ";
  if (c.args.size() == 2) {
    if (c.args[1]->kind != ExprKind::String) {
      a.error(c.args[1]->loc, "join() expects a string literal separator");
      return Type::none();
    }
    sep = string_literal(*c.args[1]);
  }
  note_prints(a);
  if (a.reporting()) {
    c.resource_id = static_cast<int>(a.info().join_separators.size());
    a.info().join_separators.push_back(sep);
    a.info().join_arg_size = a.options().max_strlen;
  }
  return Type::none();
}

// kstack/ustack themselves (a builtin or a call), whose frames the probe can still count; a stack
// kept in a variable or a map is only an id by then.
bool is_stack_capture(const Expr &e) {
  const std::string *name = nullptr;
  if (e.kind == ExprKind::Builtin)
    name = &static_cast<const Builtin &>(e).name;
  else if (e.kind == ExprKind::Call)
    name = &static_cast<const Call &>(e).name;
  return name && (*name == "kstack" || *name == "ustack");
}

// len(kstack) / len(ustack): the depth of the current stack, at most the stack's frame limit.
Type stack_len_call(Call &c, StdlibAnalyser &a) {
  Type t = a.expr(*c.args[0]);
  if (t.is_none())
    return t;
  if (t.kind != TypeKind::Stack) {
    a.error(c.args[0]->loc, "len() expects a map or stack to be provided");
    return Type::none();
  }
  if (!is_stack_capture(*c.args[0])) {
    a.error(c.args[0]->loc, "len() counts the frames of kstack or ustack written in its argument",
            "a stack kept in a variable or a map holds no frames the probe can count");
    return Type::none();
  }
  return Type::integer(8, true);
}

Type len_call(Call &c, StdlibAnalyser &a) {
  if (!a.want_args(c, 1, 1))
    return Type::none();
  if (c.args[0]->kind != ExprKind::Map)
    return stack_len_call(c, a);
  if (!static_cast<Map &>(*c.args[0]).keys.empty()) {
    a.error(c.args[0]->loc, "len() expects a map (without a key)");
    return Type::none();
  }
  Map *m = a.map_argument(c, 0);
  if (!m)
    return Type::none();
  const MapInfo &mi = a.info().maps[a.info().map_ids.at(m->name)];
  // The kernel counts the elements of hash maps only, not those of the per-CPU arrays that
  // keyless aggregations live in. A histogram's or time series' elements are its (key, bucket)
  // and (key, interval) pairs, as bpftrace v0.26 counts them too.
  if (mi.is_array()) {
    a.error(c.args[0]->loc, "len() does not support " + mi.value_type.name() + " maps without keys",
            "len() counts the elements of maps with keys, and of keyless maps of values");
    return Type::none();
  }
  // Counted by the kernel function bpf_map_sum_elem_count (Linux 6.6 and later).
  int id = a.options().kfunc_btf_id ? a.options().kfunc_btf_id("bpf_map_sum_elem_count") : 0;
  if (id <= 0) {
    a.error(c.loc, "len() needs the kernel function bpf_map_sum_elem_count (Linux 6.6 or later, "
                   "with BTF)");
    return Type::none();
  }
  a.info().map_elem_count_btf_id = id;
  return Type::integer(8, true);
}

} // namespace

std::string source_prefix(const Call &c, Diagnostics &diags) {
  return diags.filename() + ":" + std::to_string(c.loc.begin_line) + ":" +
         std::to_string(c.loc.begin_col) + "-" + std::to_string(c.loc.end_col) + ": ";
}

std::optional<Type> check_stdlib_call(Call &c, StdlibAnalyser &a) {
  const std::string &n = c.name;
  // Functions with no value: only as statements.
  static const std::set<std::string> statements_only = {"fail",          "static_assert", "assert",
                                                        "cat",           "system",        "signal",
                                                        "signal_thread", "join",          "debugf"};
  if (statements_only.count(n) && !a.is_statement(c)) {
    a.error(c.loc, n + "() does not return a value", "call it as a statement of its own");
    return Type::none();
  }
  if (n == "fail" || n == "static_assert")
    return Type::none(); // evaluated before the analysis, see check_compile_time_failures
  if (n == "assert")
    return assert_call(c, a);
  if (n == "cat")
    return printf_like(c, a, PrintfAction::Cat);
  if (n == "system") {
    if (!a.options().unsafe) {
      a.error(c.loc, "system() is an unsafe function being used in safe mode",
              "run bpfscope with --unsafe");
      return Type::none();
    }
    return printf_like(c, a, PrintfAction::System);
  }
  if (n == "signal" || n == "signal_thread")
    return signal_call(c, a);
  if (n == "debugf")
    return check_debugf(c, a);
  if (n == "strftime")
    return strftime_call(c, a);
  if (n == "ntop")
    return ntop_call(c, a);
  if (n == "pton")
    return pton_call(c, a);
  if (n == "macaddr")
    return macaddr_call(c, a);
  if (n == "strstr")
    return strstr_call(c, a);
  if (n == "memcmp")
    return memcmp_call(c, a);
  if (n == "syscall_name") {
    if (!a.want_args(c, 1, 1))
      return Type::none();
    return integer_to_resolved(c, a, ResolvedKind::SyscallName);
  }
  if (n == "signal_name") {
    if (!a.want_args(c, 1, 1))
      return Type::none();
    return integer_to_resolved(c, a, ResolvedKind::SignalName);
  }
  if (n == "cgroup_path")
    return cgroup_path_call(c, a);
  if (n == "len")
    return len_call(c, a);
  if (n == "join")
    return join_call(c, a);
  if (auto t = check_task_call(c, a)) // pcomm([task]), ppid([task])
    return t;
  if (n == "probetype" || n == "has_cpid") {
    if (!a.want_args(c, 0, 0))
      return Type::none();
    Builtin b;
    b.name = n;
    b.loc = c.loc;
    return check_stdlib_builtin(b, a);
  }
  return std::nullopt;
}

std::optional<Type> check_stdlib_builtin(Builtin &b, StdlibAnalyser &a) {
  if (b.name == "probetype") {
    // One program per target would be needed if the targets' types differed.
    size_t longest = 0;
    for (auto &t : a.probe().targets)
      longest = std::max(longest, probe_type_name(t).size());
    a.probe().program_per_target = true;
    return Type::string(static_cast<int>(longest) + 1);
  }
  if (b.name == "has_cpid")
    return Type::boolean();
  if (b.name == "pcomm") {
    ProgramInfo &info = a.info();
    if (!info.pcomm_offsets && a.options().pcomm_offsets)
      info.pcomm_offsets = a.options().pcomm_offsets();
    if (!info.pcomm_offsets) {
      a.error(b.loc, "The pcomm builtin needs kernel BTF (/sys/kernel/btf/vmlinux) to find "
                     "task_struct's group_leader and comm");
      return Type::none();
    }
    return Type::string(16);
  }
  return std::nullopt;
}

// @m = tseries(value, interval_ns, num_intervals[, "avg"|"max"|"min"|"sum"]).
Type check_tseries(Call &c, StdlibAnalyser &a) {
  if (c.args.size() < 3 || c.args.size() > 4) {
    a.error(c.loc,
            "tseries() requires 3 or 4 arguments (" + std::to_string(c.args.size()) + " provided)");
    return Type::none();
  }
  Type v = a.expr(*c.args[0]);
  if (v.is_none())
    return v;
  if (!v.is_integer()) {
    a.error(c.args[0]->loc, "tseries() expects an integer value (" + v.name() + " provided)");
    return Type::none();
  }
  int64_t interval, count;
  if (!a.constant_integer(*c.args[1], interval) || interval <= 0) {
    a.error(c.args[1]->loc, "tseries() expects a positive constant interval in nanoseconds");
    return Type::none();
  }
  if (!a.constant_integer(*c.args[2], count) || count < 1 || count > kMaxTseriesIntervals) {
    a.error(c.args[2]->loc, "tseries() expects a constant number of intervals, 1 to " +
                                std::to_string(kMaxTseriesIntervals));
    return Type::none();
  }
  TseriesAgg agg = TseriesAgg::Last;
  if (c.args.size() == 4) {
    static const std::map<std::string, TseriesAgg> aggs = {{"avg", TseriesAgg::Avg},
                                                           {"max", TseriesAgg::Max},
                                                           {"min", TseriesAgg::Min},
                                                           {"sum", TseriesAgg::Sum}};
    auto it =
        c.args[3]->kind == ExprKind::String ? aggs.find(string_literal(*c.args[3])) : aggs.end();
    if (it == aggs.end()) {
      a.error(c.args[3]->loc, "tseries() aggregation must be \"avg\", \"max\", \"min\" or \"sum\"");
      return Type::none();
    }
    agg = it->second;
  }
  Type t = Type::aggregation(TypeKind::Tseries, v.kind == TypeKind::Integer && v.is_signed);
  t.tseries_interval = interval;
  t.tseries_count = count;
  t.tseries_agg = agg;
  return t;
}

std::string probe_type_name(const ProbeTarget &t) {
  if (t.program_kind == ProgramKind::Special)
    return "special";
  return t.provider;
}

} // namespace bpfscope
