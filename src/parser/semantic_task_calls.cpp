#include "parser/semantic_task_calls.h"

namespace bpfscope {

using namespace ast;

namespace {

// The task argument, when there is one, must be a struct task_struct * (curtask, args.p, ...).
bool task_argument_ok(Call &c, StdlibAnalyser &a) {
  if (c.args.empty())
    return true;
  Type t = a.expr(*c.args[0]);
  if (t.is_none())
    return false;
  if (!t.is_ptr() || t.pointee().record_name != "struct task_struct") {
    a.error(c.args[0]->loc,
            c.name + "() expects a struct task_struct * (" + t.name() + " provided)",
            "curtask is the current task; a probe's arguments may hold others");
    return false;
  }
  return true;
}

} // namespace

std::optional<Type> check_task_call(Call &c, StdlibAnalyser &a) {
  if (c.name != "pcomm" && c.name != "ppid")
    return std::nullopt;
  if (!a.want_args(c, 0, 1) || !task_argument_ok(c, a))
    return Type::none();
  ProgramInfo &info = a.info();
  if (c.name == "pcomm") {
    if (!info.pcomm_offsets && a.options().pcomm_offsets)
      info.pcomm_offsets = a.options().pcomm_offsets();
    if (!info.pcomm_offsets) {
      a.error(c.loc, "pcomm() needs kernel BTF (/sys/kernel/btf/vmlinux) to find task_struct's "
                     "group_leader and comm");
      return Type::none();
    }
    return Type::string(16);
  }
  if (!info.ppid_offsets && a.options().ppid_offsets)
    info.ppid_offsets = a.options().ppid_offsets();
  if (!info.ppid_offsets) {
    a.error(c.loc, "ppid() needs kernel BTF (/sys/kernel/btf/vmlinux) to find task_struct's "
                   "real_parent and tgid");
    return Type::none();
  }
  return Type::integer(4, false);
}

} // namespace bpfscope
