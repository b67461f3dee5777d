#include "parser/semantic_percpu.h"

namespace bpfscope {

using namespace ast;

std::optional<Type> check_percpu_kaddr(Call &c, StdlibAnalyser &a) {
  if (c.name != "percpu_kaddr")
    return std::nullopt;
  if (!a.want_args(c, 1, 2))
    return Type::none();
  if (c.args[0]->kind != ExprKind::String) {
    a.error(c.args[0]->loc, "percpu_kaddr() expects a string literal (a per-CPU variable's name)");
    return Type::none();
  }
  if (c.args.size() == 2) {
    Type cpu = a.expr(*c.args[1]);
    if (cpu.is_none())
      return cpu;
    if (!cpu.is_integer()) {
      a.error(c.args[1]->loc,
              "percpu_kaddr() expects an integer CPU (" + cpu.name() + " provided)");
      return Type::none();
    }
  }
  const std::string &name = static_cast<const StringLit &>(*c.args[0]).value;
  int id = a.options().percpu_var_btf_id ? a.options().percpu_var_btf_id(name) : 0;
  if (id <= 0) {
    a.error(c.args[0]->loc, "percpu_kaddr(): no per-CPU kernel variable named '" + name + "'",
            "the kernel's BTF describes its per-CPU variables (section .data..percpu)");
    return Type::none();
  }
  if (a.reporting()) {
    auto &ids = a.info().percpu_var_btf_ids;
    c.resource_id = static_cast<int>(ids.size());
    ids.push_back(id);
  }
  return Type::pointer(Type::integer(8, false));
}

} // namespace bpfscope
