#include "parser/named_params.h"

#include "parser/ast_clone.h"

#include <cctype>
#include <set>

namespace bpfscope {

namespace {

using namespace ast;

bool valid_name(const std::string &s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_'))
    return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-')
      return false;
  return true;
}

// A signed decimal (or 0x hex) integer; false when `text` is not one or is out of range.
bool parse_int(const std::string &text, bool &negative, uint64_t &magnitude) {
  size_t i = 0;
  negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+'))
    negative = text[i++] == '-';
  if (i >= text.size())
    return false;
  unsigned base = 10;
  if (text.compare(i, 2, "0x") == 0 || text.compare(i, 2, "0X") == 0) {
    base = 16;
    i += 2;
    if (i >= text.size())
      return false;
  }
  magnitude = 0;
  for (; i < text.size(); i++) {
    char c = static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
    unsigned d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : 99;
    if (d >= base || __builtin_mul_overflow(magnitude, base, &magnitude) ||
        __builtin_add_overflow(magnitude, d, &magnitude))
      return false;
  }
  return magnitude <= (negative ? (1ull << 63) : static_cast<uint64_t>(INT64_MAX));
}

ExprPtr integer(uint64_t magnitude, bool negative, const SourceRange &loc) {
  auto lit = std::make_unique<IntegerLit>();
  lit->loc = loc;
  lit->value = magnitude;
  if (!negative)
    return lit;
  auto neg = std::make_unique<Unary>();
  neg->loc = loc;
  neg->op = UnaryOp::Neg;
  neg->operand = std::move(lit);
  return neg;
}

ExprPtr boolean(bool value, const SourceRange &loc) {
  auto b = std::make_unique<Builtin>();
  b->loc = loc;
  b->name = value ? "true" : "false";
  return b;
}

ExprPtr string(const std::string &value, const SourceRange &loc) {
  auto s = std::make_unique<StringLit>();
  s->loc = loc;
  s->value = value;
  return s;
}

enum class OptType { Integer, String, Bool };

} // namespace

bool split_program_args(const std::vector<std::string> &args, std::vector<std::string> &positional,
                        NamedArgs &named, std::string &error) {
  bool after_dashes = false;
  for (const auto &a : args) {
    if (!after_dashes && a == "--") {
      after_dashes = true;
      continue;
    }
    if (!after_dashes || a.size() < 2 || a.compare(0, 2, "--") != 0) {
      positional.push_back(a);
      continue;
    }
    std::string body = a.substr(2);
    size_t eq = body.find('=');
    std::string name = body.substr(0, eq);
    if (!valid_name(name)) {
      error = "invalid program option '" + a + "': expected --NAME=VALUE or --NAME";
      return false;
    }
    if (named.values.count(name)) {
      error = "program option --" + name + " is given twice";
      return false;
    }
    named.values[name] =
        eq == std::string::npos ? std::nullopt : std::optional<std::string>(body.substr(eq + 1));
  }
  return true;
}

bool substitute_getopt(Program &program, const NamedArgs &named, Diagnostics &diags) {
  bool ok = true;
  std::set<std::string> asked;
  std::map<std::string, std::pair<OptType, std::string>> defaults; // type, default as shown
  auto fail = [&](const SourceRange &at, std::string msg, std::string hint = "") {
    diags.error(at, std::move(msg), std::move(hint));
    ok = false;
  };
  auto replace = [&](ExprPtr &e) -> bool {
    if (e->kind != ExprKind::Call || static_cast<Call &>(*e).name != "getopt")
      return false;
    auto &call = static_cast<Call &>(*e);
    if (call.args.empty() || call.args.size() > 2) {
      fail(call.loc, "getopt() takes 1 or 2 arguments: getopt(\"name\", default)");
      return true;
    }
    if (call.args[0]->kind != ExprKind::String) {
      fail(call.args[0]->loc, "First argument to 'getopt' must be a string literal.");
      return true;
    }
    std::string name = static_cast<StringLit &>(*call.args[0]).value;
    if (!valid_name(name)) {
      fail(call.args[0]->loc, "getopt(): invalid option name '" + name + "'");
      return true;
    }
    // The default decides the type.
    OptType type = OptType::Bool;
    bool def_bool = false, def_neg = false;
    uint64_t def_int = 0;
    std::string def_str;
    if (call.args.size() == 2) {
      Expr *d = call.args[1].get();
      if (d->kind == ExprKind::Unary && static_cast<Unary *>(d)->op == UnaryOp::Neg &&
          static_cast<Unary *>(d)->operand->kind == ExprKind::Integer) {
        type = OptType::Integer;
        def_neg = true;
        def_int = static_cast<IntegerLit &>(*static_cast<Unary *>(d)->operand).value;
      } else if (d->kind == ExprKind::Integer) {
        type = OptType::Integer;
        def_int = static_cast<IntegerLit *>(d)->value;
      } else if (d->kind == ExprKind::String) {
        type = OptType::String;
        def_str = static_cast<StringLit *>(d)->value;
      } else if (d->kind == ExprKind::Builtin && (static_cast<Builtin *>(d)->name == "true" ||
                                                  static_cast<Builtin *>(d)->name == "false")) {
        def_bool = static_cast<Builtin *>(d)->name == "true";
      } else {
        fail(d->loc, "Second argument to 'getopt' must be a string literal, integer literal, or a "
                     "boolean literal.");
        return true;
      }
    }
    std::string shown = type == OptType::Integer  ? (def_neg ? "-" : "") + std::to_string(def_int)
                        : type == OptType::String ? def_str
                                                  : (def_bool ? "true" : "false");
    auto seen = defaults.find(name);
    if (seen != defaults.end() && (seen->second.first != type || seen->second.second != shown)) {
      fail(call.loc, "Command line option '" + name +
                         "' needs to have the same default value in all places it is used. "
                         "Previous default value: " +
                         seen->second.second);
      return true;
    }
    defaults[name] = {type, shown};
    asked.insert(name);
    SourceRange loc = call.loc;
    auto given = named.values.find(name);
    if (given == named.values.end()) {
      e = type == OptType::Integer  ? integer(def_int, def_neg, loc)
          : type == OptType::String ? string(def_str, loc)
                                    : boolean(def_bool, loc);
      return true;
    }
    const std::optional<std::string> &value = given->second;
    switch (type) {
    case OptType::Bool:
      if (!value || *value == "true" || *value == "1")
        e = boolean(true, loc);
      else if (*value == "false" || *value == "0")
        e = boolean(false, loc);
      else
        fail(loc, "Command line option '" + name +
                      "' is expecting a boolean (e.g. 1, 'true'). Got: " + *value);
      break;
    case OptType::Integer: {
      bool neg = false;
      uint64_t mag = 0;
      if (!value)
        fail(loc, "Command line option '" + name + "' is expecting an integer. Got no value",
             "give it as --" + name + "=NUMBER");
      else if (!parse_int(*value, neg, mag))
        fail(loc, "Command line option '" + name + "' is expecting an integer. Got: " + *value);
      else
        e = integer(mag, neg, loc);
      break;
    }
    case OptType::String:
      if (!value)
        fail(loc, "Command line option '" + name + "' is expecting a string. Got no value",
             "give it as --" + name + "=STRING");
      else
        e = string(*value, loc);
      break;
    }
    return true;
  };
  for (auto &probe : program.probes)
    for_each_expr_slot(*probe, replace);
  std::string unused;
  for (const auto &[name, value] : named.values)
    if (!asked.count(name))
      unused += (unused.empty() ? "" : ", ") + name;
  if (!unused.empty())
    fail(SourceRange{}, "Unexpected command line options: " + unused);
  return ok;
}

} // namespace bpfscope
