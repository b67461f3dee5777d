#include "runtime/tracepoint_format.h"

#include "runtime/tracefs.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <system_error>

namespace bpfscope {

namespace {

void set_error(std::string *error, std::string msg) {
  if (error)
    *error = std::move(msg);
}

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b])))
    b++;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1])))
    e--;
  return std::string(s.substr(b, e - b));
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool parse_int(std::string_view s, int *out) {
  std::string t = trim(s);
  if (t.empty())
    return false;
  const char *b = t.data(), *e = t.data() + t.size();
  auto [p, ec] = std::from_chars(b, e, *out);
  return ec == std::errc() && p == e;
}

bool is_ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Removes leading/trailing "const" / "volatile" qualifiers (as whole words) from a type.
std::string strip_qualifiers(std::string t) {
  for (bool changed = true; changed;) {
    changed = false;
    t = trim(t);
    for (std::string_view q : {"const", "volatile"}) {
      if (starts_with(t, q) && t.size() > q.size() && std::isspace((unsigned char)t[q.size()])) {
        t = t.substr(q.size());
        changed = true;
      }
      if (t.size() > q.size() && t.compare(t.size() - q.size(), q.size(), q) == 0 &&
          std::isspace((unsigned char)t[t.size() - q.size() - 1])) {
        t.resize(t.size() - q.size());
        changed = true;
      }
    }
  }
  return t;
}

// Parses the declaration part of a "field:" entry ("const char * filename", "char comm[16]",
// "__data_loc char[] name") into `f`. Offset/size/signedness must already be set.
bool parse_declaration(const std::string &decl_text, TracepointField &f, std::string *error) {
  std::string decl = trim(decl_text);
  f.decl = decl;
  std::string rest = decl;
  std::string array_suffix;
  if (!rest.empty() && rest.back() == ']') {
    size_t open = rest.rfind('[');
    if (open == std::string::npos) {
      set_error(error, "unbalanced '[' in field declaration '" + decl + "'");
      return false;
    }
    array_suffix = rest.substr(open);
    rest = trim(std::string_view(rest).substr(0, open));
  }
  size_t name_begin = rest.size();
  while (name_begin > 0 && is_ident_char(rest[name_begin - 1]))
    name_begin--;
  f.name = rest.substr(name_begin);
  std::string type = trim(std::string_view(rest).substr(0, name_begin));
  if (f.name.empty() || std::isdigit(static_cast<unsigned char>(f.name[0])) || type.empty()) {
    set_error(error, "cannot find the field name in declaration '" + decl + "'");
    return false;
  }
  f.common = starts_with(f.name, "common_");
  f.c_type = type + array_suffix;

  // Dynamic (variable-length) data: the field is a 32-bit descriptor (len << 16 | offset).
  for (std::string_view prefix : {"__data_loc", "__rel_loc"}) {
    if (starts_with(type, prefix) && type.size() > prefix.size() &&
        std::isspace(static_cast<unsigned char>(type[prefix.size()]))) {
      f.rel_loc = prefix == "__rel_loc";
      std::string elem = trim(std::string_view(type).substr(prefix.size()));
      if (elem.size() >= 2 && elem.compare(elem.size() - 2, 2, "[]") == 0)
        elem = trim(std::string_view(elem).substr(0, elem.size() - 2));
      f.element_type = elem;
      f.kind = strip_qualifiers(elem) == "char" ? TracepointField::Kind::DataLocString
                                                : TracepointField::Kind::DataLocArray;
      return true;
    }
  }

  if (!array_suffix.empty()) {
    std::string len_text = trim(std::string_view(array_suffix).substr(1, array_suffix.size() - 2));
    int len = 0;
    if (!len_text.empty() && (!parse_int(len_text, &len) || len < 0)) {
      set_error(error, "cannot parse the array length in declaration '" + decl + "'");
      return false;
    }
    f.element_type = type;
    f.array_len = len;
    if (len > 0)
      f.element_size = f.size / len;
    bool is_char =
        type.find('*') == std::string::npos && strip_qualifiers(type) == "char" && len > 0;
    f.kind = is_char ? TracepointField::Kind::CharArray : TracepointField::Kind::Array;
    return true;
  }

  if (type.find('*') != std::string::npos) {
    f.kind = TracepointField::Kind::Pointer;
    return true;
  }
  std::string base = strip_qualifiers(type);
  bool aggregate = starts_with(base, "struct ") || starts_with(base, "union ");
  if (!aggregate && (f.size == 1 || f.size == 2 || f.size == 4 || f.size == 8))
    f.kind = TracepointField::Kind::Integer;
  else
    f.kind = TracepointField::Kind::Other;
  return true;
}

// Parses "\tfield:TYPE NAME;\toffset:N;\tsize:N;\tsigned:N;" (already trimmed, prefix removed).
bool parse_field_line(const std::string &body, TracepointField &f, std::string *error) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t semi = body.find(';', start);
    if (semi == std::string::npos) {
      std::string tail = trim(std::string_view(body).substr(start));
      if (!tail.empty())
        parts.push_back(tail);
      break;
    }
    parts.push_back(trim(std::string_view(body).substr(start, semi - start)));
    start = semi + 1;
  }
  if (parts.empty()) {
    set_error(error, "empty field line");
    return false;
  }
  bool have_offset = false, have_size = false;
  for (size_t i = 1; i < parts.size(); i++) {
    const std::string &p = parts[i];
    size_t colon = p.find(':');
    if (colon == std::string::npos)
      continue;
    std::string key = trim(std::string_view(p).substr(0, colon));
    std::string_view value = std::string_view(p).substr(colon + 1);
    int v = 0;
    if (key == "offset" || key == "size" || key == "signed") {
      if (!parse_int(value, &v) || v < 0) {
        set_error(error, "bad " + key + " value in field line '" + body + "'");
        return false;
      }
      if (key == "offset") {
        f.offset = v;
        have_offset = true;
      } else if (key == "size") {
        f.size = v;
        have_size = true;
      } else {
        f.is_signed = v != 0;
      }
    }
  }
  if (!have_offset || !have_size) {
    set_error(error, "field line without offset/size: '" + body + "'");
    return false;
  }
  return parse_declaration(parts[0], f, error);
}

bool valid_tracepoint_component(const std::string &s) {
  if (s.empty() || s == "." || s == "..")
    return false;
  return s.find('/') == std::string::npos && s.find('\0') == std::string::npos;
}

} // namespace

const TracepointField *TracepointFormat::find_field(const std::string &name) const {
  for (const auto &f : fields)
    if (f.name == name)
      return &f;
  return nullptr;
}

int TracepointFormat::record_size() const {
  int end = 0;
  for (const auto &f : fields)
    end = std::max(end, f.offset + f.size);
  return end;
}

std::optional<TracepointFormat> parse_tracepoint_format(const std::string &text,
                                                        std::string *error) {
  TracepointFormat fmt;
  bool have_name = false, have_id = false;
  size_t pos = 0;
  int line_no = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos)
      nl = text.size();
    std::string line = trim(std::string_view(text).substr(pos, nl - pos));
    pos = nl + 1;
    line_no++;
    if (line.empty())
      continue;
    if (starts_with(line, "print fmt:"))
      break;
    if (starts_with(line, "name:")) {
      fmt.event = trim(std::string_view(line).substr(5));
      have_name = !fmt.event.empty();
    } else if (starts_with(line, "ID:")) {
      if (!parse_int(std::string_view(line).substr(3), &fmt.id) || fmt.id < 0) {
        set_error(error, "bad ID line '" + line + "' in tracepoint format");
        return std::nullopt;
      }
      have_id = true;
    } else if (starts_with(line, "field:") || starts_with(line, "field special:")) {
      TracepointField f;
      std::string body = line.substr(line.find(':') + 1);
      std::string err;
      if (!parse_field_line(body, f, &err)) {
        set_error(error, "tracepoint format line " + std::to_string(line_no) + ": " + err);
        return std::nullopt;
      }
      fmt.fields.push_back(std::move(f));
    }
    // "format:" and unknown lines are ignored.
  }
  if (!have_name) {
    set_error(error, "tracepoint format has no 'name:' line");
    return std::nullopt;
  }
  if (!have_id) {
    set_error(error, "tracepoint format for " + fmt.event + " has no 'ID:' line");
    return std::nullopt;
  }
  return fmt;
}

std::optional<TracepointFormat>
read_tracepoint_format(const std::string &category, const std::string &event, std::string *error) {
  if (!valid_tracepoint_component(category) || !valid_tracepoint_component(event)) {
    set_error(error, "invalid tracepoint name '" + category + ":" + event + "'");
    return std::nullopt;
  }
  std::string root = tracefs_root(error);
  if (root.empty())
    return std::nullopt;
  std::string dir = root + "/events/" + category;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    set_error(error, "tracepoint " + category + ":" + event + " does not exist (no category '" +
                         category + "' in " + root + "/events)");
    return std::nullopt;
  }
  std::string path = dir + "/" + event + "/format";
  if (!std::filesystem::exists(path, ec)) {
    set_error(error, "tracepoint " + category + ":" + event + " does not exist (no " + path + ")");
    return std::nullopt;
  }
  std::string text, err;
  if (!read_text_file(path, &text, &err)) {
    set_error(error, err);
    return std::nullopt;
  }
  auto fmt = parse_tracepoint_format(text, &err);
  if (!fmt) {
    set_error(error, "cannot parse " + path + ": " + err);
    return std::nullopt;
  }
  fmt->category = category;
  if (fmt->event.empty())
    fmt->event = event;
  return fmt;
}

int read_tracepoint_id(const std::string &category, const std::string &event, std::string *error) {
  if (!valid_tracepoint_component(category) || !valid_tracepoint_component(event)) {
    set_error(error, "invalid tracepoint name '" + category + ":" + event + "'");
    return -1;
  }
  std::string root = tracefs_root(error);
  if (root.empty())
    return -1;
  std::string path = root + "/events/" + category + "/" + event + "/id";
  std::string text, err;
  if (!read_text_file(path, &text, &err)) {
    set_error(error, "tracepoint " + category + ":" + event + " does not exist (" + err + ")");
    return -1;
  }
  int id = -1;
  if (!parse_int(text, &id) || id < 0) {
    set_error(error, "cannot parse tracepoint id in " + path);
    return -1;
  }
  return id;
}

std::vector<std::string> list_tracepoints(std::string *error) {
  std::string root = tracefs_root(error);
  if (root.empty())
    return {};
  std::vector<std::string> out;
  std::string text;
  if (read_text_file(root + "/available_events", &text, nullptr)) {
    size_t pos = 0;
    while (pos < text.size()) {
      size_t nl = text.find('\n', pos);
      if (nl == std::string::npos)
        nl = text.size();
      std::string line = trim(std::string_view(text).substr(pos, nl - pos));
      pos = nl + 1;
      if (line.find(':') != std::string::npos)
        out.push_back(std::move(line));
    }
  }
  if (out.empty()) {
    // Fall back to walking events/CAT/EVENT/ directories that have a format file.
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path events = fs::path(root) / "events";
    for (fs::directory_iterator cat(events, ec), end; !ec && cat != end; cat.increment(ec)) {
      std::error_code ec2;
      if (!cat->is_directory(ec2))
        continue;
      for (fs::directory_iterator ev(cat->path(), ec2); !ec2 && ev != end; ev.increment(ec2)) {
        std::error_code ec3;
        if (ev->is_directory(ec3) && fs::exists(ev->path() / "format", ec3))
          out.push_back(cat->path().filename().string() + ":" + ev->path().filename().string());
      }
    }
    if (ec) {
      set_error(error, "cannot list " + events.string() + ": " + ec.message());
      return {};
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::string> match_tracepoints(const std::string &pattern, std::string *error) {
  std::vector<std::string> all = list_tracepoints(error);
  std::vector<std::string> out;
  size_t colon = pattern.find(':');
  for (auto &tp : all) {
    bool ok;
    if (colon == std::string::npos) {
      ok = glob_match(pattern, tp);
    } else {
      size_t tc = tp.find(':');
      ok = glob_match(pattern.substr(0, colon), tp.substr(0, tc)) &&
           glob_match(pattern.substr(colon + 1), tp.substr(tc + 1));
    }
    if (ok)
      out.push_back(std::move(tp));
  }
  return out;
}

namespace {

// Matches one pattern element at p[i] (not '*') against c. On return *next is the index after
// the element. A malformed class ("[abc" without ']') is treated as a literal '['.
bool match_element(const std::string &p, size_t i, char c, size_t *next) {
  if (p[i] == '?') {
    *next = i + 1;
    return true;
  }
  if (p[i] == '\\' && i + 1 < p.size()) {
    *next = i + 2;
    return p[i + 1] == c;
  }
  if (p[i] == '[') {
    size_t j = i + 1;
    bool negate = false;
    if (j < p.size() && (p[j] == '!' || p[j] == '^')) {
      negate = true;
      j++;
    }
    // Reads one (possibly backslash-escaped) class character at j and advances j.
    auto read_char = [&](size_t &k) {
      if (p[k] == '\\' && k + 1 < p.size())
        k++;
      return static_cast<unsigned char>(p[k++]);
    };
    auto uc = static_cast<unsigned char>(c);
    bool matched = false;
    bool first = true;
    while (j < p.size() && (p[j] != ']' || first)) {
      first = false;
      unsigned char lo = read_char(j);
      unsigned char hi = lo;
      if (j + 1 < p.size() && p[j] == '-' && p[j + 1] != ']') {
        j++;
        hi = read_char(j);
      }
      if (uc >= lo && uc <= hi)
        matched = true;
    }
    if (j < p.size()) { // found the closing ']'
      *next = j + 1;
      return matched != negate;
    }
    // No closing bracket: a literal '['.
  }
  *next = i + 1;
  return p[i] == c;
}

} // namespace

bool glob_match(const std::string &pattern, const std::string &text) {
  size_t pi = 0, ti = 0;
  size_t star_pi = std::string::npos, star_ti = 0;
  while (ti < text.size()) {
    if (pi < pattern.size() && pattern[pi] == '*') {
      while (pi < pattern.size() && pattern[pi] == '*')
        pi++;
      star_pi = pi;
      star_ti = ti;
      continue;
    }
    size_t next = 0;
    if (pi < pattern.size() && match_element(pattern, pi, text[ti], &next)) {
      pi = next;
      ti++;
      continue;
    }
    if (star_pi == std::string::npos)
      return false;
    // Backtrack: let the last '*' swallow one more character.
    pi = star_pi;
    ti = ++star_ti;
  }
  while (pi < pattern.size() && pattern[pi] == '*')
    pi++;
  return pi == pattern.size();
}

bool has_glob_chars(const std::string &pattern) {
  for (size_t i = 0; i < pattern.size(); i++) {
    char c = pattern[i];
    if (c == '\\') {
      i++;
      continue;
    }
    if (c == '*' || c == '?' || c == '[')
      return true;
  }
  return false;
}

} // namespace bpfscope
