#include "parser/semantic_tracing_calls.h"

namespace bpfscope {

using namespace ast;

namespace {

bool only_in_tracing_programs(Call &c, StdlibAnalyser &a, const std::string &example) {
  for (auto &target : a.probe().targets)
    if (target.program_kind != ProgramKind::Tracing) {
      a.error(c.loc, c.name + "() is only available in fentry and fexit probes",
              "the kernel takes the pointer from a BTF-typed argument, such as " + example);
      return false;
    }
  return true;
}

Type socket_cookie_call(Call &c, StdlibAnalyser &a) {
  if (!a.want_args(c, 1, 1))
    return Type::none();
  Type t = a.expr(*c.args[0]);
  if (t.is_none())
    return t;
  if (!t.is_ptr() || t.pointee().record_name != "struct sock") {
    a.error(c.args[0]->loc, "socket_cookie() expects a struct sock * (" + t.name() + " provided)");
    return Type::none();
  }
  if (!only_in_tracing_programs(c, a, "args.sk"))
    return Type::none();
  return Type::integer(8, false);
}

// path(p[, size]): a string of `size` bytes (a constant, max_strlen by default); the kernel
// keeps the end of a path that does not fit.
Type path_call(Call &c, StdlibAnalyser &a) {
  if (!a.want_args(c, 1, 2))
    return Type::none();
  Type t = a.expr(*c.args[0]);
  if (t.is_none())
    return t;
  bool is_path = (t.is_record() && t.record_name == "struct path") ||
                 (t.is_ptr() && t.pointee().record_name == "struct path");
  if (!is_path) {
    a.error(c.args[0]->loc,
            "path() expects a struct path or a struct path * (" + t.name() + " provided)");
    return Type::none();
  }
  int64_t size = a.options().max_strlen;
  if (c.args.size() == 2 && (!a.constant_integer(*c.args[1], size) || size < 1 || size > 4096)) {
    a.error(c.args[1]->loc, "path() expects a constant size from 1 to 4096");
    return Type::none();
  }
  if (!only_in_tracing_programs(c, a, "args.filp->f_path"))
    return Type::none();
  return Type::string(static_cast<int>(size));
}

// comm(pid) in every probe of `c`, where the kernel lets the program call the task kfuncs (it
// says so for each program type, see SemanticOptions::task_kfuncs_allowed).
bool task_kfuncs_allowed_everywhere(Call &c, StdlibAnalyser &a) {
  for (auto &target : a.probe().targets) {
    bool allowed = a.options().task_kfuncs_allowed
                       ? a.options().task_kfuncs_allowed(target.program_kind)
                       : target.program_kind == ProgramKind::Tracing;
    if (!allowed) {
      a.error(c.loc,
              "comm(pid) is not available in " + target.provider +
                  " probes: this kernel does not let their BPF programs call the kfunc "
                  "bpf_task_from_pid",
              "fentry/fexit and rawtracepoint (tp_btf) probes may call it from Linux 6.2, "
              "tracepoint, interval, profile and software probes from 6.12");
      return false;
    }
  }
  return true;
}

// comm(pid): the name of the thread `pid` (a pid of the initial pid namespace), empty when there
// is none. The task comes from the kfunc bpf_task_from_pid and is given back with
// bpf_task_release.
Type comm_of_pid_call(Call &c, StdlibAnalyser &a) {
  if (!a.want_args(c, 1, 1))
    return Type::none();
  Type t = a.expr(*c.args[0]);
  if (t.is_none())
    return t;
  if (!t.is_integer()) {
    a.error(c.args[0]->loc, "comm() expects an integer pid (" + t.name() + " provided)");
    return Type::none();
  }
  ProgramInfo &info = a.info();
  auto kfunc = [&](const char *name) {
    return a.options().kfunc_btf_id ? a.options().kfunc_btf_id(name) : 0;
  };
  info.task_from_pid_btf_id = kfunc("bpf_task_from_pid");
  info.task_release_btf_id = kfunc("bpf_task_release");
  if (!info.pcomm_offsets && a.options().pcomm_offsets)
    info.pcomm_offsets = a.options().pcomm_offsets();
  if (info.task_from_pid_btf_id <= 0 || info.task_release_btf_id <= 0 || !info.pcomm_offsets) {
    a.error(c.loc, "comm(pid) needs the kfuncs bpf_task_from_pid and bpf_task_release (Linux "
                   "6.2 or later) and task_struct.comm, from kernel BTF");
    return Type::none();
  }
  if (!task_kfuncs_allowed_everywhere(c, a))
    return Type::none();
  return Type::string(16);
}

} // namespace

std::optional<Type> check_tracing_call(Call &c, StdlibAnalyser &a) {
  if (c.name == "comm" && !c.args.empty())
    return comm_of_pid_call(c, a);
  if (c.name == "socket_cookie")
    return socket_cookie_call(c, a);
  if (c.name == "path")
    return path_call(c, a);
  return std::nullopt;
}

} // namespace bpfscope
