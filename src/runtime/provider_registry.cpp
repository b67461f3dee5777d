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
  providers_.push_back(make_software_provider());
  providers_.push_back(make_hardware_provider());
  providers_.push_back(make_kprobe_provider(false));
  providers_.push_back(make_kprobe_provider(true));
  providers_.push_back(make_fentry_provider(false));
  providers_.push_back(make_fentry_provider(true));
  providers_.push_back(make_rawtracepoint_provider());
  providers_.push_back(make_uprobe_provider(settings_));
  providers_.push_back(make_usdt_provider(settings_));
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
  // Probe types of bpftrace that bpfscope does not offer yet: say so, rather than "invalid".
  static const char *const not_yet[] = {"watchpoint", "w", "asyncwatchpoint", "aw", "iter", "it"};
  for (const char *name : not_yet) {
    if (!provider && parts[0] == name) {
      diags.error(ap.loc, parts[0] + " probes are not supported yet");
      return false;
    }
  }
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
  // Listing uprobes and USDT probes needs the binary, which only the pattern names
  // ('uprobe:/bin/bash:read*'): that provider reads the pattern itself.
  std::vector<std::string> parts = split_attach_point(pattern);
  if (ProbeProvider *p = parts.size() >= 2 ? find(parts[0]) : nullptr;
      p && (p->name() == "uprobe" || p->name() == "usdt")) {
    std::vector<std::string> out;
    p->list(pattern, out);
    return out;
  }
  std::vector<std::string> all;
  for (auto &p : providers_) {
    // 'tracepoint:sched:*' need not make the kprobe provider read every kernel function.
    if (parts.size() >= 2 && !glob_match(parts[0], p->name()))
      continue;
    // fentry/fexit list a module's functions only when the pattern names that module.
    bool by_module = p->name() == "fentry" || p->name() == "fexit";
    p->list(by_module ? pattern : "", all);
  }
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

std::vector<std::string> ProviderRegistry::details(const std::string &name) const {
  std::vector<std::string> parts = split_attach_point(name);
  ProbeProvider *p = parts.empty() ? nullptr : find(parts[0]);
  return p ? p->details(name) : std::vector<std::string>{};
}

} // namespace bpfscope
