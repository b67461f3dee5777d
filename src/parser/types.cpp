#include "parser/types.h"

#include <algorithm>

namespace bpfscope {

namespace {
// A value of `kind` taking `size` bytes, everything else default: what most factories return.
Type of_kind(TypeKind kind, int size) {
  Type t;
  t.kind = kind;
  t.size = size;
  return t;
}
} // namespace

Type Type::integer(int bytes, bool is_signed) {
  Type t;
  t.kind = TypeKind::Integer;
  t.size = bytes;
  t.is_signed = is_signed;
  return t;
}

Type Type::boolean() { return of_kind(TypeKind::Boolean, 1); }

Type Type::string(int bytes) { return of_kind(TypeKind::String, bytes); }

Type Type::context() { return of_kind(TypeKind::Context, 8); }

Type Type::tuple(std::vector<Type> fields) {
  Type t;
  t.kind = TypeKind::Tuple;
  int offset = 0, align = 1;
  for (auto &f : fields) {
    int a = f.alignment();
    offset = (offset + a - 1) / a * a;
    t.field_offsets.push_back(offset);
    offset += f.size;
    if (a > align)
      align = a;
  }
  t.size = (offset + align - 1) / align * align;
  t.fields = std::move(fields);
  return t;
}

Type Type::named_record(std::vector<Type> fields, std::vector<std::string> names) {
  Type t = tuple(std::move(fields));
  t.field_names = std::move(names);
  return t;
}

Type Type::with_fields(std::vector<Type> new_fields) const {
  Type t = tuple(std::move(new_fields));
  t.field_names = field_names;
  return t;
}

int Type::field_index(const std::string &name) const {
  for (size_t i = 0; i < field_names.size(); i++)
    if (field_names[i] == name)
      return static_cast<int>(i);
  return -1;
}

Type Type::aggregation(TypeKind kind, bool is_signed) {
  Type t;
  t.kind = kind;
  t.is_signed = is_signed;
  t.size = 8;
  return t;
}

Type Type::stack(bool user, StackMode mode, int limit) {
  Type t;
  t.kind = TypeKind::Stack;
  t.size = 8;
  t.stack_user = user;
  t.stack_mode = mode;
  t.stack_limit = limit;
  return t;
}

Type Type::ksym() { return of_kind(TypeKind::Ksym, 8); }

Type Type::username() { return of_kind(TypeKind::Username, 8); }

Type Type::strerror() { return of_kind(TypeKind::Strerror, 8); }

Type Type::make_resolved(ResolvedKind kind, int size, std::string arg) {
  Type t;
  t.kind = TypeKind::Resolved;
  t.resolved = kind;
  t.size = size;
  t.resolved_arg = std::move(arg);
  return t;
}

Type Type::pointer(const Type &element) {
  Type t;
  t.kind = TypeKind::Pointer;
  t.size = 8;
  t.element = std::make_shared<const Type>(element);
  return t;
}

Type Type::record(const std::string &name, int size, int id) {
  Type t;
  t.kind = TypeKind::Record;
  t.size = size;
  t.record_name = name;
  t.record_id = id;
  return t;
}

Type Type::array(const Type &element, int len) {
  Type t;
  t.kind = TypeKind::Array;
  t.size = element.size * len;
  t.array_len = len;
  t.element = std::make_shared<const Type>(element);
  return t;
}

Type Type::int_array(const Type &element, int len) {
  Type t = make_resolved(ResolvedKind::Bytes, element.size * len);
  t.element = std::make_shared<const Type>(element);
  t.array_len = len;
  return t;
}

Type Type::int_array_element() const { return element ? *element : integer(1, false); }

const Type &Type::pointee() const {
  static const Type none;
  return element ? *element : none;
}

Type Type::pointer() {
  Type t = integer(8, false);
  t.is_pointer = true;
  return t;
}

Type Type::usym() { return of_kind(TypeKind::Usym, 16); }

Type Type::buffer(int capacity) { return of_kind(TypeKind::Buffer, kBufferHeader + capacity); }

int Type::alignment() const {
  switch (kind) {
  case TypeKind::Integer:
  case TypeKind::Boolean:
    return size > 0 ? size : 1;
  case TypeKind::String:
    return 1;
  case TypeKind::Resolved:
    return resolved == ResolvedKind::Bytes ? 1 : 8;
  case TypeKind::Tuple: {
    int a = 1;
    for (auto &f : fields)
      a = std::max(a, f.alignment());
    return a;
  }
  default:
    return 8;
  }
}

bool Type::same_kind(const Type &other) const {
  if (kind != other.kind)
    return false;
  if (kind == TypeKind::Stack) // one map cannot hold stacks of different depths or kinds
    return stack_user == other.stack_user && stack_mode == other.stack_mode &&
           stack_limit == other.stack_limit;
  if (kind == TypeKind::Resolved)
    return resolved == other.resolved && resolved_arg == other.resolved_arg &&
           (resolved != ResolvedKind::Bytes ||
            (size == other.size && int_array_element() == other.int_array_element()));
  if (kind == TypeKind::Buffer) // buffers of different capacities are not laid out alike
    return size == other.size;
  if (kind == TypeKind::Tuple) {
    if (fields.size() != other.fields.size() || is_named_record() != other.is_named_record())
      return false;
    // Records match by name: `(a = 1, b = 2)` can be stored where `(b = 0, a = 0)` is.
    if (is_named_record()) {
      for (size_t i = 0; i < fields.size(); i++) {
        int j = other.field_index(field_names[i]);
        if (j < 0 || !fields[i].same_kind(other.fields[j]))
          return false;
      }
      return true;
    }
    for (size_t i = 0; i < fields.size(); i++)
      if (!fields[i].same_kind(other.fields[i]))
        return false;
  }
  return true;
}

bool Type::operator==(const Type &other) const {
  if (kind != other.kind || size != other.size)
    return false;
  if (kind == TypeKind::Integer && is_signed != other.is_signed)
    return false;
  if (kind == TypeKind::Tuple && (fields != other.fields || field_names != other.field_names))
    return false;
  if (kind == TypeKind::Stack && !same_kind(other))
    return false;
  if (kind == TypeKind::Resolved && !same_kind(other))
    return false;
  if (kind == TypeKind::Tseries &&
      (tseries_interval != other.tseries_interval || tseries_count != other.tseries_count ||
       tseries_agg != other.tseries_agg))
    return false;
  if (kind == TypeKind::Record && record_name != other.record_name)
    return false;
  if ((kind == TypeKind::Pointer || kind == TypeKind::Array) &&
      (pointee() != other.pointee() || array_len != other.array_len))
    return false;
  if (kind == TypeKind::Hist && hist_bits != other.hist_bits)
    return false;
  if (kind == TypeKind::Lhist && (lhist_min != other.lhist_min || lhist_max != other.lhist_max ||
                                  lhist_step != other.lhist_step))
    return false;
  return true;
}

std::string Type::name() const {
  switch (kind) {
  case TypeKind::None:
    return "none";
  case TypeKind::Integer:
    return std::string(is_signed ? "int" : "uint") + std::to_string(size * 8);
  case TypeKind::Boolean:
    return "bool";
  case TypeKind::String:
    return "string[" + std::to_string(size) + "]";
  case TypeKind::Context:
    return "ctx";
  case TypeKind::Stack:
    return stack_user ? "ustack" : "kstack";
  case TypeKind::Ksym:
    return "ksym_t";
  case TypeKind::Username:
    return "username";
  case TypeKind::Strerror:
    return "strerror_t";
  case TypeKind::Resolved:
    switch (resolved) {
    case ResolvedKind::Timestamp:
      return "timestamp";
    case ResolvedKind::Inet:
      return "inet";
    case ResolvedKind::MacAddr:
      return "macaddr_t";
    case ResolvedKind::CgroupPath:
      return "cgroup_path_t";
    case ResolvedKind::SyscallName:
    case ResolvedKind::SignalName:
      return "string";
    case ResolvedKind::Bytes: {
      Type e = int_array_element();
      return e.name() + "[" + std::to_string(size / (e.size > 0 ? e.size : 1)) + "]";
    }
    case ResolvedKind::None:
      break;
    }
    return "?";
  case TypeKind::Pointer:
    return (pointee().is_none() ? std::string("void") : pointee().name()) + " *";
  case TypeKind::Record:
    return record_name;
  case TypeKind::Array:
    return pointee().name() + "[" + std::to_string(array_len) + "]";
  case TypeKind::Usym:
    return "usym_t";
  case TypeKind::Buffer:
    return "buffer[" + std::to_string(buffer_capacity()) + "]";
  case TypeKind::Tuple: {
    std::string s = "(";
    for (size_t i = 0; i < fields.size(); i++) {
      if (i)
        s += ",";
      if (is_named_record())
        s += field_names[i] + "=";
      s += fields[i].name();
    }
    return s + ")";
  }
  case TypeKind::Count:
    return "count_t";
  case TypeKind::Sum:
    return "sum_t";
  case TypeKind::Avg:
    return "avg_t";
  case TypeKind::Min:
    return "min_t";
  case TypeKind::Max:
    return "max_t";
  case TypeKind::Stats:
    return "stats_t";
  case TypeKind::Hist:
    return "hist_t";
  case TypeKind::Lhist:
    return "lhist_t";
  case TypeKind::Tseries:
    return "tseries_t";
  }
  return "?";
}

} // namespace bpfscope
