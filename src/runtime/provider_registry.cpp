#include "runtime/probe_provider.h"
#include "runtime/suggest.h"
#include "runtime/tracepoint_format.h"

#include <algorithm>

namespace bpfscope {

std::vector<std::string> split_attach_point(const std::string &raw) {
  std::vector<std::string> parts(1);
  bool quoted = false;
  for (char c : raw) {
    if (c == '"') {
      quoted = !quoted;
      continue;
    }
    if (c == ':' && !quoted) {
      parts.emplace_back();
      continue;
    }
    parts.back() += c;
  }
  return parts;
}

ProviderRegistry::ProviderRegistry() {
  providers_.push_back(make_special_provider("BEGIN"));
  providers_.push_back(make_special_provider("END"));
  providers_.push_back(make_tracepoint_provider());
  providers_.push_back(make_interval_provider());
  providers_.push_back(make_profile_provider());
}

ProbeProvider *ProviderRegistry::find(const std::string &name) const {
  for (auto &p : providers_) {
    if (p->name() == name)
      return p.get();
    for (auto &alias : p->aliases())
      if (alias == name)
        return p.get();
  }
  return nullptr;
}

bool ProviderRegistry::resolve(const ast::AttachPoint &ap, std::vector<ProbeTarget> &out,
                               Diagnostics &diags) {
  std::vector<std::string> parts = split_attach_point(ap.raw);
  ProbeProvider *provider = find(parts[0]);
  if (!provider) {
    std::vector<std::string> names;
    for (auto &p : providers_) {
      names.push_back(p->name());
      for (auto &a : p->aliases())
        names.push_back(a);
    }
    diags.error(ap.loc, "Invalid probe type: " + parts[0],
                did_you_mean(closest_names(parts[0], names, 1)));
    return false;
  }
  return provider->resolve(parts, ap, out, diags);
}

std::vector<std::string> ProviderRegistry::list(const std::string &pattern) const {
  std::vector<std::string> all;
  for (auto &p : providers_)
    p->list("", all);
  std::vector<std::string> out;
  for (auto &name : all) {
    if (pattern.empty() || glob_match(pattern, name))
      out.push_back(name);
    else if (pattern.find(':') == std::string::npos &&
             glob_match(pattern, name.substr(name.rfind(':') + 1)))
      out.push_back(name); // `-l 'sys_enter_open*'` matches the last part of the name alone
  }
  return out;
}

} // namespace bpfscope
