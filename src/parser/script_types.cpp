#include "parser/script_types.h"

#include "parser/semantic.h"

#include <algorithm>
#include <cctype>

namespace bpfscope {

namespace {

// The C text split into identifiers, numbers and single punctuation characters.
std::vector<std::string> c_tokens(const std::string &text) {
  std::vector<std::string> out;
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (std::isspace(c)) {
      i++;
    } else if (std::isalnum(c) || c == '_') {
      size_t j = i;
      while (j < text.size() &&
             (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '_'))
        j++;
      out.push_back(text.substr(i, j - i));
      i = j;
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
      while (i < text.size() && text[i] != '\n')
        i++;
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
      size_t end = text.find("*/", i + 2);
      i = end == std::string::npos ? text.size() : end + 2;
    } else {
      out.push_back(std::string(1, static_cast<char>(c)));
      i++;
    }
  }
  return out;
}

bool is_ident(const std::string &t) {
  return !t.empty() && (std::isalpha(static_cast<unsigned char>(t[0])) || t[0] == '_');
}

bool parse_number(const std::string &t, int64_t &v) {
  if (t.empty() || !std::isdigit(static_cast<unsigned char>(t[0])))
    return false;
  size_t end = 0;
  try {
    v = std::stoll(t, &end, 0);
  } catch (...) {
    return false;
  }
  while (end < t.size() && (t[end] == 'u' || t[end] == 'U' || t[end] == 'l' || t[end] == 'L'))
    end++;
  return end == t.size();
}

int round_up(int v, int a) { return a > 1 ? (v + a - 1) / a * a : v; }

} // namespace

std::optional<Type> standard_c_type(const std::string &name) {
  static const std::map<std::string, Type> fixed = {
      {"u8", Type::integer(1, false)},       {"u16", Type::integer(2, false)},
      {"u32", Type::integer(4, false)},      {"u64", Type::integer(8, false)},
      {"s8", Type::integer(1, true)},        {"s16", Type::integer(2, true)},
      {"s32", Type::integer(4, true)},       {"s64", Type::integer(8, true)},
      {"__u8", Type::integer(1, false)},     {"__u16", Type::integer(2, false)},
      {"__u32", Type::integer(4, false)},    {"__u64", Type::integer(8, false)},
      {"__s8", Type::integer(1, true)},      {"__s16", Type::integer(2, true)},
      {"__s32", Type::integer(4, true)},     {"__s64", Type::integer(8, true)},
      {"uint8_t", Type::integer(1, false)},  {"uint16_t", Type::integer(2, false)},
      {"uint32_t", Type::integer(4, false)}, {"uint64_t", Type::integer(8, false)},
      {"int8_t", Type::integer(1, true)},    {"int16_t", Type::integer(2, true)},
      {"int32_t", Type::integer(4, true)},   {"int64_t", Type::integer(8, true)},
      {"size_t", Type::integer(8, false)},   {"ssize_t", Type::integer(8, true)},
  };
  if (auto it = fixed.find(name); it != fixed.end())
    return it->second;
  return std::nullopt;
}

// C's spellings of integer types, and the language's own names.
std::optional<Type> ScriptTypes::base_type(const std::vector<std::string> &words) {
  std::string joined;
  bool is_unsigned = false, is_signed = false;
  int longs = 0;
  std::string core;
  for (auto &w : words) {
    joined += (joined.empty() ? "" : " ") + w;
    if (w == "unsigned")
      is_unsigned = true;
    else if (w == "signed")
      is_signed = true;
    else if (w == "long")
      longs++;
    else if (w != "const" && w != "volatile")
      core = core.empty() ? w : core + " " + w;
  }
  if (core == "char")
    return Type::integer(1, !is_unsigned);
  if (core == "short" || core == "short int")
    return Type::integer(2, !is_unsigned);
  if (longs > 0 && (core.empty() || core == "int"))
    return Type::integer(8, !is_unsigned);
  if (core == "int" || (core.empty() && (is_signed || is_unsigned)))
    return Type::integer(4, !is_unsigned);
  if (core == "_Bool" || core == "bool")
    return Type::boolean();
  if (auto fixed = standard_c_type(core))
    return fixed;
  Type own = type_from_name(core);
  if (!own.is_none())
    return own;
  if (core == "void")
    return Type::none();
  if (words.size() == 2 && (words[0] == "struct" || words[0] == "union" || words[0] == "enum"))
    return named_type(joined);
  if (words.size() == 1)
    return named_type(core); // a kernel typedef such as pid_t
  return std::nullopt;
}

int ScriptTypes::alignment_of(const Type &t) {
  switch (t.kind) {
  case TypeKind::Integer:
  case TypeKind::Boolean:
  case TypeKind::Pointer:
    return t.size;
  case TypeKind::String:
    return 1;
  case TypeKind::Array:
    return alignment_of(t.pointee());
  case TypeKind::Record: {
    if (Record *r = own(t))
      return r->alignment;
    // A kernel record: the largest power of two (up to 8) dividing its size.
    int a = 8;
    while (a > 1 && t.size % a != 0)
      a /= 2;
    return a;
  }
  default:
    return 1;
  }
}

bool ScriptTypes::define(const std::string &text, const SourceRange &loc, Diagnostics &diags) {
  std::vector<std::string> tok = c_tokens(text);
  auto fail = [&](const std::string &why) {
    diags.error(loc, "Invalid type definition: " + why);
    return false;
  };
  if (!tok.empty() && tok[0] == "typedef")
    return define_typedef(tok, loc, diags);
  if (tok.size() < 4 || !is_ident(tok[1]) || tok[2] != "{")
    return fail("expected `struct NAME { ... }`");
  std::string full = tok[0] + " " + tok[1];
  size_t close = tok.size() - 1;
  while (close > 0 && tok[close] != "}")
    close--;
  std::vector<std::string> body(tok.begin() + 3, tok.begin() + static_cast<long>(close));

  if (tok[0] == "enum") {
    auto names = std::make_shared<EnumNames>();
    names->name = full;
    int64_t next = 0;
    for (size_t i = 0; i < body.size();) {
      if (!is_ident(body[i]))
        return fail("expected an enumerator name, found '" + body[i] + "'");
      std::string name = body[i++];
      if (i < body.size() && body[i] == "=") {
        bool negative = ++i < body.size() && body[i] == "-";
        if (negative)
          i++;
        int64_t v;
        if (i >= body.size() || !parse_number(body[i], v))
          return fail("the value of " + name + " must be an integer");
        next = negative ? -v : v;
        i++;
      }
      names->add(next, name);
      enumerators_[name] = next++;
      enumerator_enum_[name] = names;
      if (i < body.size() && body[i] != ",")
        return fail("expected ',' after " + name);
      i++;
    }
    Type type = Type::integer(4, true);
    type.enum_names = names;
    enums_[full] = type;
    return true;
  }

  // Known by name from here on, so that members can point to the record itself.
  int index = static_cast<int>(records_.size());
  records_.push_back(Record{Type::record(full, 0, kFirstId + index), 1, {}});
  record_index_[full] = index;
  bool is_union = tok[0] == "union";
  // Laid out in bits, for bitfields: C's (System V) rules put a bitfield right after the previous
  // member unless it would cross a boundary of its type's size, then at that boundary.
  int bits = 0, size = 0, align = 1;
  std::vector<std::string> decl;
  for (const std::string &t : body) {
    if (t != ";") {
      decl.push_back(t);
      continue;
    }
    // TYPE WORDS [*...] NAME [ [N] ] or TYPE WORDS NAME : WIDTH
    int width = -1;
    if (auto colon = std::find(decl.begin(), decl.end(), ":"); colon != decl.end()) {
      int64_t w;
      if (colon + 2 != decl.end() || !parse_number(*(colon + 1), w))
        return fail("the width of a bitfield must be an integer constant");
      width = static_cast<int>(std::min<int64_t>(w, 65));
      decl.erase(colon, decl.end());
    }
    size_t name_at = decl.size();
    int array_len = -1;
    if (decl.size() >= 4 && decl.back() == "]") {
      int64_t n;
      if (!parse_number(decl[decl.size() - 2], n) || decl[decl.size() - 3] != "[" || n < 0)
        return fail("array sizes must be integer constants");
      array_len = static_cast<int>(n);
      decl.resize(decl.size() - 3);
    }
    name_at = decl.size() - 1;
    if (decl.size() < 2 || !is_ident(decl[name_at]))
      return fail("expected `TYPE NAME;` in " + full);
    int stars = 0;
    std::vector<std::string> words;
    for (size_t i = 0; i < name_at; i++) {
      if (decl[i] == "*")
        stars++;
      else
        words.push_back(decl[i]);
    }
    std::optional<Type> base = base_type(words);
    std::string spelled;
    for (auto &w : words)
      spelled += (spelled.empty() ? "" : " ") + w;
    if (!base || (base->is_none() && stars == 0))
      return fail("unknown type '" + spelled + "' of member " + decl[name_at]);
    Type mt = *base;
    if (stars == 0 && mt.is_record() && mt.size == 0) // e.g. itself, still being defined
      return fail("member " + decl[name_at] + " has the incomplete type '" + mt.name() + "'");
    if (width >= 0) {
      if (stars > 0 || array_len >= 0 ||
          !(mt.kind == TypeKind::Integer || mt.kind == TypeKind::Boolean))
        return fail("bitfield " + decl[name_at] + " must have an integer type");
      if (width == 0 || width > mt.size * 8)
        return fail("bitfield " + decl[name_at] + " must be 1 to " + std::to_string(mt.size * 8) +
                    " bits wide");
      int unit = mt.size * 8;
      int at = is_union ? 0 : bits;
      if (at / unit != (at + width - 1) / unit) // would cross a boundary of its type
        at = round_up(at, unit);
      RecordMember m;
      m.type = mt;
      m.offset = at / 8;
      m.bit_offset = at % 8;
      m.bit_size = width;
      bits = is_union ? bits : at + width;
      size = std::max(size, (at + width + 7) / 8);
      align = std::max(align, alignment_of(mt));
      records_[index].members.emplace_back(decl[name_at], m);
      decl.clear();
      continue;
    }
    for (int i = 0; i < stars; i++)
      mt = Type::pointer(mt);
    if (array_len >= 0) {
      bool is_char = mt.kind == TypeKind::Integer && mt.size == 1 && mt.is_signed;
      mt = is_char ? Type::string(array_len) : Type::array(mt, array_len);
    }
    int a = alignment_of(mt);
    RecordMember m;
    m.type = mt;
    m.offset = is_union ? 0 : round_up((bits + 7) / 8, a);
    if (!is_union)
      bits = (m.offset + mt.size) * 8;
    size = std::max(size, m.offset + mt.size);
    align = std::max(align, a);
    records_[index].members.emplace_back(decl[name_at], m);
    decl.clear();
  }
  if (!decl.empty())
    return fail("missing ';' after the last member of " + full);
  records_[index].alignment = align;
  records_[index].type.size = round_up(size, align);
  return true;
}

bool ScriptTypes::define_typedef(const std::vector<std::string> &tok, const SourceRange &loc,
                                 Diagnostics &diags) {
  auto fail = [&](const std::string &why) {
    diags.error(loc, "Invalid type definition: " + why);
    return false;
  };
  // tok: typedef ... NAME ;
  std::vector<std::string> decl(tok.begin() + 1, tok.end());
  if (!decl.empty() && decl.back() == ";")
    decl.pop_back();
  // `typedef struct S { ... } NAME;`: the record is defined here too (named after the typedef
  // when it has no name of its own).
  if (auto open = std::find(decl.begin(), decl.end(), "{"); open != decl.end()) {
    auto close = std::find(open, decl.end(), "}");
    if (close == decl.end() || close + 1 == decl.end() || !is_ident(decl.back()))
      return fail("expected `typedef struct NAME { ... } ALIAS;`");
    std::vector<std::string> record(decl.begin(), open);
    if (record.size() == 1)
      record.push_back(decl.back());
    if (record.size() != 2 || !is_ident(record[1]))
      return fail("expected `typedef struct NAME { ... } ALIAS;`");
    std::string text = record[0] + " " + record[1];
    for (auto t = open; t <= close; ++t)
      text += " " + *t;
    if (!define(text, loc, diags))
      return false;
    decl = {record[0], record[1], decl.back()};
  }
  Typedef t;
  if (decl.size() >= 4 && decl.back() == "]") {
    int64_t n;
    if (!parse_number(decl[decl.size() - 2], n) || decl[decl.size() - 3] != "[" || n < 0)
      return fail("array sizes must be integer constants");
    t.array_len = static_cast<int>(n);
    decl.resize(decl.size() - 3);
  }
  if (decl.size() < 2 || !is_ident(decl.back()))
    return fail("expected `typedef TYPE NAME;`");
  std::string name = decl.back();
  decl.pop_back();
  for (auto &w : decl) {
    if (w == "*")
      t.stars++;
    else if (is_ident(w) && t.stars == 0)
      t.words.push_back(w);
    else
      return fail("unexpected '" + w + "' in the typedef of " + name);
  }
  if (t.words.empty())
    return fail("the typedef of " + name + " names no type");
  if (standard_c_type(name) || !type_from_name(name).is_none())
    return fail("cannot redefine the built-in type " + name);
  typedefs_[name] = std::move(t);
  return true;
}

std::optional<Type> ScriptTypes::resolve_typedef(const Typedef &t) {
  // A typedef naming itself through others (`typedef a_t b_t; typedef b_t a_t;`) ends here.
  if (typedef_depth_ > 16)
    return std::nullopt;
  typedef_depth_++;
  std::optional<Type> base = base_type(t.words);
  typedef_depth_--;
  if (!base || (base->is_none() && t.stars == 0))
    return std::nullopt;
  Type out = *base;
  for (int i = 0; i < t.stars; i++)
    out = Type::pointer(out);
  if (t.array_len >= 0) {
    bool is_char = out.kind == TypeKind::Integer && out.size == 1 && out.is_signed;
    out = is_char ? Type::string(t.array_len) : Type::array(out, t.array_len);
  }
  return out;
}

ScriptTypes::Record *ScriptTypes::own(const Type &record) {
  int i = record.record_id - kFirstId;
  return i >= 0 && i < static_cast<int>(records_.size()) ? &records_[i] : nullptr;
}

std::optional<Type> ScriptTypes::named_type(const std::string &name) {
  if (auto it = typedefs_.find(name); it != typedefs_.end())
    return resolve_typedef(it->second);
  if (auto it = record_index_.find(name); it != record_index_.end())
    return records_[it->second].type;
  if (auto it = enums_.find(name); it != enums_.end())
    return it->second;
  return kernel_ ? kernel_->named_type(name) : std::nullopt;
}

std::optional<RecordMember> ScriptTypes::member(const Type &record, const std::string &name) {
  Record *r = own(record);
  if (!r)
    return kernel_ ? kernel_->member(record, name) : std::nullopt;
  for (auto &[n, m] : r->members) {
    if (n != name)
      continue;
    RecordMember out = m;
    // A member pointing to its own record was typed before the record's size was known.
    if (out.type.is_ptr() && out.type.pointee().is_record())
      if (Record *target = own(out.type.pointee()))
        out.type = Type::pointer(target->type);
    return out;
  }
  return std::nullopt;
}

std::vector<std::pair<std::string, RecordMember>> ScriptTypes::members(const Type &record) {
  Record *r = own(record);
  if (!r)
    return kernel_ ? kernel_->members(record) : std::vector<std::pair<std::string, RecordMember>>{};
  std::vector<std::pair<std::string, RecordMember>> out;
  for (auto &[n, m] : r->members)
    out.emplace_back(n, *member(record, n));
  return out;
}

std::string ScriptTypes::member_hint(const Type &record, const std::string &name) {
  Record *r = own(record);
  if (!r)
    return kernel_ ? kernel_->member_hint(record, name) : "";
  std::string names;
  for (auto &[n, m] : r->members)
    names += (names.empty() ? "" : ", ") + n;
  return names.empty() ? "" : "members: " + names;
}

std::optional<int64_t> ScriptTypes::enum_value(const std::string &name) {
  if (auto it = enumerators_.find(name); it != enumerators_.end())
    return it->second;
  return kernel_ ? kernel_->enum_value(name) : std::nullopt;
}

std::shared_ptr<const EnumNames> ScriptTypes::enum_of(const std::string &enumerator) {
  if (auto it = enumerator_enum_.find(enumerator); it != enumerator_enum_.end())
    return it->second;
  return kernel_ ? kernel_->enum_of(enumerator) : nullptr;
}

} // namespace bpfscope
