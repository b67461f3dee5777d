#include "runtime/btf_enum_names.h"

#include <bpf/btf.h>

#include <map>
#include <utility>

namespace bpfscope {

std::shared_ptr<const EnumNames> btf_enum_names(const struct btf *btf, int id) {
  // Struct members and arguments of one enum type share a table; kernel enums can have
  // hundreds of enumerators (enum skb_drop_reason).
  static std::map<std::pair<const struct btf *, int>, std::shared_ptr<const EnumNames>> cache;
  auto key = std::make_pair(btf, id);
  if (auto it = cache.find(key); it != cache.end())
    return it->second;
  const btf_type *t = btf__type_by_id(btf, static_cast<__u32>(id));
  if (!t || !(btf_is_enum(t) || btf_is_enum64(t)))
    return nullptr;
  auto names = std::make_shared<EnumNames>();
  const char *type_name = btf__name_by_offset(btf, t->name_off);
  names->name = std::string("enum ") + (type_name && *type_name ? type_name : "(anonymous)");
  bool is_signed = btf_kflag(t);
  int size = static_cast<int>(t->size);
  if (btf_is_enum(t)) {
    const struct btf_enum *e = btf_enum(t);
    for (int i = 0; i < btf_vlen(t); i++, e++) {
      // As the value reads at the enum's width: unsigned 32-bit enums zero-extend.
      int64_t v = is_signed ? static_cast<int64_t>(e->val)
                            : static_cast<int64_t>(static_cast<uint32_t>(e->val));
      names->add(v, btf__name_by_offset(btf, e->name_off));
    }
  } else {
    const struct btf_enum64 *e = btf_enum64(t);
    for (int i = 0; i < btf_vlen(t); i++, e++) {
      uint64_t v = btf_enum64_value(e);
      if (size < 8 && !is_signed)
        v &= (uint64_t{1} << (8 * size)) - 1;
      names->add(static_cast<int64_t>(v), btf__name_by_offset(btf, e->name_off));
    }
  }
  cache.emplace(key, names);
  return names;
}

} // namespace bpfscope
