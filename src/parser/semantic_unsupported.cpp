#include "parser/semantic_unsupported.h"

#include <map>

namespace bpfscope {

using namespace ast;

std::optional<Type> check_unsupported_call(Call &c, StdlibAnalyser &a) {
  // What each would need, for the hint.
  static const std::map<std::string, std::string> missing = {
      {"socket_cookie", "it needs bpf_get_socket_cookie on a struct sock * (fentry programs)"},
      {"path", "it needs bpf_d_path in fentry programs on the kernel's allowlisted functions"},
      {"override", "it needs bpf_override_return in kprobes (CONFIG_BPF_KPROBE_OVERRIDE)"},
      {"skboutput", "it needs bpf_skb_output and a pcap writer"},
  };
  auto it = missing.find(c.name);
  if (it != missing.end()) {
    a.error(c.loc, c.name + "() is not supported by bpfscope yet", it->second);
    return Type::none();
  }
  // comm(pid): the name of another process needs the kfuncs bpf_task_from_pid and
  // bpf_task_release, which only tracing programs (fentry, fexit, tp_btf) may call.
  if (c.name == "comm" && !c.args.empty()) {
    a.error(c.loc, "comm(pid) is not supported by bpfscope yet",
            "comm without an argument is the current thread's name");
    return Type::none();
  }
  return std::nullopt;
}

} // namespace bpfscope
