#include "runtime/btf_types.h"

#include "runtime/btf_enum_names.h"
#include "runtime/kernel_btf.h"
#include "runtime/suggest.h"

#include <bpf/btf.h>

#include <cstring>
#include <map>

namespace bpfscope {

namespace {

// Pointers to pointers to ... are followed this deep; beyond, they are `void *`.
constexpr int kMaxPointerDepth = 8;
// Anonymous members nest this deep at most when searching a member.
constexpr int kMaxAnonymousDepth = 8;

std::string btf_name(const struct btf *btf, const btf_type *t) {
  const char *n = btf__name_by_offset(btf, t->name_off);
  return n ? n : "";
}

// Records of a module's own BTF: their ids mean something only in that module's split BTF, and
// two modules reuse the same ids. A Record carries a handle instead, from this process-wide table
// of (module BTF, id) pairs; the BTF objects live as long as the process (KernelBtf keeps them).
struct ModuleRecords {
  std::vector<std::pair<const struct btf *, int>> entries;
  std::map<std::pair<const struct btf *, int>, int> handles;
};

ModuleRecords &module_records() {
  static ModuleRecords table;
  return table;
}

int record_id(const struct btf *btf, int id) {
  if (!btf__base_btf(btf) || id < btf_own_start_id(btf))
    return id; // a vmlinux id: the same in every split BTF built on it
  ModuleRecords &table = module_records();
  auto key = std::make_pair(btf, id);
  auto it = table.handles.find(key);
  if (it != table.handles.end())
    return it->second;
  int handle = kFirstModuleRecordHandle + static_cast<int>(table.entries.size());
  table.entries.push_back(key);
  table.handles.emplace(key, handle);
  return handle;
}

std::string record_name(const struct btf *btf, const btf_type *t) {
  std::string name = btf_name(btf, t);
  return std::string(btf_is_union(t) ? "union " : "struct ") +
         (name.empty() ? "(anonymous)" : name);
}

Type convert(const struct btf *btf, int id, int depth) {
  if (id == 0 || depth > kMaxPointerDepth)
    return Type::none();
  const btf_type *t = btf_skip_modifiers(btf, &id);
  if (!t)
    return Type::none();
  switch (btf_kind(t)) {
  case BTF_KIND_INT: {
    uint32_t enc = btf_int_encoding(t);
    if (enc & BTF_INT_BOOL)
      return Type::boolean();
    int size = static_cast<int>(t->size);
    if (size != 1 && size != 2 && size != 4 && size != 8) // __int128
      return Type::array(Type::integer(1, false), size);
    return Type::integer(size, (enc & BTF_INT_SIGNED) != 0);
  }
  case BTF_KIND_ENUM:
  case BTF_KIND_ENUM64: {
    Type e = Type::integer(static_cast<int>(t->size), btf_kflag(t));
    e.enum_names = btf_enum_names(btf, id);
    return e;
  }
  case BTF_KIND_PTR: {
    const btf_type *target = btf__type_by_id(btf, t->type);
    if (target && btf_is_func_proto(target))
      return Type::pointer(Type::none());
    return Type::pointer(convert(btf, static_cast<int>(t->type), depth + 1));
  }
  case BTF_KIND_STRUCT:
  case BTF_KIND_UNION:
    return Type::record(record_name(btf, t), static_cast<int>(t->size), record_id(btf, id));
  case BTF_KIND_FWD: {
    // A declaration only: the definition of the same name, when this BTF has one.
    bool is_union = btf_kflag(t);
    int def = btf__find_by_name_kind(btf, btf_name(btf, t).c_str(),
                                     is_union ? BTF_KIND_UNION : BTF_KIND_STRUCT);
    if (def > 0)
      return convert(btf, def, depth);
    return Type::record(std::string(is_union ? "union " : "struct ") + btf_name(btf, t), 0,
                        record_id(btf, id));
  }
  case BTF_KIND_ARRAY: {
    const struct btf_array *a = btf_array(t);
    Type elem = convert(btf, static_cast<int>(a->type), depth);
    int elem_id = static_cast<int>(a->type);
    const btf_type *et = btf_skip_modifiers(btf, &elem_id);
    // char arrays (not u8 arrays) read as strings, as in bpftrace: `curtask->comm`.
    if (et && btf_is_int(et) && et->size == 1 &&
        btf_name(btf, et).find("char") != std::string::npos)
      return Type::string(static_cast<int>(a->nelems));
    return Type::array(elem, static_cast<int>(a->nelems));
  }
  case BTF_KIND_FLOAT:
    return Type::array(Type::integer(1, false), static_cast<int>(t->size));
  default:
    return Type::none();
  }
}

// Finds `name` in the struct/union `id`, looking into anonymous members.
bool find_member(const struct btf *btf, int id, const std::string &name, long bits_base, int depth,
                 RecordMember &out) {
  const btf_type *t = btf_skip_modifiers(btf, &id);
  if (!t || depth > kMaxAnonymousDepth || !(btf_is_struct(t) || btf_is_union(t)))
    return false;
  const btf_member *m = btf_members(t);
  for (int i = 0; i < btf_vlen(t); i++, m++) {
    std::string n =
        btf__name_by_offset(btf, m->name_off) ? btf__name_by_offset(btf, m->name_off) : "";
    long bits = bits_base + static_cast<long>(btf_member_bit_offset(t, i));
    if (n.empty()) {
      if (find_member(btf, static_cast<int>(m->type), name, bits, depth + 1, out))
        return true;
      continue;
    }
    if (n != name)
      continue;
    out.type = convert(btf, static_cast<int>(m->type), 0);
    int bit_size = static_cast<int>(btf_member_bitfield_size(t, i));
    if (bit_size > 0) {
      out.offset = static_cast<int>(bits / 8);
      out.bit_offset = static_cast<int>(bits % 8);
      out.bit_size = bit_size;
    } else {
      out.offset = static_cast<int>(bits / 8);
    }
    return true;
  }
  return false;
}

void list_members(const struct btf *btf, int id, int depth, std::vector<std::string> &out) {
  const btf_type *t = btf_skip_modifiers(btf, &id);
  if (!t || depth > kMaxAnonymousDepth || !(btf_is_struct(t) || btf_is_union(t)))
    return;
  const btf_member *m = btf_members(t);
  for (int i = 0; i < btf_vlen(t); i++, m++) {
    const char *n = btf__name_by_offset(btf, m->name_off);
    if (!n || !*n)
      list_members(btf, static_cast<int>(m->type), depth + 1, out);
    else
      out.push_back(n);
  }
}

} // namespace

Type type_from_btf(const struct btf *btf, int id) { return convert(btf, id, 0); }

const struct btf *BtfTypeResolver::btf() {
  if (!btf_) {
    if (const BtfView *view = KernelBtf::running().view("", nullptr))
      btf_ = view->raw();
  }
  return btf_;
}

const std::vector<const struct btf *> &BtfTypeResolver::modules() {
  if (kernel_ && !modules_listed_) {
    modules_listed_ = true;
    for (const struct btf *m : KernelBtf::running().module_btfs())
      modules_.push_back(m);
  }
  return modules_;
}

const struct btf *BtfTypeResolver::locate(const Type &record, int *id) {
  if (record.record_id <= 0)
    return nullptr;
  if (record.record_id < kFirstModuleRecordHandle) {
    *id = record.record_id;
    return btf();
  }
  const ModuleRecords &table = module_records();
  size_t i = static_cast<size_t>(record.record_id - kFirstModuleRecordHandle);
  if (i >= table.entries.size())
    return nullptr;
  *id = table.entries[i].second;
  return table.entries[i].first;
}

std::optional<Type> BtfTypeResolver::find_named(const struct btf *b, const std::string &name) {
  auto lookup = [&](const std::string &prefix, int kind) -> std::optional<Type> {
    if (name.rfind(prefix, 0) != 0)
      return std::nullopt;
    int id = btf__find_by_name_kind(b, name.substr(prefix.size()).c_str(), kind);
    if (id <= 0)
      return Type::none();
    return convert(b, id, 0);
  };
  for (auto [prefix, kind] :
       {std::pair{"struct ", BTF_KIND_STRUCT}, std::pair{"union ", BTF_KIND_UNION},
        std::pair{"enum ", BTF_KIND_ENUM}}) {
    if (auto t = lookup(prefix, kind)) {
      if (t->is_none() && kind == BTF_KIND_ENUM)
        t = lookup(prefix, BTF_KIND_ENUM64);
      if (!t || t->is_none())
        return std::nullopt;
      return t;
    }
  }
  int id = btf__find_by_name_kind(b, name.c_str(), BTF_KIND_TYPEDEF);
  if (id <= 0)
    return std::nullopt;
  Type t = convert(b, id, 0);
  if (t.is_none())
    return std::nullopt;
  return t;
}

std::optional<Type> BtfTypeResolver::named_type(const std::string &name) {
  const struct btf *b = btf();
  if (!b)
    return std::nullopt;
  if (auto t = find_named(b, name))
    return t;
  // vmlinux first; a type only a module defines comes from that module's BTF.
  for (const struct btf *m : modules())
    if (auto t = find_named(m, name))
      return t;
  return std::nullopt;
}

std::optional<RecordMember> BtfTypeResolver::member(const Type &record, const std::string &name) {
  int id = 0;
  const struct btf *b = locate(record, &id);
  if (!b)
    return std::nullopt;
  RecordMember m;
  if (!find_member(b, id, name, 0, 0, m))
    return std::nullopt;
  return m;
}

std::vector<std::pair<std::string, RecordMember>> BtfTypeResolver::members(const Type &record) {
  std::vector<std::pair<std::string, RecordMember>> out;
  std::vector<std::string> names;
  int id = 0;
  const struct btf *b = locate(record, &id);
  if (!b)
    return out;
  list_members(b, id, 0, names);
  for (auto &n : names)
    if (auto m = member(record, n))
      out.emplace_back(n, *m);
  return out;
}

std::string BtfTypeResolver::member_hint(const Type &record, const std::string &name) {
  std::vector<std::string> names;
  int id = 0;
  if (const struct btf *b = locate(record, &id))
    list_members(b, id, 0, names);
  std::vector<std::string> quoted;
  for (auto &n : closest_names(name, names))
    quoted.push_back("'" + n + "'");
  return did_you_mean(quoted);
}

std::optional<int64_t> BtfTypeResolver::enum_value(const std::string &name) {
  const struct btf *b = btf();
  if (!b)
    return std::nullopt;
  if (!enums_indexed_) {
    // One pass over all types, the first time an unknown identifier might be an enumerator.
    enums_indexed_ = true;
    for (int id = 1, n = static_cast<int>(btf__type_cnt(b)); id < n; id++) {
      const btf_type *t = btf__type_by_id(b, id);
      if (btf_is_enum(t)) {
        const struct btf_enum *e = btf_enum(t);
        for (int i = 0; i < btf_vlen(t); i++, e++) {
          int64_t v = btf_kflag(t) ? static_cast<int64_t>(e->val)
                                   : static_cast<int64_t>(static_cast<uint32_t>(e->val));
          enums_.emplace(btf__name_by_offset(b, e->name_off), v);
          enum_ids_.emplace(btf__name_by_offset(b, e->name_off), id);
        }
      } else if (btf_is_enum64(t)) {
        const struct btf_enum64 *e = btf_enum64(t);
        for (int i = 0; i < btf_vlen(t); i++, e++) {
          enums_.emplace(btf__name_by_offset(b, e->name_off),
                         static_cast<int64_t>(btf_enum64_value(e)));
          enum_ids_.emplace(btf__name_by_offset(b, e->name_off), id);
        }
      }
    }
  }
  auto it = enums_.find(name);
  if (it == enums_.end())
    return std::nullopt;
  return it->second;
}

std::shared_ptr<const EnumNames> BtfTypeResolver::enum_of(const std::string &enumerator) {
  if (!enum_value(enumerator)) // indexes the enumerators on first use
    return nullptr;
  auto it = enum_ids_.find(enumerator);
  return it == enum_ids_.end() ? nullptr : btf_enum_names(btf(), it->second);
}

} // namespace bpfscope
