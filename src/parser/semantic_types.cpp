#include "parser/semantic_types.h"

#include "parser/script_types.h"
#include "parser/semantic.h"

namespace bpfscope {

namespace {

std::string trim(const std::string &s) {
  size_t b = s.find_first_not_of(' ');
  size_t e = s.find_last_not_of(' ');
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

bool starts_with(const std::string &s, const char *prefix) { return s.rfind(prefix, 0) == 0; }

// A member, element or target reached through `from`: pointers and records found in user memory
// lead to user memory too.
Type reached_from(Type t, const Type &from) {
  if (t.is_ptr() || t.is_record() || t.is_array())
    t.user_memory = from.user_memory;
  return t;
}

} // namespace

bool TypeRules::is_c_type_name(const std::string &text) {
  return text.find('*') != std::string::npos || starts_with(text, "struct ") ||
         starts_with(text, "union ") || starts_with(text, "enum ");
}

Type TypeRules::from_text(const std::string &text, const SourceRange &loc) {
  std::string base = trim(text);
  int stars = 0;
  while (!base.empty() && base.back() == '*') {
    stars++;
    base = trim(base.substr(0, base.size() - 1));
  }
  Type t = type_from_name(base);
  if (t.is_none() && base == "void")
    t = Type::none();
  else if (t.is_none()) {
    // C's fixed-width names mean the same everywhere; other names (pid_t, a script's struct,
    // a kernel typedef) come from the resolver.
    std::optional<Type> found = standard_c_type(base);
    if (!found && types_)
      found = types_->named_type(base);
    if (!found) {
      bool record = starts_with(base, "struct ") || starts_with(base, "union ");
      error_(loc, record ? "Unknown struct/union: '" + base + "'" : "Unknown type: '" + base + "'",
             types_ ? "" : "kernel types need BTF (/sys/kernel/btf/vmlinux)");
      return Type::none();
    }
    t = *found;
  }
  if (base == "void" && stars == 0) {
    error_(loc, "Unknown type: 'void'", "");
    return Type::none();
  }
  for (int i = 0; i < stars; i++)
    t = Type::pointer(t);
  return t;
}

std::optional<Type> TypeRules::named(const std::string &name) {
  if (auto t = standard_c_type(name))
    return t;
  return types_ ? types_->named_type(name) : std::nullopt;
}

std::optional<Type> TypeRules::record_pointer(const std::string &c_type) {
  std::string words;
  int stars = 0;
  std::string word;
  auto flush = [&] {
    if (!word.empty() && word != "const" && word != "volatile" && word != "__user")
      words += (words.empty() ? "" : " ") + word;
    word.clear();
  };
  for (char c : c_type) {
    if (c == '*') {
      flush();
      stars++;
    } else if (c == ' ') {
      flush();
    } else {
      word += c;
    }
  }
  flush();
  if (stars != 1 || !types_ || !(starts_with(words, "struct ") || starts_with(words, "union ")))
    return std::nullopt;
  std::optional<Type> record = types_->named_type(words);
  if (!record || !record->is_record())
    return std::nullopt;
  return Type::pointer(*record);
}

Type TypeRules::member(ast::Field &f, const Type &base) {
  // `.` on a pointer dereferences it and `->` on a struct is the same as `.` (bpftrace v0.26).
  const Type &record = base.is_ptr() ? base.pointee() : base;
  if (!record.is_record()) {
    error_(f.loc,
           "Can not access field '" + f.field + "' on expression of type '" + base.name() + "'",
           "");
    return Type::none();
  }
  std::optional<RecordMember> m = types_ ? types_->member(record, f.field) : std::nullopt;
  if (!m) {
    error_(f.loc,
           "Struct/union of type '" + record.name() + "' does not contain a field named '" +
               f.field + "'",
           types_ ? types_->member_hint(record, f.field) : "");
    return Type::none();
  }
  if (m->type.is_none()) {
    error_(f.loc,
           "Field '" + f.field + "' of '" + record.name() + "' has a type that cannot be read", "");
    return Type::none();
  }
  f.member_offset = m->offset;
  f.bit_offset = m->bit_offset;
  f.bit_size = m->bit_size;
  return reached_from(m->type, base);
}

Type TypeRules::query(ast::TypeQuery &q, const Type &operand) {
  Type t = operand;
  if (!q.type_name.empty()) {
    t = is_c_type_name(q.type_name) ? from_text(q.type_name, q.loc) : type_from_name(q.type_name);
    if (t.is_none() && !is_c_type_name(q.type_name)) {
      error_(q.loc, "Unknown type: '" + q.type_name + "'", "");
      return Type::none();
    }
  }
  if (t.is_none())
    return Type::none();
  if (!q.is_offsetof) {
    q.value = static_cast<uint64_t>(t.size);
    return Type::integer(8, false);
  }
  uint64_t offset = 0;
  for (auto &name : q.members) {
    if (!t.is_record()) {
      error_(q.loc, "offsetof() expects a struct or union, not '" + t.name() + "'", "");
      return Type::none();
    }
    std::optional<RecordMember> m = types_ ? types_->member(t, name) : std::nullopt;
    if (!m) {
      error_(q.loc,
             "Struct/union of type '" + t.name() + "' does not contain a field named '" + name +
                 "'",
             types_ ? types_->member_hint(t, name) : "");
      return Type::none();
    }
    offset += static_cast<uint64_t>(m->offset);
    t = m->type;
  }
  q.value = offset;
  return Type::integer(8, false);
}

Type TypeRules::index(const ast::Index &e, const Type &base, const Type &index) {
  if (base.is_string() || base.is_tuple()) { // bpftrace v0.26 indexes these too
    error_(e.loc, "The [] operator on a value of type '" + base.name() + "' is not supported yet",
           base.is_tuple() ? "use .N to read element N" : "");
    return Type::none();
  }
  if (!base.is_array() && !base.is_ptr()) {
    error_(e.loc, "The [] operator can not be used on expressions of type '" + base.name() + "'",
           "");
    return Type::none();
  }
  if (!index.is_integer() || index.is_ptr()) {
    error_(e.index->loc, "The array index must be an integer, not '" + index.name() + "'", "");
    return Type::none();
  }
  if (base.pointee().is_none()) {
    error_(e.loc, "Can not index a 'void *'", "cast it to a typed pointer first");
    return Type::none();
  }
  return reached_from(base.pointee(), base);
}

Type TypeRules::deref(const ast::Unary &u, const Type &pointer) {
  if (!pointer.is_ptr()) {
    error_(u.loc, "Can not dereference an expression of type '" + pointer.name() + "'", "");
    return Type::none();
  }
  const Type &target = pointer.pointee();
  if (target.is_none()) {
    error_(u.loc, "Can not dereference a 'void *'", "cast it to a typed pointer first");
    return Type::none();
  }
  return reached_from(target, pointer);
}

namespace {
// The BPF stack is 512 bytes: a struct copied whole must leave room for the rest.
constexpr int kMaxWholeStruct = 256;
} // namespace

bool TypeRules::make_whole(Type &t, const SourceRange &loc) {
  if (t.size > kMaxWholeStruct) {
    error_(loc,
           "A value of type '" + t.name() + "' (" + std::to_string(t.size) +
               " bytes) is too large to be stored or printed whole (at most " +
               std::to_string(kMaxWholeStruct) + " bytes)",
           "read one of its members");
    return false;
  }
  if (t.is_array()) {
    Type element = t.pointee();
    if (!make_whole(element, loc))
      return false;
    t.element = std::make_shared<const Type>(element);
    return true;
  }
  if (!t.is_record() || !t.fields.empty() || !types_)
    return true;
  for (auto &[name, m] : types_->members(t)) {
    Type mt = m.type;
    if (m.bit_size > 0) { // printed from the bits that hold it (format_value.cpp)
      if (!mt.is_integer() || mt.is_ptr())
        continue;
      mt.bitfield_offset = m.bit_offset;
      mt.bitfield_size = m.bit_size;
    }
    if (!make_whole(mt, loc))
      return false;
    t.fields.push_back(mt);
    t.field_offsets.push_back(m.offset);
    t.field_names.push_back(name);
  }
  return true;
}

Type TypeRules::curtask() {
  if (types_)
    if (auto task = types_->named_type("struct task_struct"))
      return Type::pointer(*task);
  return Type::integer(8, false);
}

std::optional<int64_t> TypeRules::enum_value(const std::string &name) {
  return types_ ? types_->enum_value(name) : std::nullopt;
}

std::shared_ptr<const EnumNames> TypeRules::enum_of(const std::string &name) {
  return types_ ? types_->enum_of(name) : nullptr;
}

} // namespace bpfscope
