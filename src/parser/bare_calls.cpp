#include "parser/bare_calls.h"

#include "parser/ast_clone.h"

#include <set>

namespace bpfscope {

bool is_bare_callable(const std::string &name) {
  // The others of v0.26 (pid, tid, nsecs, kstack, ustack, comm, cpid, ...) are builtins here and
  // take both forms already.
  static const std::set<std::string> names = {"default_str_length", "exit", "time"};
  return names.count(name) > 0;
}

void call_bare_functions(ast::Program &program) {
  auto replace = [](ast::ExprPtr &e) {
    if (e->kind != ast::ExprKind::Builtin)
      return false;
    auto &b = static_cast<ast::Builtin &>(*e);
    if (!is_bare_callable(b.name))
      return false;
    auto call = std::make_unique<ast::Call>();
    call->loc = b.loc;
    call->name = b.name;
    e = std::move(call);
    return true;
  };
  for (auto &probe : program.probes)
    ast::for_each_expr_slot(*probe, replace);
}

} // namespace bpfscope
