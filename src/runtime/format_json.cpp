#include "runtime/format_json.h"

#include <cstdio>

#include "runtime/format_value.h"

namespace bpfscope {

std::string json_escape(const std::string &s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  for (char c : s) {
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      if (static_cast<unsigned char>(c) < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned>(c));
        out += buf;
      } else {
        out += c;
      }
    }
  }
  out += '"';
  return out;
}

std::string json_int(int64_t v) {
  std::string s = std::to_string(v);
  double d = static_cast<double>(v);
  // 2^63 itself is not an int64, so anything rounding up to it is not exact.
  if (d >= 9223372036854775808.0 || static_cast<int64_t>(d) != v)
    return json_escape(s);
  return s;
}

std::string json_uint(uint64_t v) {
  std::string s = std::to_string(v);
  double d = static_cast<double>(v);
  if (d >= 18446744073709551616.0 || static_cast<uint64_t>(d) != v)
    return json_escape(s);
  return s;
}

namespace {
// A struct, or a record with named fields: {"name": value, ...}.
std::string json_object(const Type &type, const uint8_t *data) {
  std::string s = "{";
  for (size_t i = 0; i < type.fields.size(); i++) {
    if (i)
      s += ", ";
    s += json_escape(type.field_names[i]) + ": " +
         json_value(type.fields[i], data + type.field_offsets[i]);
  }
  return s + "}";
}
} // namespace

std::string json_value(const Type &type, const uint8_t *data) {
  switch (type.kind) {
  case TypeKind::None:
    return "null";
  case TypeKind::Boolean:
    return read_integer_bits(type, data) ? "true" : "false"; // a bool bitfield too
  case TypeKind::String:
    return json_escape(read_string_value(type, data));
  case TypeKind::Tuple: {
    if (type.is_named_record()) // an object, as a struct is
      return json_object(type, data);
    std::string s = "[";
    for (size_t i = 0; i < type.fields.size(); i++) {
      if (i)
        s += ",";
      s += json_value(type.fields[i], data + type.field_offsets[i]);
    }
    return s + "]";
  }
  case TypeKind::Record: // a struct
    return json_object(type, data);
  case TypeKind::Array: {
    std::string s = "[";
    for (int i = 0; i < type.array_len; i++) {
      if (i)
        s += ",";
      s += json_value(type.pointee(), data + i * type.pointee().size);
    }
    return s + "]";
  }
  case TypeKind::Context:
    return json_uint(read_integer_bits(type, data));
  case TypeKind::Hist:
  case TypeKind::Lhist:
    return "null";
  case TypeKind::Stack: // symbolised text, as a string
  case TypeKind::Ksym:
  case TypeKind::Username:
  case TypeKind::Strerror:
  case TypeKind::Usym:
  case TypeKind::Buffer:
    return json_escape(format_value(type, data));
  case TypeKind::Resolved: // pton's bytes are an array; the others text
    if (type.resolved == ResolvedKind::Bytes)
      return format_value(type, data);
    return json_escape(format_value(type, data));
  default: {
    uint64_t bits = read_integer_bits(type, data);
    if (is_signed_integer(type))
      return json_int(static_cast<int64_t>(bits));
    return json_uint(bits);
  }
  }
}

std::string json_printf_record(const std::string &text) {
  return "{\"type\": \"printf\", \"data\": " + json_escape(text) + "}\n";
}

std::string json_time_record(const std::string &text) {
  return "{\"type\": \"time\", \"data\": " + json_escape(text) + "}\n";
}

std::string json_value_record(const Type &type, const uint8_t *data) {
  return "{\"type\": \"value\", \"data\": " + json_value(type, data) + "}\n";
}

std::string json_attached_probes_record(uint64_t count) {
  std::string n = std::to_string(count);
  return "{\"type\": \"attached_probes\", \"count\": " + n + ", \"data\": {\"probes\": " + n +
         "}}\n";
}

} // namespace bpfscope
