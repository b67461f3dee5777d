#include "runtime/kernel_functions.h"

#include "runtime/kernel_symbols.h"
#include "runtime/tracefs.h"

#include <algorithm>
#include <sstream>

namespace bpfscope {

namespace {

void sort_unique(std::vector<KernelFunction> &v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

bool is_noise_symbol(const std::string &name) {
  return name.find('.') != std::string::npos || name.rfind("__pfx_", 0) == 0 ||
         name.rfind("__cfi_", 0) == 0;
}

} // namespace

std::vector<KernelFunction> parse_available_filter_functions(const std::string &text) {
  std::vector<KernelFunction> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    KernelFunction f;
    std::string module;
    if (!(fields >> f.name))
      continue;
    if (fields >> module && module.size() > 2 && module.front() == '[' && module.back() == ']')
      f.module = module.substr(1, module.size() - 2);
    out.push_back(std::move(f));
  }
  sort_unique(out);
  return out;
}

std::vector<KernelFunction> functions_from_kallsyms(const std::string &text) {
  std::vector<KernelFunction> out;
  KernelSymbols symbols = KernelSymbols::parse(text);
  for (const KernelSymbol &s : symbols.symbols())
    if (s.is_text() && !is_noise_symbol(s.name))
      out.push_back({s.name, s.module});
  sort_unique(out);
  return out;
}

std::set<std::string> parse_kprobe_blacklist(const std::string &text) {
  std::set<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string range, name;
    if (fields >> range >> name)
      out.insert(name);
  }
  return out;
}

const std::vector<KernelFunction> &kernel_functions(std::string *source) {
  static std::string where;
  static const std::vector<KernelFunction> functions = [] {
    std::string text, error;
    std::string root = tracefs_root(&error);
    if (!root.empty() && read_text_file(root + "/available_filter_functions", &text, &error)) {
      where = "available_filter_functions";
      return parse_available_filter_functions(text);
    }
    where = "kallsyms";
    text.clear();
    read_text_file("/proc/kallsyms", &text, &error);
    return functions_from_kallsyms(text);
  }();
  if (source)
    *source = where;
  return functions;
}

const std::set<std::string> &kprobe_blacklist() {
  static const std::set<std::string> names = [] {
    std::string text, error;
    if (!read_text_file("/sys/kernel/debug/kprobes/blacklist", &text, &error))
      return std::set<std::string>{};
    return parse_kprobe_blacklist(text);
  }();
  return names;
}

bool is_kernel_function(const std::string &module, const std::string &name) {
  const auto &all = kernel_functions();
  auto it = std::lower_bound(all.begin(), all.end(), KernelFunction{name, ""});
  for (; it != all.end() && it->name == name; ++it)
    if (module.empty() || it->module == module)
      return true;
  return false;
}

bool is_kernel_text_symbol(const std::string &module, const std::string &name) {
  for (const KernelSymbol &s : KernelSymbols::running().symbols())
    if (s.is_text() && s.name == name && (module.empty() || s.module == module))
      return true;
  return false;
}

} // namespace bpfscope
