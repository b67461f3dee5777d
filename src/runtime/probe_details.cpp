#include "runtime/probe_details.h"

#include "runtime/kernel_btf.h"
#include "runtime/probe_provider.h"

#include <optional>

namespace bpfscope {

std::string probe_details(const std::string &probe_name) {
  std::vector<std::string> parts = split_attach_point(probe_name);
  if (parts.size() < 2)
    return "";
  const std::string &provider = parts[0];
  bool function = provider == "fentry" || provider == "fexit";
  bool raw = provider == "rawtracepoint";
  if (!function && !raw)
    return "";
  std::string module = parts.size() >= 3 ? parts[1] : "";
  const std::string &name = parts.back();
  const BtfView *view = KernelBtf::running().view(module, nullptr);
  if (!view)
    return "";
  std::optional<BtfFunction> f = function ? view->function(name) : view->raw_tracepoint(name);
  if (!f)
    return "";
  std::string out;
  for (auto &p : f->params)
    out += "    " + p.type_name + " " + p.name + "\n";
  if (provider == "fexit")
    out += "    " + (f->returns_void ? std::string("void") : f->ret.type_name) + " retval\n";
  return out;
}

} // namespace bpfscope
