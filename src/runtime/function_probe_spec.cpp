#include "runtime/function_probe_spec.h"

#include <cerrno>
#include <cstdlib>

namespace bpfscope {

bool FunctionProbeSpec::is_glob() const {
  return function.find_first_of("*?[") != std::string::npos ||
         module.find_first_of("*?[") != std::string::npos;
}

bool parse_function_probe(const std::vector<std::string> &parts, bool allow_offset,
                          FunctionProbeSpec &spec, std::string *error) {
  const std::string &provider = parts.empty() ? std::string() : parts[0];
  auto fail = [&](const std::string &msg) {
    if (error)
      *error = msg;
    return false;
  };
  if (parts.size() == 2) {
    spec.function = parts[1];
  } else if (parts.size() == 3) {
    spec.module = parts[1];
    spec.function = parts[2];
    if (spec.module.empty())
      return fail(provider + " probe has an empty module name: " + provider + ":MODULE:FUNCTION");
  } else {
    return fail(provider + " probe must be " + provider + ":FUNCTION or " + provider +
                ":MODULE:FUNCTION");
  }
  size_t plus = spec.function.find('+');
  if (plus != std::string::npos) {
    std::string text = spec.function.substr(plus + 1);
    spec.function.resize(plus);
    if (!allow_offset)
      return fail(provider + " probes do not take an offset (" + spec.function + "+" + text + ")");
    char *end = nullptr;
    errno = 0;
    unsigned long long v = std::strtoull(text.c_str(), &end, 0);
    if (text.empty() || errno || *end || text[0] == '-')
      return fail(provider + ":" + spec.function + "+" + text + ": invalid offset '" + text + "'");
    spec.offset = v;
    spec.has_offset = true;
  }
  if (spec.function.empty())
    return fail(provider + " probe needs a function name: " + provider + ":FUNCTION");
  if (spec.has_offset && spec.is_glob())
    return fail(provider + ":" + spec.function + ": an offset cannot be used with a wildcard");
  return true;
}

std::string function_probe_name(const std::string &provider, const std::string &module,
                                const std::string &function, uint64_t offset) {
  std::string name = provider + ":";
  if (!module.empty() && module != "vmlinux")
    name += module + ":";
  name += function;
  if (offset) {
    // Appended in two steps: GCC 12 at -O3 misreports `"+" + std::string&&` (-Wrestrict).
    name += '+';
    name += std::to_string(offset);
  }
  return name;
}

std::string syscall_name_of_function(const std::string &function) {
  // Longest prefixes first: "__x64_sys_" must not be taken for "sys_".
  static const char *const prefixes[] = {"__x64_sys_",
                                         "__ia32_sys_",
                                         "__ia32_compat_sys_",
                                         "__x64_compat_sys_",
                                         "__se_sys_",
                                         "__do_sys_",
                                         "__sys_",
                                         "ksys_",
                                         "do_sys_",
                                         "sys_"};
  for (const char *p : prefixes) {
    std::string prefix = p;
    if (function.size() > prefix.size() && function.rfind(prefix, 0) == 0)
      return function.substr(prefix.size());
  }
  return "";
}

} // namespace bpfscope
