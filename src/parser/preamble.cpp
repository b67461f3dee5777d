// A small hand-written scanner over the top level of a script (see preamble.h). It knows just
// enough of the language to step over probes: strings, comments and nested braces.
#include "parser/preamble.h"

#include <algorithm>
#include <cctype>

namespace bpfscope {

LineIndex::LineIndex(const std::string &text) {
  starts_.push_back(0);
  for (size_t i = 0; i < text.size(); i++)
    if (text[i] == '\n')
      starts_.push_back(i + 1);
}

SourceRange LineIndex::range(size_t begin, size_t end) const {
  auto locate = [&](size_t off, int &line, int &col) {
    size_t l = 0;
    while (l + 1 < starts_.size() && starts_[l + 1] <= off)
      l++;
    line = static_cast<int>(l) + 1;
    col = static_cast<int>(off - starts_[l]) + 1;
  };
  SourceRange r;
  locate(begin, r.begin_line, r.begin_col);
  locate(end > begin ? end : begin + 1, r.end_line, r.end_col);
  return r;
}

size_t LineIndex::offset(int line, int col) const {
  if (line < 1)
    return 0;
  size_t l = std::min<size_t>(static_cast<size_t>(line - 1), starts_.size() - 1);
  return starts_[l] + static_cast<size_t>(col - 1);
}

namespace {

bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

class Scanner {
public:
  Scanner(const std::string &src, Preamble &out, Diagnostics &diags)
      : s_(src), lines_(src), out_(out), diags_(diags) {
    out_.text = src;
  }

  bool run() {
    bool seen_probe = false;
    if (s_.compare(0, 2, "#!") == 0)
      while (p_ < s_.size() && s_[p_] != '\n')
        p_++;
    for (;;) {
      skip_blank();
      if (p_ >= s_.size())
        break;
      size_t start = p_;
      std::string word = peek_word();
      if (word == "config" && next_nonblank(p_ + word.size()) == '=') {
        if (seen_probe || out_.has_config || !out_.macros.empty() || !out_.functions.empty()) {
          error(start, start + word.size(),
                out_.has_config ? "syntax: a script may have only one config block"
                                : "syntax: the config block must come before any probe or macro");
          return false;
        }
        if (!config_block())
          return false;
        blank(start, p_);
      } else if (word == "import" && next_nonblank(p_ + word.size()) == '"') {
        if (seen_probe || !out_.macros.empty() || !out_.functions.empty()) {
          error(start, start + word.size(), "syntax: imports must come before any probe or macro");
          return false;
        }
        if (!import_line())
          return false;
        blank(start, p_);
      } else if (word == "macro" && ident_start(next_nonblank(p_ + word.size()))) {
        if (!macro_header())
          return false;
        blank(start + word.size(), p_); // keep `macro`: the grammar reads the body as a probe's
        if (!skip_braced())
          return true; // unterminated: the grammar reports it
      } else if (word == "fn" && ident_start(next_nonblank(p_ + word.size()))) {
        if (!function_header())
          return false;
        blank(start + word.size(), p_); // keep `fn`, as for a macro
        if (!skip_braced())
          return true;
      } else if (s_[p_] == ';') {
        p_++; // after a type definition or a map declaration
      } else {
        // C type definitions belong to the preamble too: a config block may follow them.
        if (word != "struct" && word != "union" && word != "enum" && word != "typedef" &&
            word != "let")
          seen_probe = true;
        if (!skip_probe())
          return true;
      }
    }
    return true;
  }

private:
  void error(size_t b, size_t e, const std::string &msg, const std::string &hint = "") {
    diags_.error(lines_.range(b, e), msg, hint);
  }

  void blank(size_t b, size_t e) {
    for (size_t i = b; i < e && i < out_.text.size(); i++)
      if (out_.text[i] != '\n')
        out_.text[i] = ' ';
  }

  // Skips blanks and comments from p_.
  void skip_blank() { p_ = after_blank(p_); }
  size_t after_blank(size_t i) const {
    for (;;) {
      while (i < s_.size() && std::isspace(static_cast<unsigned char>(s_[i])))
        i++;
      if (s_.compare(i, 2, "//") == 0) {
        while (i < s_.size() && s_[i] != '\n')
          i++;
      } else if (s_.compare(i, 2, "/*") == 0) {
        size_t e = s_.find("*/", i + 2);
        i = e == std::string::npos ? s_.size() : e + 2;
      } else {
        return i;
      }
    }
  }
  char next_nonblank(size_t i) const {
    i = after_blank(i);
    return i < s_.size() ? s_[i] : '\0';
  }
  std::string peek_word() const {
    size_t i = p_;
    if (i >= s_.size() || !ident_start(s_[i]))
      return "";
    while (i < s_.size() && ident_char(s_[i]))
      i++;
    return s_.substr(p_, i - p_);
  }
  std::string take_word() {
    std::string w = peek_word();
    p_ += w.size();
    return w;
  }

  // A string literal at p_ (simple escapes decoded); false at an unterminated one.
  bool take_string(std::string &value) {
    size_t start = p_++;
    value.clear();
    while (p_ < s_.size() && s_[p_] != '"' && s_[p_] != '\n') {
      if (s_[p_] == '\\' && p_ + 1 < s_.size()) {
        char e = s_[++p_];
        value += e == 'n' ? '\n' : e == 't' ? '\t' : e;
      } else {
        value += s_[p_];
      }
      p_++;
    }
    if (p_ >= s_.size() || s_[p_] != '"') {
      error(start, p_, "syntax: unterminated string");
      return false;
    }
    p_++;
    return true;
  }

  // Steps over a string, a comment or one character, whatever is at p_.
  void step() {
    if (s_[p_] == '"') {
      p_++;
      while (p_ < s_.size() && s_[p_] != '"' && s_[p_] != '\n')
        p_ += s_[p_] == '\\' ? 2 : 1;
      p_ = std::min(p_ + 1, s_.size());
    } else if (s_.compare(p_, 2, "//") == 0 || s_.compare(p_, 2, "/*") == 0) {
      skip_blank();
    } else {
      p_++;
    }
  }

  // From a `{` at p_ to just past its matching `}`; false at the end of the text.
  bool skip_braced() {
    int depth = 0;
    while (p_ < s_.size()) {
      char c = s_[p_];
      if (c == '{')
        depth++;
      else if (c == '}' && --depth == 0) {
        p_++;
        return true;
      }
      step();
    }
    return false;
  }

  // Steps over a probe (or a type definition) to the end of its braced body, or over a
  // declaration to its `;`.
  bool skip_probe() {
    while (p_ < s_.size() && s_[p_] != '{') {
      if (s_[p_] == ';')
        return true;
      if (s_[p_] == '}') { // a stray `}`: the grammar reports it
        p_ = s_.size();
        return false;
      }
      step();
    }
    return p_ < s_.size() && skip_braced();
  }

  bool expect(char c, const char *what) {
    skip_blank();
    if (p_ >= s_.size() || s_[p_] != c) {
      size_t e = p_ < s_.size() ? p_ + 1 : p_;
      error(p_, e,
            std::string("syntax: unexpected ") +
                (p_ < s_.size() ? describe(s_[p_]) : "end of file") + ", expecting " + what);
      return false;
    }
    p_++;
    return true;
  }
  static std::string describe(char c) { return std::string("'") + c + "'"; }

  bool config_block() {
    out_.has_config = true;
    out_.config_range = lines_.range(p_, p_ + 6);
    p_ += 6;
    if (!expect('=', "'='") || !expect('{', "'{'"))
      return false;
    for (;;) {
      skip_blank();
      if (p_ < s_.size() && s_[p_] == '}') {
        p_++;
        return true;
      }
      if (p_ < s_.size() && s_[p_] == ';') {
        p_++;
        continue;
      }
      size_t key_start = p_;
      std::string key = take_word();
      if (key.empty()) {
        error(p_, p_ + 1, "syntax: expected a config variable name");
        return false;
      }
      ConfigAssignment a;
      a.key = key;
      if (!expect('=', "'='"))
        return false;
      a.key_range = lines_.range(key_start, p_);
      skip_blank();
      size_t value_start = p_;
      if (p_ < s_.size() && s_[p_] == '"') {
        a.value.kind = ConfigValue::Kind::String;
        if (!take_string(a.value.text))
          return false;
      } else if (p_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[p_]))) {
        a.value.kind = ConfigValue::Kind::Integer;
        uint64_t v = 0;
        while (p_ < s_.size() && (ident_char(s_[p_]))) {
          char c = s_[p_++];
          if (c == '_')
            continue;
          if (!std::isdigit(static_cast<unsigned char>(c)) || __builtin_mul_overflow(v, 10, &v) ||
              __builtin_add_overflow(v, c - '0', &v)) {
            while (p_ < s_.size() && ident_char(s_[p_]))
              p_++;
            error(value_start, p_,
                  "syntax: invalid integer '" + s_.substr(value_start, p_ - value_start) + "'");
            return false;
          }
        }
        a.value.number = v;
      } else if (p_ < s_.size() && ident_start(s_[p_])) {
        a.value.kind = ConfigValue::Kind::Word;
        a.value.text = take_word();
      } else {
        error(p_, p_ + 1, "syntax: expected a value (a number, a word or a string)");
        return false;
      }
      a.value_range = lines_.range(value_start, p_);
      out_.config.push_back(std::move(a));
      skip_blank();
      if (p_ < s_.size() && s_[p_] != ';' && s_[p_] != '}') {
        error(p_, p_ + 1, "syntax: unexpected " + describe(s_[p_]) + ", expecting ';' or '}'");
        return false;
      }
    }
  }

  bool import_line() {
    p_ += 6;
    skip_blank();
    size_t start = p_;
    ImportDecl d;
    if (!take_string(d.path))
      return false;
    d.range = lines_.range(start, p_);
    if (!expect(';', "';'"))
      return false;
    out_.imports.push_back(std::move(d));
    return true;
  }

  // `( param, param, ... )`: `one_param` reads one parameter at the current position (blanks
  // skipped) and reports its own errors. Shared by macro and function headers.
  template <typename ReadParam> bool parameter_list(ReadParam one_param) {
    if (!expect('(', "'('"))
      return false;
    skip_blank();
    if (p_ < s_.size() && s_[p_] == ')') {
      p_++;
      return true;
    }
    for (;;) {
      skip_blank();
      if (!one_param())
        return false;
      skip_blank();
      if (p_ < s_.size() && s_[p_] == ',') {
        p_++;
        continue;
      }
      return expect(')', "',' or ')'");
    }
  }

  // After a macro's or function's header: its body must open here (not consumed).
  bool body_follows() {
    skip_blank();
    if (p_ < s_.size() && s_[p_] == '{')
      return true;
    expect('{', "'{'");
    return false;
  }

  bool macro_header() {
    p_ += 5;
    skip_blank();
    MacroHeader m;
    size_t name_start = p_;
    m.name = take_word();
    m.name_range = lines_.range(name_start, p_);
    bool listed = parameter_list([&] {
      size_t ps = p_;
      MacroParam param;
      if (p_ < s_.size() && (s_[p_] == '$' || s_[p_] == '@')) {
        param.kind = s_[p_] == '$' ? MacroParam::Kind::Variable : MacroParam::Kind::Map;
        p_++;
      }
      std::string w = take_word();
      if (w.empty()) {
        error(ps, ps + 1, "syntax: expected a macro parameter ($name, @name or name)");
        return false;
      }
      param.name = s_.substr(ps, p_ - ps);
      param.range = lines_.range(ps, p_);
      for (const auto &other : m.params)
        if (other.name == param.name) {
          error(ps, p_, "duplicate macro parameter " + param.name);
          return false;
        }
      m.params.push_back(std::move(param));
      return true;
    });
    if (!listed || !body_follows())
      return false;
    for (const auto &other : out_.macros)
      if (other.name == m.name) {
        error(name_start, name_start + m.name.size(), "macro '" + m.name + "' is defined twice");
        return false;
      }
    out_.macros.push_back(std::move(m));
    return true;
  }

  // A type as written in a function signature: a word, maybe followed by `[N]` (string[16]).
  bool function_type(std::string &type, SourceRange &range) {
    skip_blank();
    size_t ts = p_;
    type = take_word();
    if (type.empty()) {
      error(ts, ts + 1, "syntax: expected a type");
      return false;
    }
    if (p_ < s_.size() && s_[p_] == '[') {
      size_t close = s_.find(']', p_);
      if (close == std::string::npos) {
        error(p_, p_ + 1, "syntax: unterminated '['");
        return false;
      }
      type += s_.substr(p_, close + 1 - p_);
      p_ = close + 1;
    }
    range = lines_.range(ts, p_);
    return true;
  }

  // `fn name($a: int64, $b: string): int64` up to the body's `{`.
  bool function_header() {
    p_ += 2;
    skip_blank();
    ast::FunctionSignature f;
    size_t name_start = p_;
    f.name = take_word();
    f.name_range = lines_.range(name_start, p_);
    bool listed = parameter_list([&] {
      size_t ps = p_;
      ast::FunctionSignature::Param param;
      if (p_ >= s_.size() || s_[p_] != '$' || take_word_at(p_ + 1).empty()) {
        error(ps, ps + 1, "syntax: expected a function parameter ($name: type)");
        return false;
      }
      p_++;
      take_word();
      param.name = s_.substr(ps, p_ - ps);
      param.range = lines_.range(ps, p_);
      for (const auto &other : f.params)
        if (other.name == param.name) {
          error(ps, p_, "duplicate function parameter " + param.name);
          return false;
        }
      if (!expect(':', "':' and the parameter's type") ||
          !function_type(param.type_name, param.type_range))
        return false;
      f.params.push_back(std::move(param));
      return true;
    });
    if (!listed)
      return false;
    if (!expect(':', "':' and the function's return type") ||
        !function_type(f.return_type, f.return_range) || !body_follows())
      return false;
    for (const auto &other : out_.functions)
      if (other.name == f.name) {
        error(name_start, name_start + f.name.size(), "Function '" + f.name + "' is defined twice");
        return false;
      }
    out_.functions.push_back(std::move(f));
    return true;
  }

  std::string take_word_at(size_t i) const {
    size_t e = i;
    while (e < s_.size() && ident_char(s_[e]))
      e++;
    return s_.substr(i, e - i);
  }

  const std::string &s_;
  LineIndex lines_;
  Preamble &out_;
  Diagnostics &diags_;
  size_t p_ = 0;
};

} // namespace

bool read_preamble(const std::string &source, Preamble &out, Diagnostics &diags) {
  out = Preamble{};
  Scanner scanner(source, out, diags);
  return scanner.run();
}

} // namespace bpfscope
