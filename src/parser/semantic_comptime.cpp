#include "parser/semantic_comptime.h"

#include "parser/constant_fold.h"
#include "parser/semantic_predicates.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <optional>

namespace bpfscope {

using namespace ast;

namespace {

class CompileTimeChecker {
public:
  CompileTimeChecker(const std::vector<std::string> &params, Diagnostics &diags, bool typed)
      : params_(params), diags_(diags), typed_(typed) {}

  void block(const Block &b) {
    for (auto &s : b.stmts)
      stmt(*s);
  }

private:
  void stmt(const Stmt &s) {
    switch (s.kind) {
    case StmtKind::Expr: {
      auto &e = *static_cast<const ExprStmt &>(s).expr;
      if (e.kind == ExprKind::Call)
        call(static_cast<const Call &>(e));
      break;
    }
    case StmtKind::If: {
      auto &i = static_cast<const If &>(s);
      // A condition asking about types is answered by the analysis, which keeps only the
      // branch taken: what is inside waits for the typed pass.
      if (!typed_ && mentions_compile_time_query(*i.cond))
        break;
      if (typed_ && !inside_query_if_ && mentions_compile_time_query(*i.cond)) {
        inside_query_if_ = true;
        block(*i.then_block);
        if (i.else_block)
          block(*i.else_block);
        inside_query_if_ = false;
        break;
      }
      std::optional<int64_t> cond = constant(*i.cond);
      if (!cond || *cond)
        block(*i.then_block);
      if (i.else_block && (!cond || !*cond))
        block(*i.else_block);
      break;
    }
    case StmtKind::Block:
      block(static_cast<const Block &>(s));
      break;
    case StmtKind::While:
      block(*static_cast<const While &>(s).body);
      break;
    case StmtKind::Unroll:
      block(*static_cast<const Unroll &>(s).body);
      break;
    default:
      break;
    }
  }

  void call(const Call &c) {
    // The typed pass checks what the first one left: calls under an `if` on a type query, and
    // static_asserts of type queries.
    bool deferred = inside_query_if_ || (c.name == "static_assert" && !c.args.empty() &&
                                         mentions_compile_time_query(*c.args[0]));
    if (deferred != typed_)
      return;
    if (c.name == "fail") {
      if (c.args.empty() || c.args[0]->kind != ExprKind::String) {
        diags_.error(c.loc, "fail() requires a string literal as its first argument");
        return;
      }
      std::string text;
      if (format(c, text))
        diags_.error(c.loc, text);
      return;
    }
    if (c.name == "static_assert") {
      if (c.args.size() != 2) {
        diags_.error(c.loc, "static_assert() takes 2 arguments (" + std::to_string(c.args.size()) +
                                " provided)");
        return;
      }
      std::optional<int64_t> cond = constant(*c.args[0]);
      if (!cond) {
        diags_.error(c.args[0]->loc, "static_assert() expects a condition known at compile time");
        return;
      }
      if (c.args[1]->kind != ExprKind::String) {
        diags_.error(c.args[1]->loc, "static_assert() expects a string literal message");
        return;
      }
      if (!*cond)
        diags_.error(c.loc, static_cast<const StringLit &>(*c.args[1]).value);
    }
  }

  // fail()'s text: its format with the literal arguments substituted, one conversion at a time.
  bool format(const Call &c, std::string &out) {
    const std::string &fmt = static_cast<const StringLit &>(*c.args[0]).value;
    size_t next = 1;
    for (size_t i = 0; i < fmt.size(); i++) {
      if (fmt[i] != '%') {
        out += fmt[i];
        continue;
      }
      size_t start = i++;
      while (i < fmt.size() && std::string("-+ #0123456789.lhz").find(fmt[i]) != std::string::npos)
        i++;
      if (i >= fmt.size()) {
        diags_.error(c.loc, "fail(): incomplete conversion at the end of the format");
        return false;
      }
      if (fmt[i] == '%') {
        out += '%';
        continue;
      }
      if (next >= c.args.size()) {
        diags_.error(c.loc, "fail(): the format has more conversions than arguments");
        return false;
      }
      const Expr &arg = *c.args[next++];
      std::string spec = fmt.substr(start, i - start);
      char buf[512];
      if (fmt[i] == 's') {
        std::string s;
        if (arg.kind == ExprKind::String)
          s = static_cast<const StringLit &>(arg).value;
        else if (arg.kind == ExprKind::Positional && positional_text(arg, s)) {
        } else {
          diags_.error(arg.loc, "fail() arguments must be literals (known at compile time)");
          return false;
        }
        std::snprintf(buf, sizeof(buf), (spec + "s").c_str(), s.c_str());
      } else if (std::string("diuxXoc").find(fmt[i]) != std::string::npos) {
        std::optional<int64_t> v = constant(arg);
        if (!v) {
          diags_.error(arg.loc, "fail() arguments must be literals (known at compile time)");
          return false;
        }
        // Whatever length modifier was written, the value is printed as a 64-bit one.
        std::string flags;
        for (char ch : spec.substr(1))
          if (ch != 'l' && ch != 'h' && ch != 'z')
            flags += ch;
        std::snprintf(buf, sizeof(buf), ("%" + flags + "ll" + fmt[i]).c_str(),
                      static_cast<long long>(*v));
        if (fmt[i] == 'c')
          std::snprintf(buf, sizeof(buf), "%c", static_cast<char>(*v));
      } else {
        diags_.error(c.loc, std::string("fail(): unsupported conversion %") + fmt[i]);
        return false;
      }
      out += buf;
    }
    if (next < c.args.size()) {
      diags_.error(c.loc, "fail(): more arguments than conversions in the format");
      return false;
    }
    return true;
  }

  bool positional_text(const Expr &e, std::string &out) {
    auto &p = static_cast<const Positional &>(e);
    if (p.is_count) {
      out = std::to_string(params_.size());
      return true;
    }
    if (p.index < 1 || static_cast<size_t>(p.index) > params_.size())
      return false;
    out = params_[p.index - 1];
    return true;
  }

  // The value of an expression made of literals, positional parameters and compile-time
  // queries; nullopt otherwise.
  std::optional<int64_t> constant(const Expr &e) {
    return fold_constant(e, [this](const Expr &leaf) -> std::optional<int64_t> {
      if (leaf.kind == ExprKind::Call)
        return compile_time_value(leaf);
      if (leaf.kind != ExprKind::Positional)
        return std::nullopt;
      std::string s;
      if (!positional_text(leaf, s))
        return static_cast<const Positional &>(leaf).is_count ? std::nullopt
                                                              : std::optional<int64_t>(0);
      char *end = nullptr;
      errno = 0;
      long long v = std::strtoll(s.c_str(), &end, 0);
      if (s.empty() || errno || *end)
        return std::nullopt;
      return v;
    });
  }

  const std::vector<std::string> &params_;
  Diagnostics &diags_;
  bool typed_;                   // the pass after the analysis (see the header)
  bool inside_query_if_ = false; // under an `if` whose condition asks a type query
};

} // namespace

bool check_compile_time_failures(const Program &program,
                                 const std::vector<std::string> &positional_params,
                                 Diagnostics &diags, bool typed) {
  CompileTimeChecker checker(positional_params, diags, typed);
  for (auto &p : program.probes)
    checker.block(*p->body);
  return !diags.has_errors();
}

} // namespace bpfscope
