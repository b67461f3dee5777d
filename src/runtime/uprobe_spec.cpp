#include "runtime/uprobe_spec.h"

#include "runtime/tracepoint_format.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>

namespace bpfscope {

namespace {

bool parse_number(const std::string &s, uint64_t &out) {
  if (s.empty())
    return false;
  bool hex = s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
  std::string digits = hex ? s.substr(2) : s;
  if (digits.empty() ||
      digits.find_first_not_of(hex ? "0123456789abcdefABCDEF" : "0123456789") != std::string::npos)
    return false;
  errno = 0;
  out = std::strtoull(digits.c_str(), nullptr, hex ? 16 : 10);
  return errno == 0;
}

bool names_match_exactly(const ElfFunction &f, const std::string &name) {
  return f.name == name || f.demangled == name ||
         (f.demangled != f.name && strip_parameters(f.demangled) == name);
}

bool names_match_glob(const ElfFunction &f, const std::string &pattern) {
  return glob_match(pattern, f.name) || glob_match(pattern, f.demangled);
}

} // namespace

bool parse_uprobe_function_spec(const std::string &text, UprobeFunctionSpec &out,
                                std::string *error) {
  out = UprobeFunctionSpec{};
  if (text.empty()) {
    if (error)
      *error = "missing function name";
    return false;
  }
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    if (!parse_number(text, out.address)) {
      if (error)
        *error = "invalid address '" + text + "'";
      return false;
    }
    out.kind = UprobeFunctionSpec::Kind::Address;
    return true;
  }
  // NAME+OFFSET, but only when what follows the last '+' is a number: C++ names such as
  // "operator+(...)" contain '+' too.
  size_t plus = text.rfind('+');
  uint64_t offset;
  if (plus != std::string::npos && plus > 0 && parse_number(text.substr(plus + 1), offset)) {
    out.kind = UprobeFunctionSpec::Kind::NameOffset;
    out.name = text.substr(0, plus);
    out.offset = offset;
    return true;
  }
  out.kind = UprobeFunctionSpec::Kind::Name;
  out.name = text;
  return true;
}

std::string strip_parameters(const std::string &demangled) {
  // The parameter list is the parenthesised group that ends the name, before qualifiers such as
  // " const" or " &&"; "(anonymous namespace)" earlier in the name is not one.
  size_t close = demangled.rfind(')');
  if (close == std::string::npos)
    return demangled;
  int depth = 0;
  for (size_t i = close + 1; i-- > 0;) {
    if (demangled[i] == ')')
      depth++;
    else if (demangled[i] == '(' && --depth == 0)
      return i == 0 ? demangled : demangled.substr(0, i);
  }
  return demangled;
}

std::vector<const ElfFunction *> match_functions(const ElfSymbols &symbols,
                                                 const std::string &pattern) {
  std::vector<const ElfFunction *> matches;
  for (auto &f : symbols.functions)
    if (names_match_exactly(f, pattern))
      matches.push_back(&f);
  if (matches.empty() && has_glob_chars(pattern))
    for (auto &f : symbols.functions)
      if (names_match_glob(f, pattern))
        matches.push_back(&f);
  // Aliases (getpid and __getpid) share an address: probing both would count every call twice.
  // Keep the public-looking one: fewest leading underscores, then the shortest name.
  auto underscores = [](const std::string &s) { return s.find_first_not_of('_'); };
  std::sort(matches.begin(), matches.end(), [&](const ElfFunction *a, const ElfFunction *b) {
    if (a->address != b->address)
      return a->address < b->address;
    const std::string &na = display_name(*a), &nb = display_name(*b);
    if (underscores(na) != underscores(nb))
      return underscores(na) < underscores(nb);
    return na.size() != nb.size() ? na.size() < nb.size() : na < nb;
  });
  std::vector<const ElfFunction *> unique;
  for (auto *f : matches)
    if (unique.empty() || unique.back()->address != f->address)
      unique.push_back(f);
  std::sort(unique.begin(), unique.end(), [](const ElfFunction *a, const ElfFunction *b) {
    return display_name(*a) != display_name(*b) ? display_name(*a) < display_name(*b)
                                                : a->address < b->address;
  });
  return unique;
}

} // namespace bpfscope
