// SmallBytes: map keys kept inline up to 16 bytes, on the heap beyond, with value semantics.
#include "runtime/small_bytes.h"

#include <gtest/gtest.h>

#include <numeric>
#include <utility>

namespace bpfscope {
namespace {

std::vector<uint8_t> bytes(size_t n) {
  std::vector<uint8_t> v(n);
  std::iota(v.begin(), v.end(), uint8_t{1});
  return v;
}

TEST(SmallBytes, InlineAndHeapSizesKeepTheirBytes) {
  for (size_t n : {0u, 1u, 8u, 16u, 17u, 64u}) {
    SmallBytes s = bytes(n);
    EXPECT_EQ(s.size(), n);
    EXPECT_EQ(s.empty(), n == 0);
    EXPECT_EQ(s.to_vector(), bytes(n)) << n;
  }
}

TEST(SmallBytes, CopiesAndMovesAreIndependent) {
  for (size_t n : {4u, 40u}) {
    SmallBytes a = bytes(n);
    SmallBytes b = a;
    SmallBytes c = std::move(a);
    EXPECT_TRUE(a.empty());
    EXPECT_EQ(b.to_vector(), bytes(n));
    EXPECT_EQ(c.to_vector(), bytes(n));
    b = bytes(3); // heap to inline and back
    EXPECT_EQ(b.to_vector(), bytes(3));
    b = c;
    EXPECT_EQ(b.to_vector(), bytes(n));
    b = std::move(c);
    EXPECT_EQ(b.to_vector(), bytes(n));
  }
}

TEST(SmallBytes, AssignFromItsOwnBytes) {
  SmallBytes s = bytes(40);
  s.assign(s.data() + 8, s.data() + 32); // a heap buffer replaced by a part of itself
  const std::vector<uint8_t> all = bytes(40);
  std::vector<uint8_t> want(all.begin() + 8, all.begin() + 32);
  EXPECT_EQ(s.to_vector(), want);
  s.assign(s.data(), s.data() + 4); // to inline storage
  EXPECT_EQ(s.to_vector(), std::vector<uint8_t>(want.begin(), want.begin() + 4));
}

} // namespace
} // namespace bpfscope
