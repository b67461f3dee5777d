// Which kernel functions can be probed: the names kprobe wildcards expand to, `-l 'kprobe:*'`
// lists and misspelt names are compared with.
//
// The kernel's own list is tracefs' available_filter_functions ("name" or "name [module]" per
// line). Some kernels make it unreadable (EPERM), so the text symbols of /proc/kallsyms stand in,
// without the compiler's local clones (`foo.isra.0`, `foo.cold`) and the patchable-entry padding
// (`__pfx_foo`, `__cfi_foo`), which nobody means to trace. Functions the kernel refuses to kprobe
// (debugfs kprobes/blacklist) are left out of wildcards.
#pragma once

#include <set>
#include <string>
#include <vector>

namespace bpfscope {

struct KernelFunction {
  std::string name;
  std::string module; // "" for vmlinux
  bool operator<(const KernelFunction &o) const {
    return name != o.name ? name < o.name : module < o.module;
  }
  bool operator==(const KernelFunction &o) const { return name == o.name && module == o.module; }
};

// Parsers, exposed for tests. Results are sorted and without duplicates.
std::vector<KernelFunction> parse_available_filter_functions(const std::string &text);
std::vector<KernelFunction> functions_from_kallsyms(const std::string &text);
// debugfs kprobes/blacklist: "0xffffffff81000000-0xffffffff81000010\tname" per line (addresses
// may read 0), possibly with a "[module]" column.
std::set<std::string> parse_kprobe_blacklist(const std::string &text);

// The running kernel's probe-able functions (cached); `source` tells where they came from
// ("available_filter_functions" or "kallsyms").
const std::vector<KernelFunction> &kernel_functions(std::string *source = nullptr);
// The running kernel's kprobe blacklist (cached; empty when unreadable).
const std::set<std::string> &kprobe_blacklist();

// Whether `name` (in `module`, "" for any) is one of kernel_functions().
bool is_kernel_function(const std::string &module, const std::string &name);

// Whether kallsyms has a text symbol `name` (in `module`, "" for any): kprobes can also probe
// functions ftrace cannot (notrace ones), so an exact name need not be in kernel_functions().
bool is_kernel_text_symbol(const std::string &module, const std::string &name);

} // namespace bpfscope
