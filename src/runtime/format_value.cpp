#include "runtime/format_value.h"

#include "parser/enum_names.h"
#include "runtime/format_buffer.h"
#include "runtime/format_resolved.h"
#include "runtime/stack_format.h"

#include <cstdio>
#include <cstring>
#include <pwd.h>
#include <string>

namespace bpfscope {

namespace {

uint64_t load_unsigned(const uint8_t *data, int size) {
  switch (size) {
  case 1:
    return data[0];
  case 2: {
    uint16_t v;
    std::memcpy(&v, data, sizeof(v));
    return v;
  }
  case 4: {
    uint32_t v;
    std::memcpy(&v, data, sizeof(v));
    return v;
  }
  case 8: {
    uint64_t v;
    std::memcpy(&v, data, sizeof(v));
    return v;
  }
  default: {
    // Odd sizes: little-endian, at most 8 bytes.
    uint64_t v = 0;
    int n = size < 8 ? size : 8;
    for (int i = n - 1; i >= 0; i--)
      v = (v << 8) | data[i];
    return v;
  }
  }
}

uint64_t sign_extend(uint64_t v, int size) {
  if (size <= 0 || size >= 8)
    return v;
  int bits = size * 8;
  uint64_t sign = uint64_t(1) << (bits - 1);
  uint64_t mask = (uint64_t(1) << bits) - 1;
  v &= mask;
  return (v ^ sign) - sign;
}

int value_size(const Type &type) {
  if (type.is_aggregation())
    return 8;
  return type.size;
}

} // namespace

bool is_signed_integer(const Type &type) {
  switch (type.kind) {
  case TypeKind::Integer:
  case TypeKind::Sum:
  case TypeKind::Min:
  case TypeKind::Max:
  case TypeKind::Avg:
  case TypeKind::Stats:
    return type.is_signed;
  default:
    return false;
  }
}

uint64_t read_integer_bits(const Type &type, const uint8_t *data) {
  if (type.bitfield_size > 0) { // only the bytes that hold it: they may end the struct
    int bytes = (type.bitfield_offset + type.bitfield_size + 7) / 8;
    unsigned __int128 word = 0;
    for (int i = 0; i < bytes; i++)
      word |= static_cast<unsigned __int128>(data[i]) << (8 * i);
    uint64_t v = static_cast<uint64_t>(word >> type.bitfield_offset);
    if (type.bitfield_size < 64)
      v &= (uint64_t{1} << type.bitfield_size) - 1;
    if (type.kind == TypeKind::Boolean)
      return v != 0 ? 1 : 0;
    if (type.is_signed && type.bitfield_size < 64 && (v >> (type.bitfield_size - 1)) & 1)
      v |= ~uint64_t{0} << type.bitfield_size;
    return v;
  }
  if (type.kind == TypeKind::Boolean)
    return data[0] != 0 ? 1 : 0;
  int size = value_size(type);
  uint64_t v = load_unsigned(data, size);
  if (is_signed_integer(type))
    v = sign_extend(v, size);
  return v;
}

namespace {
std::string &str_trunc_trailer() {
  static std::string trailer = kStrTruncTrailer;
  return trailer;
}
} // namespace

void set_str_trunc_trailer(const std::string &trailer) { str_trunc_trailer() = trailer; }

std::string read_string_value(const Type &type, const uint8_t *data) {
  size_t size = type.size > 0 ? static_cast<size_t>(type.size) : 0;
  const void *nul = size ? std::memchr(data, 0, size) : nullptr;
  if (nul)
    return std::string(reinterpret_cast<const char *>(data),
                       static_cast<const uint8_t *>(nul) - data);
  std::string s(reinterpret_cast<const char *>(data), size);
  if (size > 0)
    s += str_trunc_trailer();
  return s;
}

namespace {
// bpftrace's struct format, also a record's: { .a = 1, .b = { .c = 2 } }.
std::string struct_text(const Type &type, const uint8_t *data) {
  std::string s = "{ ";
  for (size_t i = 0; i < type.fields.size(); i++) {
    if (i)
      s += ", ";
    s += "." + type.field_names[i] + " = " +
         format_value(type.fields[i], data + type.field_offsets[i]);
  }
  return s + " }";
}
} // namespace

std::string format_value(const Type &type, const uint8_t *data) {
  switch (type.kind) {
  case TypeKind::None:
    return "";
  case TypeKind::Boolean:
    return read_integer_bits(type, data) ? "true" : "false";
  case TypeKind::String:
    return read_string_value(type, data);
  case TypeKind::Tuple: {
    if (type.is_named_record()) // printed like a struct, as bpftrace prints records
      return struct_text(type, data);
    std::string s = "(";
    for (size_t i = 0; i < type.fields.size(); i++) {
      if (i)
        s += ", ";
      s += format_value(type.fields[i], data + type.field_offsets[i]);
    }
    return s + ")";
  }
  case TypeKind::Record:
    return struct_text(type, data);
  case TypeKind::Array: { // [1,2,3]
    std::string s = "[";
    int step = type.pointee().size;
    for (int i = 0; i < type.array_len; i++) {
      if (i)
        s += ",";
      s += format_value(type.pointee(), data + i * step);
    }
    return s + "]";
  }
  case TypeKind::Context:
  case TypeKind::Pointer: {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "0x%llx",
                  static_cast<unsigned long long>(load_unsigned(data, 8)));
    return buf;
  }
  case TypeKind::Hist:
  case TypeKind::Lhist:
    return "";
  case TypeKind::Stack:
    return format_stack(type, load_unsigned(data, 8));
  case TypeKind::Ksym:
    return format_ksym(load_unsigned(data, 8));
  case TypeKind::Username: {
    uint64_t uid = load_unsigned(data, 8);
    struct passwd pw, *found = nullptr;
    char buf[1024];
    if (getpwuid_r(static_cast<uid_t>(uid), &pw, buf, sizeof(buf), &found) == 0 && found)
      return found->pw_name;
    return std::to_string(uid);
  }
  case TypeKind::Strerror:
    return std::strerror(static_cast<int>(load_unsigned(data, 8)));
  case TypeKind::Resolved:
    return format_resolved(type, data);
  case TypeKind::Usym:
    return format_usym(load_unsigned(data, 8), static_cast<uint32_t>(load_unsigned(data + 8, 8)));
  case TypeKind::Buffer:
    return format_buffer(type, data, BufferStyle::Escaped);
  default: {
    uint64_t bits = read_integer_bits(type, data);
    if (type.enum_names && type.kind == TypeKind::Integer)
      return enum_value_text(*type.enum_names, bits, is_signed_integer(type));
    if (type.is_pointer) {
      char buf[24];
      std::snprintf(buf, sizeof(buf), "0x%llx", static_cast<unsigned long long>(bits));
      return buf;
    }
    if (is_signed_integer(type))
      return std::to_string(static_cast<int64_t>(bits));
    return std::to_string(bits);
  }
  }
}

int compare_values(const Type &type, const uint8_t *a, const uint8_t *b) {
  switch (type.kind) {
  case TypeKind::String: {
    size_t size = type.size > 0 ? static_cast<size_t>(type.size) : 0;
    size_t la = strnlen(reinterpret_cast<const char *>(a), size);
    size_t lb = strnlen(reinterpret_cast<const char *>(b), size);
    int c = std::memcmp(a, b, la < lb ? la : lb);
    if (c)
      return c < 0 ? -1 : 1;
    return la < lb ? -1 : (la > lb ? 1 : 0);
  }
  case TypeKind::Tuple:
    for (size_t i = 0; i < type.fields.size(); i++) {
      int c = compare_values(type.fields[i], a + type.field_offsets[i], b + type.field_offsets[i]);
      if (c)
        return c;
    }
    return 0;
  case TypeKind::Integer:
  case TypeKind::Boolean:
  case TypeKind::Context:
  case TypeKind::Pointer:
  case TypeKind::Count:
  case TypeKind::Sum:
  case TypeKind::Min:
  case TypeKind::Max:
  case TypeKind::Avg: {
    uint64_t x = read_integer_bits(type, a), y = read_integer_bits(type, b);
    if (is_signed_integer(type)) {
      int64_t sx = static_cast<int64_t>(x), sy = static_cast<int64_t>(y);
      return sx < sy ? -1 : (sx > sy ? 1 : 0);
    }
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  default: {
    int size = type.size > 0 ? type.size : 0;
    int c = std::memcmp(a, b, static_cast<size_t>(size));
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  }
}

} // namespace bpfscope
