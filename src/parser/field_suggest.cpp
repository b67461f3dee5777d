#include "parser/field_suggest.h"

#include <llvm/ADT/StringRef.h>

#include <algorithm>

namespace bpfscope {

std::string name_hint(const std::string &name, const std::vector<std::string> &names) {
  std::string list, best;
  unsigned best_distance = static_cast<unsigned>(name.size() / 3 + 1);
  for (auto &candidate : names) {
    list += (list.empty() ? "" : ", ") + candidate;
    unsigned d = llvm::StringRef(candidate).edit_distance(name, true, best_distance);
    if (d < best_distance || (d == best_distance && best.empty() && d <= name.size() / 3)) {
      best_distance = d;
      best = candidate;
    }
  }
  if (list.empty())
    return "";
  return (best.empty() ? "" : "Did you mean '" + best + "'? ") + "fields: " + list;
}

std::string field_hint(const std::string &name, const std::vector<ContextField> &fields) {
  std::vector<std::string> names;
  for (auto &cf : fields)
    if (cf.name.rfind("common_", 0) != 0)
      names.push_back(cf.name);
  return name_hint(name, names);
}

std::string closest_name(const std::string &name, const std::vector<std::string> &candidates) {
  std::string best;
  unsigned limit = std::max(static_cast<unsigned>(name.size() / 3), 1u);
  unsigned best_distance = limit + 1;
  for (const auto &c : candidates) {
    unsigned d = llvm::StringRef(c).edit_distance(name, true, best_distance);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

} // namespace bpfscope
