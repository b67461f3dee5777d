// printf's %gr: GFP (get free pages) flags as names, `GFP_KERNEL|__GFP_ZERO`, as bpftrace v0.26
// prints them. The bit of each __GFP_ flag changes between kernels (Linux 6.3 dropped
// __GFP_ATOMIC, moving the bits above it), so the bits are not a fixed table here: they come
// from the running kernel's BTF, whose `___GFP_<NAME>_BIT` enumerators (Linux 6.8 and later)
// give each flag's bit. The combined names (GFP_KERNEL, ...) are built from those flags as
// include/linux/gfp_types.h defines them.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace bpfscope {

struct GfpFlag {
  std::string name; // "__GFP_IO"
  uint64_t mask = 0;
};

// The single flags from (NAME, bit) pairs as the kernel's enumerators give them ("IO", 6 for
// ___GFP_IO_BIT), in bit order.
std::vector<GfpFlag> gfp_flags_from_bits(const std::vector<std::pair<std::string, int>> &bits);

// `flags` as names: the combined names that fit first (largest first, as v0.26 orders them),
// then the single flags left, then any bits no flag names as hex; "0" for none. With no flags
// known (`single` empty), the value in hex.
std::string format_gfp_flags(uint64_t flags, const std::vector<GfpFlag> &single);

// The running kernel's single flags, read from its BTF once; empty when it has none.
const std::vector<GfpFlag> &kernel_gfp_flags();

} // namespace bpfscope
