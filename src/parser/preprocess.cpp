#include "parser/preprocess.h"

#include "parser/preamble.h"

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

// Replaces defined names in `text` outside strings and comments. As in cpp, a name is not
// replaced again inside its own replacement (`active`). Sets `too_big` past kMaxExpansion.
std::string substitute(const std::string &text, const std::map<std::string, std::string> &defs,
                       bool &too_big, std::vector<std::string> active = {}) {
  if (defs.empty() || too_big)
    return text;
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '"') {
      size_t j = i + 1;
      while (j < text.size() && text[j] != '"' && text[j] != '\n')
        j += text[j] == '\\' ? 2 : 1;
      j = std::min(j + 1, text.size());
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
      auto it = defs.find(word);
      // `$NAME` and `@NAME` are variables and maps, not the definition.
      bool sigil = i > 0 && (text[i - 1] == '$' || text[i - 1] == '@');
      bool expanding = std::find(active.begin(), active.end(), word) != active.end();
      if (it != defs.end() && !sigil && !expanding) {
        active.push_back(word);
        out += substitute(it->second, defs, too_big, active);
        active.pop_back();
      } else {
        out += word;
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

} // namespace

bool preprocess(const std::string &source, Preprocessed &out, Diagnostics &diags) {
  out = Preprocessed{};
  LineIndex lines(source);
  std::map<std::string, std::string> defs;
  std::string pending; // text since the last directive, substituted when the next one comes
  bool ok = true, too_big = false;
  size_t pos = 0;
  bool in_comment = false; // inside a /* */ that spans lines: a '#' there is no directive
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
      pending += line;
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
    out.text += substitute(pending, defs, too_big);
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
    if (name == "define") {
      while (i < body.size() && (body[i] == ' ' || body[i] == '\t'))
        i++;
      size_t ns = i;
      while (i < body.size() && ident_char(body[i]))
        i++;
      std::string macro = body.substr(ns, i - ns);
      if (macro.empty() || !ident_start(macro[0])) {
        diags.error(at, "#define: expected a name");
        ok = false;
      } else if (i < body.size() && body[i] == '(') {
        diags.error(at, "#define " + macro + "(...): function-like definitions are not supported",
                    "bpfscope substitutes only object-like definitions (#define NAME value); "
                    "use a macro instead");
        ok = false;
      } else {
        std::string value = body.substr(i);
        while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back())))
          value.pop_back();
        size_t v = value.find_first_not_of(" \t");
        defs[macro] = v == std::string::npos ? "" : value.substr(v);
      }
    } else if (name == "include") {
      std::string what = body.substr(first, line_len - first);
      out.notes.push_back(what + ": ignored (kernel types come from BTF)");
    } else if (name == "undef") {
      while (i < body.size() && (body[i] == ' ' || body[i] == '\t'))
        i++;
      size_t ns = i;
      while (i < body.size() && ident_char(body[i]))
        i++;
      defs.erase(body.substr(ns, i - ns));
    } else {
      diags.error(at, "#" + name + ": preprocessor directive not supported",
                  "bpfscope supports #define NAME value and #include (ignored)");
      ok = false;
    }
    // Keep the line count: one newline per line of the directive.
    for (size_t k = pos; k < dir_end; k++)
      if (source[k] == '\n')
        out.text += '\n';
    pos = dir_end;
  }
  out.text += substitute(pending, defs, too_big);
  if (too_big) {
    diags.error(SourceRange{}, "#define: substitution produces more than " +
                                   std::to_string(kMaxExpansion) + " bytes");
    return false;
  }
  return ok;
}

} // namespace bpfscope
