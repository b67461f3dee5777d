#include "parser/preprocess.h"

#include "parser/preamble.h"
#include "parser/preprocess_expr.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace bpfscope {

namespace {

bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// The most text substitution may produce: definitions that use others twice would otherwise
// grow exponentially.
constexpr size_t kMaxExpansion = 1u << 20;

struct Definition {
  bool function_like = false; // `#define NAME(a, b) ...`
  std::vector<std::string> params;
  std::string body;
};
using Definitions = std::map<std::string, Definition>;

// The end of the string literal starting at `i` (just past its closing quote).
size_t string_end(const std::string &text, size_t i) {
  size_t j = i + 1;
  while (j < text.size() && text[j] != '"' && text[j] != '\n')
    j += text[j] == '\\' ? 2 : 1;
  return std::min(j + 1, text.size());
}

// Replaces defined names in text outside strings and comments, as cpp does: a function-like name
// only when `(` follows, its arguments substituted first and then put in place of the parameters;
// a name is not replaced again inside its own replacement (`active_`). Errors (a wrong number of
// arguments, an unterminated call) are reported once, at the offset in the top-level text where
// the outermost name being replaced starts.
class Substituter {
public:
  explicit Substituter(const Definitions &defs) : defs_(defs) {}

  std::string run(const std::string &text) { return substitute(text, 0); }

  bool too_big = false;
  std::string error;
  size_t error_offset = 0;
  // The top-level substitutions: [text begin, text end) became [out begin, out end).
  struct Span {
    size_t text_begin, text_end, out_begin, out_end;
  };
  std::vector<Span> spans;

private:
  std::string substitute(const std::string &text, size_t outer) {
    if (defs_.empty() || too_big)
      return text;
    std::string out;
    size_t i = 0;
    bool top = active_.empty();
    while (i < text.size()) {
      char c = text[i];
      if (c == '"') {
        size_t j = string_end(text, i);
        out.append(text, i, j - i);
        i = j;
      } else if (text.compare(i, 2, "//") == 0) {
        size_t j = text.find('\n', i);
        j = j == std::string::npos ? text.size() : j;
        out.append(text, i, j - i);
        i = j;
      } else if (text.compare(i, 2, "/*") == 0) {
        size_t j = text.find("*/", i + 2);
        j = j == std::string::npos ? text.size() : j + 2;
        out.append(text, i, j - i);
        i = j;
      } else if (ident_start(c) && (i == 0 || !ident_char(text[i - 1]))) {
        size_t j = i;
        while (j < text.size() && ident_char(text[j]))
          j++;
        std::string word = text.substr(i, j - i);
        auto it = defs_.find(word);
        // `$NAME` and `@NAME` are variables and maps, not the definition.
        bool sigil = i > 0 && (text[i - 1] == '$' || text[i - 1] == '@');
        bool expanding = std::find(active_.begin(), active_.end(), word) != active_.end();
        size_t at = top ? i : outer;
        size_t out_begin = out.size();
        if (it == defs_.end() || sigil || expanding) {
          out += word;
        } else if (!it->second.function_like) {
          active_.push_back(word);
          out += substitute(it->second.body, at);
          active_.pop_back();
          if (top)
            spans.push_back({i, j, out_begin, out.size()});
        } else {
          size_t k = j;
          while (k < text.size() && std::isspace(static_cast<unsigned char>(text[k])))
            k++;
          if (k >= text.size() || text[k] != '(') {
            out += word; // a function-like name without arguments is left alone, as in C
          } else {
            std::vector<std::string> args;
            size_t close = arguments(text, k, args);
            if (close == std::string::npos) {
              fail(at, "unterminated argument list invoking macro \"" + word + "\"");
              return out;
            }
            const Definition &d = it->second;
            if (args.size() == 1 && d.params.empty() &&
                args[0].find_first_not_of(" \t\n") == std::string::npos)
              args.clear();
            if (args.size() != d.params.size()) {
              fail(at, "macro \"" + word + "\" requires " + std::to_string(d.params.size()) +
                           (d.params.size() == 1 ? " argument" : " arguments") + ", but " +
                           std::to_string(args.size()) + " given");
              return out;
            }
            for (auto &a : args)
              a = substitute(a, at);
            std::string body = replace_params(d, args);
            active_.push_back(word);
            out += substitute(body, at);
            active_.pop_back();
            if (top)
              spans.push_back({i, close, out_begin, out.size()});
            // Keep the line count when the call spans lines.
            for (size_t n = j; n < close; n++)
              if (text[n] == '\n')
                out += '\n';
            j = close;
          }
        }
        if (out.size() > kMaxExpansion) {
          too_big = true;
          return out;
        }
        i = j;
      } else {
        out += c;
        i++;
      }
    }
    return out;
  }

  // The arguments of a call whose `(` is at `open`, split at top-level commas; returns the offset
  // just past the `)`, or npos when there is none.
  static size_t arguments(const std::string &text, size_t open, std::vector<std::string> &args) {
    int depth = 0;
    std::string cur;
    for (size_t i = open; i < text.size();) {
      char c = text[i];
      if (c == '"') {
        size_t j = string_end(text, i);
        cur.append(text, i, j - i);
        i = j;
        continue;
      }
      if (c == '(') {
        if (depth++ > 0)
          cur += c;
      } else if (c == ')') {
        if (--depth == 0) {
          args.push_back(cur);
          return i + 1;
        }
        cur += c;
      } else if (c == ',' && depth == 1) {
        args.push_back(cur);
        cur.clear();
      } else {
        cur += c;
      }
      i++;
    }
    return std::string::npos;
  }

  // The body with each parameter name (outside strings) replaced by its argument, parenthesised
  // as written in the body.
  static std::string replace_params(const Definition &d, const std::vector<std::string> &args) {
    std::string out;
    const std::string &b = d.body;
    for (size_t i = 0; i < b.size();) {
      if (b[i] == '"') {
        size_t j = string_end(b, i);
        out.append(b, i, j - i);
        i = j;
      } else if (ident_start(b[i]) && (i == 0 || !ident_char(b[i - 1]))) {
        size_t j = i;
        while (j < b.size() && ident_char(b[j]))
          j++;
        std::string word = b.substr(i, j - i);
        auto p = std::find(d.params.begin(), d.params.end(), word);
        bool sigil = i > 0 && (b[i - 1] == '$' || b[i - 1] == '@');
        if (p != d.params.end() && !sigil) {
          std::string a = args[static_cast<size_t>(p - d.params.begin())];
          size_t f = a.find_first_not_of(" \t\n");
          size_t l = a.find_last_not_of(" \t\n");
          out += f == std::string::npos ? "" : a.substr(f, l - f + 1);
        } else {
          out += word;
        }
        i = j;
      } else {
        out += b[i++];
      }
    }
    return out;
  }

  void fail(size_t at, const std::string &msg) {
    if (error.empty()) {
      error = msg;
      error_offset = at;
    }
  }

  const Definitions &defs_;
  std::vector<std::string> active_;
};

// `defined NAME` and `defined(NAME)` in an #if expression, replaced by 1 or 0 (before macros are
// substituted, as in C). False on a malformed one.
bool replace_defined(std::string &expr, const Definitions &defs) {
  std::string out;
  for (size_t i = 0; i < expr.size();) {
    if (expr.compare(i, 7, "defined") == 0 && (i == 0 || !ident_char(expr[i - 1])) &&
        (i + 7 >= expr.size() || !ident_char(expr[i + 7]))) {
      size_t j = i + 7;
      while (j < expr.size() && std::isspace(static_cast<unsigned char>(expr[j])))
        j++;
      bool paren = j < expr.size() && expr[j] == '(';
      if (paren)
        j++;
      while (j < expr.size() && std::isspace(static_cast<unsigned char>(expr[j])))
        j++;
      size_t ns = j;
      while (j < expr.size() && ident_char(expr[j]))
        j++;
      if (ns == j)
        return false;
      std::string name = expr.substr(ns, j - ns);
      if (paren) {
        while (j < expr.size() && std::isspace(static_cast<unsigned char>(expr[j])))
          j++;
        if (j >= expr.size() || expr[j] != ')')
          return false;
        j++;
      }
      out += defs.count(name) ? " 1 " : " 0 ";
      i = j;
    } else {
      out += expr[i++];
    }
  }
  expr = out;
  return true;
}

} // namespace

void Preprocessed::map_to_source(SourceRange &r) const {
  auto map = [this](int line, int col, bool end) {
    int delta = 0;
    for (const auto &c : shifts) {
      if (c.line != line || c.out_col > col)
        continue;
      if (col < c.out_col + c.out_len || (end && col == c.out_col + c.out_len))
        return end ? c.src_col + c.src_len : c.src_col;
      delta += c.out_len - c.src_len;
    }
    return col - delta;
  };
  if (shifts.empty() || !r.valid())
    return;
  r.begin_col = map(r.begin_line, r.begin_col, false);
  r.end_col = map(r.end_line, r.end_col, true);
}

bool preprocess(const std::string &source, Preprocessed &out, Diagnostics &diags) {
  out = Preprocessed{};
  LineIndex lines(source);
  Definitions defs;
  std::string pending;      // text since the last directive, substituted when the next one comes
  size_t pending_start = 0; // its offset in `source` (for the locations of substitution errors)
  bool ok = true, too_big = false;
  size_t pos = 0;
  bool in_comment = false; // inside a /* */ that spans lines: a '#' there is no directive

  // #if/#ifdef/#ifndef ... #endif: the open conditionals, innermost last.
  struct Conditional {
    bool outer_active; // the text around the conditional is kept
    bool active;       // the current branch is kept
    bool taken;        // some branch so far was kept
    bool seen_else;
    SourceRange at; // the #if line
  };
  std::vector<Conditional> conds;
  auto active = [&conds] { return conds.empty() || conds.back().active; };

  // Substitutes `text` (at `offset` in the source), reporting a bad macro call where it starts.
  auto flush = [&](const std::string &text, size_t offset) {
    Substituter sub(defs);
    size_t base = out.text.size();
    out.text += sub.run(text);
    for (const auto &sp : sub.spans) {
      // Only substitutions within one line of both texts: their columns are what moves.
      if (text.find('\n', sp.text_begin) < sp.text_end ||
          out.text.find('\n', base + sp.out_begin) < base + sp.out_end)
        continue;
      SourceRange src = lines.range(offset + sp.text_begin, offset + sp.text_end);
      size_t line_start = out.text.rfind('\n', base + sp.out_begin);
      line_start = line_start == std::string::npos ? 0 : line_start + 1;
      ColumnShift c;
      c.line = src.begin_line;
      c.src_col = src.begin_col;
      c.src_len = static_cast<int>(sp.text_end - sp.text_begin);
      c.out_col = static_cast<int>(base + sp.out_begin - line_start) + 1;
      c.out_len = static_cast<int>(sp.out_end - sp.out_begin);
      out.shifts.push_back(c);
    }
    if (sub.too_big)
      too_big = true;
    if (!sub.error.empty()) {
      size_t b = offset + sub.error_offset;
      size_t e = b;
      while (e < source.size() && ident_char(source[e]))
        e++;
      diags.error(lines.range(b, std::max(e, b + 1)), sub.error);
      ok = false;
    }
  };

  while (pos < source.size()) {
    size_t nl = source.find('\n', pos);
    size_t end = nl == std::string::npos ? source.size() : nl + 1;
    std::string line = source.substr(pos, end - pos);
    size_t first = line.find_first_not_of(" \t");
    bool directive = !in_comment && first != std::string::npos && line[first] == '#' &&
                     !(pos == 0 && line.compare(0, 2, "#!") == 0);
    if (!directive) {
      // Track block comments so that a `#` inside one is left alone.
      for (size_t i = 0; i + 1 < line.size(); i++) {
        if (!in_comment && line[i] == '"') { // a string: "/*" in it opens no comment
          for (i++; i < line.size() && line[i] != '"'; i++)
            if (line[i] == '\\')
              i++;
          continue;
        }
        if (!in_comment && line[i] == '/' && line[i + 1] == '*') {
          in_comment = true;
          i++;
        } else if (in_comment && line[i] == '*' && line[i + 1] == '/') {
          in_comment = false;
          i++;
        } else if (!in_comment && line[i] == '/' && line[i + 1] == '/') {
          break;
        }
      }
      // Text in a branch not taken is dropped; its lines stay, empty.
      pending += active() ? line : (nl == std::string::npos ? "" : "\n");
      pos = end;
      continue;
    }
    // Join continuation lines of the directive.
    std::string body = line;
    size_t dir_end = end;
    while (body.size() >= 2 && body[body.size() - 2] == '\\' && body.back() == '\n' &&
           dir_end < source.size()) {
      size_t next_nl = source.find('\n', dir_end);
      size_t next_end = next_nl == std::string::npos ? source.size() : next_nl + 1;
      body.resize(body.size() - 2);
      body += ' ';
      body.append(source, dir_end, next_end - dir_end);
      dir_end = next_end;
    }
    flush(pending, pending_start);
    pending.clear();
    size_t i = first + 1;
    while (i < body.size() && (body[i] == ' ' || body[i] == '\t'))
      i++;
    size_t ws = i;
    while (i < body.size() && ident_char(body[i]))
      i++;
    std::string name = body.substr(ws, i - ws);
    size_t line_len = body.find('\n');
    line_len = line_len == std::string::npos ? body.size() : line_len;
    SourceRange at = lines.range(pos + first, pos + std::min(line_len, line.size()));
    std::string rest = body.substr(i);
    while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.back())))
      rest.pop_back();
    auto word_after = [&body](size_t &k) {
      while (k < body.size() && (body[k] == ' ' || body[k] == '\t'))
        k++;
      size_t ns = k;
      while (k < body.size() && ident_char(body[k]))
        k++;
      return body.substr(ns, k - ns);
    };
    // An #if/#elif condition: true, false, or an error reported (false).
    auto condition = [&](const std::string &what) {
      std::string expr = rest;
      std::string error;
      int64_t v = 0;
      if (expr.find_first_not_of(" \t") == std::string::npos) {
        error = "missing expression";
      } else if (!replace_defined(expr, defs)) {
        error = "'defined' needs a name: defined(NAME)";
      } else {
        Substituter sub(defs);
        expr = sub.run(expr);
        if (!sub.error.empty())
          error = sub.error;
        else
          evaluate_condition(expr, v, error);
      }
      if (!error.empty()) {
        diags.error(at, "#" + what + ": invalid expression: " + error,
                    "#if takes an integer constant expression of literals, defined(NAME) and "
                    "#define names");
        ok = false;
        return false;
      }
      return v != 0;
    };

    if (name == "if" || name == "ifdef" || name == "ifndef") {
      bool outer = active();
      bool kept = false;
      if (outer) {
        if (name == "if") {
          kept = condition(name);
        } else {
          size_t k = i;
          std::string macro = word_after(k);
          if (macro.empty()) {
            diags.error(at, "#" + name + ": expected a name");
            ok = false;
          }
          kept = (defs.count(macro) > 0) == (name == "ifdef");
        }
      }
      conds.push_back({outer, outer && kept, kept, false, at});
    } else if (name == "elif" || name == "else") {
      if (conds.empty() || conds.back().seen_else) {
        diags.error(at, "#" + name + (conds.empty() ? " without #if" : " after #else"));
        ok = false;
      } else {
        Conditional &c = conds.back();
        bool kept = false;
        if (c.outer_active && !c.taken)
          kept = name == "else" || condition(name);
        c.active = c.outer_active && !c.taken && kept;
        c.taken = c.taken || kept;
        c.seen_else = name == "else";
      }
    } else if (name == "endif") {
      if (conds.empty()) {
        diags.error(at, "#endif without #if");
        ok = false;
      } else {
        conds.pop_back();
      }
    } else if (!active()) {
      // Other directives in a branch not taken are skipped, as in C.
    } else if (name == "define") {
      size_t k = i;
      std::string macro = word_after(k);
      if (macro.empty() || !ident_start(macro[0])) {
        diags.error(at, "#define: expected a name");
        ok = false;
      } else {
        Definition d;
        if (k < body.size() && body[k] == '(') { // no space before '(': function-like
          d.function_like = true;
          size_t close = body.find(')', k);
          std::string list = close == std::string::npos ? "" : body.substr(k + 1, close - k - 1);
          bool bad = close == std::string::npos;
          size_t p = 0;
          while (!bad && list.find_first_not_of(" \t") != std::string::npos) {
            size_t comma = list.find(',', p);
            std::string param =
                list.substr(p, comma == std::string::npos ? std::string::npos : comma - p);
            size_t f = param.find_first_not_of(" \t"), l = param.find_last_not_of(" \t");
            param = f == std::string::npos ? "" : param.substr(f, l - f + 1);
            bad = param.empty() || !ident_start(param[0]) ||
                  !std::all_of(param.begin(), param.end(), ident_char) ||
                  std::find(d.params.begin(), d.params.end(), param) != d.params.end();
            d.params.push_back(param);
            if (comma == std::string::npos)
              break;
            p = comma + 1;
          }
          if (bad) {
            diags.error(at, "#define " + macro + ": invalid parameter list",
                        "parameters are distinct names: #define " + macro + "(a, b) ...");
            ok = false;
            d.params.clear();
          }
          k = close == std::string::npos ? body.size() : close + 1;
        }
        std::string value = body.substr(k);
        while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back())))
          value.pop_back();
        size_t v = value.find_first_not_of(" \t");
        d.body = v == std::string::npos ? "" : value.substr(v);
        bool hash = false; // `#x` and `a ## b` outside the body's strings
        for (size_t q = 0; q < d.body.size() && d.function_like;)
          if (d.body[q] == '"')
            q = string_end(d.body, q);
          else if (d.body[q++] == '#')
            hash = true;
        if (hash) {
          diags.error(at, "#define " + macro + ": the # and ## operators are not supported");
          ok = false;
        }
        defs[macro] = std::move(d);
      }
    } else if (name == "include") {
      std::string what = body.substr(first, line_len - first);
      out.notes.push_back(what + ": ignored (kernel types come from BTF)");
    } else if (name == "undef") {
      size_t k = i;
      defs.erase(word_after(k));
    } else {
      diags.error(at, "#" + name + ": preprocessor directive not supported",
                  "bpfscope supports #define, #undef, #if/#ifdef/#ifndef/#elif/#else/#endif "
                  "and #include (ignored)");
      ok = false;
    }
    // Keep the line count: one newline per line of the directive.
    for (size_t k = pos; k < dir_end; k++)
      if (source[k] == '\n')
        out.text += '\n';
    pos = dir_end;
    pending_start = pos;
  }
  flush(pending, pending_start);
  for (const auto &c : conds) {
    diags.error(c.at, "unterminated conditional directive", "add the #endif it lacks");
    ok = false;
  }
  if (too_big) {
    diags.error(SourceRange{}, "#define: substitution produces more than " +
                                   std::to_string(kMaxExpansion) + " bytes");
    return false;
  }
  return ok;
}

} // namespace bpfscope
