// Functions only tracing programs (fentry, fexit) may call, because the kernel takes their
// argument as a pointer typed by BTF, which is what those programs' arguments are:
//   socket_cookie(sk)     bpf_get_socket_cookie on a struct sock *
//   path(p[, size])       bpf_d_path on a struct path (or a pointer to one), in the functions the
//                         kernel allows it in (btf_allowlist_d_path: filp_close, vfs_getattr, ...)
#pragma once

#include "parser/ast.h"
#include "parser/semantic_stdlib.h"

#include <optional>

namespace bpfscope {

// The type of a socket_cookie() or path() call (none() after an error), or nullopt for other
// calls.
std::optional<Type> check_tracing_call(ast::Call &c, StdlibAnalyser &a);

} // namespace bpfscope
