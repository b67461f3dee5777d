#include "parser/field_suggest.h"

#include <llvm/ADT/StringRef.h>

namespace bpfscope {

std::string field_hint(const std::string &name, const std::vector<ContextField> &fields) {
  std::string names, best;
  unsigned best_distance = static_cast<unsigned>(name.size() / 3 + 1);
  for (auto &cf : fields) {
    if (cf.name.rfind("common_", 0) == 0)
      continue;
    names += (names.empty() ? "" : ", ") + cf.name;
    unsigned d = llvm::StringRef(cf.name).edit_distance(name, true, best_distance);
    if (d < best_distance || (d == best_distance && best.empty() && d <= name.size() / 3)) {
      best_distance = d;
      best = cf.name;
    }
  }
  if (names.empty())
    return "";
  return (best.empty() ? "" : "Did you mean '" + best + "'? ") + "fields: " + names;
}

} // namespace bpfscope
