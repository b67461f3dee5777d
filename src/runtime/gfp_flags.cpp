#include "runtime/gfp_flags.h"

#include <bpf/btf.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace bpfscope {

namespace {

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

// Combined names, each a list of single flags (without "__GFP_") or earlier combined names,
// minus the flags after '~', as in include/linux/gfp_types.h (GFP_ATOMIC also had __GFP_ATOMIC
// before Linux 6.3; it is included when the kernel still has that flag). Order: the one that
// covers the most first, as bpftrace v0.26 tries them.
struct Combined {
  const char *name;
  std::vector<const char *> parts;
  std::vector<const char *> minus;
};
const std::vector<Combined> &combined_names() {
  static const std::vector<Combined> table = {
      {"GFP_TRANSHUGE", {"GFP_TRANSHUGE_LIGHT", "DIRECT_RECLAIM"}, {}},
      {"GFP_TRANSHUGE_LIGHT",
       {"GFP_HIGHUSER_MOVABLE", "COMP", "NOMEMALLOC", "NOWARN"},
       {"DIRECT_RECLAIM", "KSWAPD_RECLAIM"}},
      {"GFP_HIGHUSER_MOVABLE", {"GFP_HIGHUSER", "MOVABLE"}, {}},
      {"GFP_HIGHUSER", {"GFP_USER", "HIGHMEM"}, {}},
      {"GFP_KERNEL_ACCOUNT", {"GFP_KERNEL", "ACCOUNT"}, {}},
      {"GFP_KERNEL", {"DIRECT_RECLAIM", "KSWAPD_RECLAIM", "IO", "FS"}, {}},
      {"GFP_USER", {"DIRECT_RECLAIM", "KSWAPD_RECLAIM", "IO", "FS", "HARDWALL"}, {}},
      {"GFP_ATOMIC", {"HIGH", "KSWAPD_RECLAIM", "ATOMIC?"}, {}},
      {"GFP_NOWAIT", {"KSWAPD_RECLAIM"}, {}},
      {"GFP_NOIO", {"DIRECT_RECLAIM", "KSWAPD_RECLAIM"}, {}},
      {"GFP_NOFS", {"DIRECT_RECLAIM", "KSWAPD_RECLAIM", "IO"}, {}},
      {"GFP_DMA32", {"DMA32"}, {}},
      {"GFP_DMA", {"DMA"}, {}},
  };
  return table;
}

// Masks of the combined names for these single flags; a name whose flags the kernel lacks is
// left out (mask 0).
std::vector<GfpFlag> combined_masks(const std::vector<GfpFlag> &single) {
  std::vector<GfpFlag> out;
  auto find = [&](const std::string &part, bool &ok) -> uint64_t {
    bool optional = !part.empty() && part.back() == '?';
    std::string name = optional ? part.substr(0, part.size() - 1) : part;
    for (const GfpFlag &f : single)
      if (f.name == "__GFP_" + name)
        return f.mask;
    for (const GfpFlag &f : out)
      if (f.name == name) {
        ok = ok && f.mask != 0; // built on a name this kernel cannot spell
        return f.mask;
      }
    if (!optional)
      ok = false;
    return 0;
  };
  // Built from the last (simplest) up, since the first ones use later ones.
  const auto &table = combined_names();
  std::vector<GfpFlag> built(table.size());
  for (size_t i = table.size(); i-- > 0;) {
    bool ok = true;
    uint64_t mask = 0;
    for (const char *p : table[i].parts)
      mask |= find(p, ok);
    for (const char *p : table[i].minus)
      mask &= ~find(p, ok);
    built[i] = {table[i].name, ok ? mask : 0};
    out.push_back(built[i]);
  }
  return built;
}

} // namespace

std::vector<GfpFlag> gfp_flags_from_bits(const std::vector<std::pair<std::string, int>> &bits) {
  std::vector<std::pair<int, std::string>> sorted;
  for (const auto &[name, bit] : bits)
    if (bit >= 0 && bit < 64 && name != "LAST" && name != "UNUSED")
      sorted.emplace_back(bit, name);
  std::sort(sorted.begin(), sorted.end());
  std::vector<GfpFlag> out;
  for (const auto &[bit, name] : sorted)
    out.push_back({"__GFP_" + name, uint64_t{1} << bit});
  return out;
}

std::string format_gfp_flags(uint64_t flags, const std::vector<GfpFlag> &single) {
  if (flags == 0)
    return "0";
  if (single.empty())
    return hex(flags);
  std::string out;
  uint64_t left = flags;
  auto append = [&](const std::string &name, uint64_t mask) {
    out += (out.empty() ? "" : "|") + name;
    left &= ~mask;
  };
  for (const GfpFlag &c : combined_masks(single))
    if (c.mask != 0 && (left & c.mask) == c.mask)
      append(c.name, c.mask);
  for (const GfpFlag &f : single)
    if (left & f.mask)
      append(f.name, f.mask);
  if (left)
    append(hex(left), left);
  return out;
}

const std::vector<GfpFlag> &kernel_gfp_flags() {
  static const std::vector<GfpFlag> flags = [] {
    std::vector<std::pair<std::string, int>> bits;
    struct btf *btf = btf__load_vmlinux_btf();
    if (!btf)
      return std::vector<GfpFlag>{};
    const char *prefix = "___GFP_", *suffix = "_BIT";
    size_t plen = std::strlen(prefix), slen = std::strlen(suffix);
    for (__u32 id = 1, n = btf__type_cnt(btf); id < n; id++) {
      const btf_type *t = btf__type_by_id(btf, id);
      if (!btf_is_enum(t))
        continue;
      const struct btf_enum *e = btf_enum(t);
      for (int i = 0; i < btf_vlen(t); i++, e++) {
        std::string name = btf__name_by_offset(btf, e->name_off);
        if (name.size() > plen + slen && name.compare(0, plen, prefix) == 0 &&
            name.compare(name.size() - slen, slen, suffix) == 0)
          bits.emplace_back(name.substr(plen, name.size() - plen - slen), e->val);
      }
      if (!bits.empty())
        break; // all in one enum
    }
    btf__free(btf);
    return gfp_flags_from_bits(bits);
  }();
  return flags;
}

} // namespace bpfscope
