#include "runtime/missing_probes.h"

namespace bpfscope {

size_t drop_missing_probes(ast::Program &program, ProviderRegistry &providers,
                           const std::string &mode, Diagnostics &diags) {
  if (mode == "error")
    return 0;
  size_t dropped = 0;
  std::vector<std::unique_ptr<ast::Probe>> kept;
  for (auto &probe : program.probes) {
    std::vector<std::unique_ptr<ast::AttachPoint>> present;
    for (auto &ap : probe->attach_points) {
      std::string provider = ap->raw.substr(0, ap->raw.find(':'));
      // Resolved again by the semantic pass; here only whether it matches anything counts.
      Diagnostics scratch(diags.filename(), diags.source());
      std::vector<ProbeTarget> targets;
      if (!providers.find(provider) || providers.resolve(*ap, targets, scratch)) {
        present.push_back(std::move(ap));
        continue;
      }
      dropped++;
      if (mode == "warn")
        for (const auto &d : scratch.all())
          diags.warning(d.range, d.message + " (skipped: missing_probes = warn)", d.hint);
    }
    if (present.empty())
      continue;
    probe->attach_points = std::move(present);
    kept.push_back(std::move(probe));
  }
  program.probes = std::move(kept);
  return dropped;
}

} // namespace bpfscope
