#include "parser/semantic_unsupported.h"

#include <map>

namespace bpfscope {

using namespace ast;

std::optional<Type> check_unsupported_call(Call &c, StdlibAnalyser &a) {
  // What each would need, for the hint.
  static const std::map<std::string, std::string> missing = {
      {"override", "it needs bpf_override_return in kprobes (CONFIG_BPF_KPROBE_OVERRIDE)"},
      {"skboutput", "it needs bpf_skb_output and a pcap writer"},
  };
  auto it = missing.find(c.name);
  if (it != missing.end()) {
    a.error(c.loc, c.name + "() is not supported by bpfscope yet", it->second);
    return Type::none();
  }
  return std::nullopt;
}

} // namespace bpfscope
