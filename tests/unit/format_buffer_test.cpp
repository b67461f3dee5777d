// buf() values as %r, %rx, %rh and print() show them (bpftrace's docs/stdlib.md, "buf").
#include "runtime/format_buffer.h"
#include "runtime/format_json.h"
#include "runtime/format_printf.h"
#include "runtime/format_value.h"

#include <gtest/gtest.h>

#include <cstring>

namespace bpfscope {
namespace {

std::vector<uint8_t> buffer_bytes(const Type &t, const std::string &bytes, uint32_t length) {
  std::vector<uint8_t> b(static_cast<size_t>(t.size), 0);
  std::memcpy(b.data(), &length, sizeof(length));
  std::memcpy(b.data() + Type::kBufferHeader, bytes.data(),
              std::min<size_t>(bytes.size(), t.buffer_capacity()));
  return b;
}

TEST(FormatBuffer, EscapedHexAndSpacedHex) {
  Type t = Type::buffer(8);
  auto data = buffer_bytes(t, std::string("AB\0\x01\xff~ \x7f", 8), 8);
  EXPECT_EQ(format_buffer(t, data.data(), BufferStyle::Escaped), "AB\\x00\\x01\\xff~ \\x7f");
  EXPECT_EQ(format_buffer(t, data.data(), BufferStyle::Hex),
            "\\x41\\x42\\x00\\x01\\xff\\x7e\\x20\\x7f");
  EXPECT_EQ(format_buffer(t, data.data(), BufferStyle::HexSpaced), "41 42 00 01 ff 7e 20 7f");
  EXPECT_EQ(format_value(t, data.data()), "AB\\x00\\x01\\xff~ \\x7f");
}

TEST(FormatBuffer, LengthIsClampedToCapacity) {
  Type t = Type::buffer(3);
  EXPECT_EQ(t.name(), "buffer[3]");
  auto data = buffer_bytes(t, "abc", 2);
  EXPECT_EQ(format_buffer(t, data.data(), BufferStyle::Escaped), "ab");
  data = buffer_bytes(t, "abc", 1000);
  EXPECT_EQ(format_buffer(t, data.data(), BufferStyle::Escaped), "abc");
  data = buffer_bytes(t, "abc", 0);
  EXPECT_EQ(format_buffer(t, data.data(), BufferStyle::HexSpaced), "");
}

TEST(FormatBuffer, PrintfConversions) {
  Type t = Type::buffer(3);
  PrintfArg arg{t, buffer_bytes(t, "a\n", 2)};
  EXPECT_EQ(format_printf("[%r] [%rx] [%rh]", {arg, arg, arg}), "[a\\x0a] [\\x61\\x0a] [61 0a]");
  EXPECT_EQ(check_printf_format("%r %rx %rh", {t, t, t}), "");
  EXPECT_EQ(check_printf_format("%rx", {Type::integer(8, false)}),
            "printf: %rx specifier expects a value of type buffer (integer supplied)");
  EXPECT_EQ(check_printf_format("%s", {t}), "");
}

TEST(FormatBuffer, Json) {
  Type t = Type::buffer(2);
  auto data = buffer_bytes(t, "\x01z", 2);
  EXPECT_EQ(json_value(t, data.data()), "\"\\\\x01z\"");
}

} // namespace
} // namespace bpfscope
