#include "parser/semantic_map_decls.h"

#include <set>

namespace bpfscope {

namespace {

struct KindName {
  MapDeclKind kind;
  const char *name;
};
constexpr KindName kKinds[] = {{MapDeclKind::Hash, "hash"},
                               {MapDeclKind::LruHash, "lruhash"},
                               {MapDeclKind::PercpuHash, "percpuhash"},
                               {MapDeclKind::PercpuLruHash, "percpulruhash"}};

bool is_per_cpu(MapDeclKind k) {
  return k == MapDeclKind::PercpuHash || k == MapDeclKind::PercpuLruHash;
}

// The map type bpfscope would choose for `m` without a declaration, named as in declarations.
const char *natural_type(const MapInfo &m) {
  if (m.is_array())
    return "percpuarray";
  return m.per_cpu() ? "percpuhash" : "hash";
}

} // namespace

void apply_map_declarations(const ast::Program &program, ProgramInfo &info, Diagnostics &diags) {
  std::set<std::string> seen;
  for (const auto &d : program.map_decls) {
    MapDeclKind kind = MapDeclKind::None;
    for (const auto &k : kKinds)
      if (d->map_type == k.name)
        kind = k.kind;
    if (kind == MapDeclKind::None) {
      diags.error(d->type_loc, "Invalid bpf map type: " + d->map_type,
                  "use hash, lruhash, percpuhash or percpulruhash");
      continue;
    }
    if (!seen.insert(d->name).second) {
      diags.error(d->loc, "Map " + d->name + " is declared more than once");
      continue;
    }
    if (d->max_entries == 0 || d->max_entries > 0xffffffffu) {
      diags.error(d->type_loc, "Map " + d->name + ": the number of entries must be 1 to " +
                                   std::to_string(0xffffffffu));
      continue;
    }
    auto id = info.map_ids.find(d->name);
    if (id == info.map_ids.end()) {
      diags.warning(d->loc, "Unused map: " + d->name);
      continue;
    }
    MapInfo &m = info.maps[id->second];
    if (m.value_type.is_none())
      continue; // already reported: used but never assigned
    // A keyless aggregation lives in a per-CPU array, which no declaration names.
    bool fits = !m.is_array() && is_per_cpu(kind) == m.per_cpu();
    if (!fits) {
      diags.error(d->type_loc, "Incompatible map types. Type from declaration: " + d->map_type +
                                   ". Type from value/key type: " + natural_type(m));
      continue;
    }
    m.declared_kind = kind;
    m.max_entries = static_cast<uint32_t>(d->max_entries);
  }
}

} // namespace bpfscope
