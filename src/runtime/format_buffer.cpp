#include "runtime/format_buffer.h"

#include <cstdio>
#include <cstring>

namespace bpfscope {

std::string format_buffer(const Type &type, const uint8_t *data, BufferStyle style) {
  uint32_t length;
  std::memcpy(&length, data, sizeof(length));
  length = std::min<uint32_t>(length, static_cast<uint32_t>(type.buffer_capacity()));
  const uint8_t *bytes = data + Type::kBufferHeader;
  std::string out;
  char hex[8];
  for (uint32_t i = 0; i < length; i++) {
    uint8_t b = bytes[i];
    switch (style) {
    case BufferStyle::Escaped:
      if (b >= 32 && b <= 126) {
        out += static_cast<char>(b);
        continue;
      }
      [[fallthrough]];
    case BufferStyle::Hex:
      std::snprintf(hex, sizeof(hex), "\\x%02x", b);
      out += hex;
      break;
    case BufferStyle::HexSpaced:
      std::snprintf(hex, sizeof(hex), i ? " %02x" : "%02x", b);
      out += hex;
      break;
    }
  }
  return out;
}

} // namespace bpfscope
