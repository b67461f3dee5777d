// A byte string that keeps up to 16 bytes inside the object (no heap allocation), for the keys
// of map entries: a map of a million integer or comm keys is printed without a million small
// allocations (each 32 bytes of heap on top of the vector itself).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace bpfscope {

class SmallBytes {
public:
  static constexpr size_t kInline = 16;

  SmallBytes() = default;
  SmallBytes(const std::vector<uint8_t> &v) { assign(v.data(), v.data() + v.size()); }
  SmallBytes(const SmallBytes &o) { assign(o.data(), o.data() + o.size()); }
  SmallBytes(SmallBytes &&o) noexcept { steal(o); }
  SmallBytes &operator=(const SmallBytes &o) {
    if (this != &o)
      assign(o.data(), o.data() + o.size());
    return *this;
  }
  SmallBytes &operator=(SmallBytes &&o) noexcept {
    if (this != &o) {
      release();
      steal(o);
    }
    return *this;
  }
  SmallBytes &operator=(const std::vector<uint8_t> &v) {
    assign(v.data(), v.data() + v.size());
    return *this;
  }
  ~SmallBytes() { release(); }

  void assign(const uint8_t *begin, const uint8_t *end) {
    size_t n = static_cast<size_t>(end - begin);
    if (n > kInline) {
      // Copy first: `begin` may point into this object's own heap buffer.
      auto *fresh = new uint8_t[n];
      std::memcpy(fresh, begin, n);
      release();
      heap_ = fresh;
    } else {
      uint8_t tmp[kInline];
      if (n)
        std::memcpy(tmp, begin, n);
      release();
      if (n)
        std::memcpy(inline_, tmp, n);
    }
    size_ = static_cast<uint32_t>(n);
  }

  const uint8_t *data() const { return size_ > kInline ? heap_ : inline_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::vector<uint8_t> to_vector() const { return {data(), data() + size_}; }

private:
  void release() {
    if (size_ > kInline)
      delete[] heap_;
    size_ = 0;
  }
  void steal(SmallBytes &o) {
    size_ = o.size_;
    if (size_ > kInline)
      heap_ = o.heap_;
    else if (size_)
      std::memcpy(inline_, o.inline_, size_);
    o.size_ = 0;
  }

  uint32_t size_ = 0;
  union {
    uint8_t inline_[kInline];
    uint8_t *heap_;
  };
};

} // namespace bpfscope
