// debugf(fmt, ...): bpf_trace_printk. The kernel formats the text, so the format is held to what
// the helper accepts (bpf-helpers(7)): at most three arguments, and the conversions %d %u %x %p
// on integers and %s on strings, as bpftrace v0.26 allows them.
#include "parser/semantic_stdlib.h"

#include <cctype>

namespace bpfscope {

using namespace ast;

namespace {

struct DebugfConversion {
  char conversion = 0; // 0 when the format ends inside the sequence
};

// The conversions of `fmt` in order, "%%" left out. Flags, width, precision and the length
// modifiers l, ll, h and hh are skipped: the kernel's formatter takes them.
std::vector<DebugfConversion> debugf_conversions(const std::string &fmt) {
  std::vector<DebugfConversion> out;
  for (size_t i = 0; i < fmt.size(); i++) {
    if (fmt[i] != '%')
      continue;
    size_t j = i + 1;
    if (j < fmt.size() && fmt[j] == '%') {
      i = j;
      continue;
    }
    while (j < fmt.size() && std::string("-+ #0").find(fmt[j]) != std::string::npos)
      j++;
    while (j < fmt.size() && (std::isdigit(static_cast<unsigned char>(fmt[j])) || fmt[j] == '.'))
      j++;
    while (j < fmt.size() && (fmt[j] == 'l' || fmt[j] == 'h'))
      j++;
    out.push_back({j < fmt.size() ? fmt[j] : '\0'});
    i = j;
  }
  return out;
}

} // namespace

Type check_debugf(Call &c, StdlibAnalyser &a) {
  if (c.args.empty() || c.args[0]->kind != ExprKind::String) {
    a.error(c.loc, "debugf() requires a string literal as its first argument");
    return Type::none();
  }
  std::vector<Type> arg_types;
  for (size_t i = 1; i < c.args.size(); i++) {
    Type t = a.expr(*c.args[i]);
    if (t.is_none())
      return t;
    arg_types.push_back(t);
  }
  if (!a.reporting())
    return Type::none();
  a.diagnostics().warning(c.loc, "The debugf() builtin is not recommended for production use. "
                                 "For more information see bpf_trace_printk in bpf-helpers(7).");
  // bpf_trace_printk takes the format, its size and three values.
  constexpr size_t kMaxArgs = 3;
  if (arg_types.size() > kMaxArgs) {
    a.error(c.loc, "cannot use more than " + std::to_string(kMaxArgs) + " conversion specifiers");
    return Type::none();
  }
  const std::string &fmt = static_cast<const StringLit &>(*c.args[0]).value;
  std::vector<DebugfConversion> convs = debugf_conversions(fmt);
  if (convs.size() != arg_types.size()) {
    a.error(c.loc, "debugf() format has " + std::to_string(convs.size()) +
                       " conversion specifiers but " + std::to_string(arg_types.size()) +
                       " arguments are given");
    return Type::none();
  }
  for (size_t i = 0; i < convs.size(); i++) {
    char conv = convs[i].conversion;
    bool integer_conv = conv == 'd' || conv == 'u' || conv == 'x' || conv == 'p';
    if (!integer_conv && conv != 's') {
      a.error(c.args[0]->loc,
              std::string("Invalid format specifier for `debugf`: ") +
                  (conv ? std::string(1, conv) : std::string("%")),
              "debugf() takes %d, %u, %x and %p for integers and %s for strings");
      return Type::none();
    }
    const Type &t = arg_types[i];
    bool ok = integer_conv ? t.is_integer() : t.is_string();
    if (!ok) {
      a.error(c.args[i + 1]->loc, std::string("Type does not match format specifier: ") + conv +
                                      " (" + t.name() + " provided)");
      return Type::none();
    }
  }
  a.info().uses_debugf = true;
  return Type::none();
}

} // namespace bpfscope
