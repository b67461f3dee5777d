#include "parser/enum_names.h"

#include <algorithm>

namespace bpfscope {

void EnumNames::add(int64_t value, const std::string &enumerator) {
  uint64_t bits = static_cast<uint64_t>(value);
  auto at = std::lower_bound(by_value.begin(), by_value.end(), bits,
                             [](const auto &entry, uint64_t v) { return entry.first < v; });
  if (at != by_value.end() && at->first == bits)
    return; // the first name declared for a value is the one printed
  by_value.insert(at, {bits, enumerator});
}

const std::string *EnumNames::find(uint64_t bits) const {
  auto at = std::lower_bound(by_value.begin(), by_value.end(), bits,
                             [](const auto &entry, uint64_t v) { return entry.first < v; });
  if (at == by_value.end() || at->first != bits)
    return nullptr;
  return &at->second;
}

std::string enum_value_text(const EnumNames &names, uint64_t bits, bool is_signed) {
  if (const std::string *name = names.find(bits))
    return *name;
  return is_signed ? std::to_string(static_cast<int64_t>(bits)) : std::to_string(bits);
}

} // namespace bpfscope
