// An address as users see it in listings, messages and printed values: "0x" and lowercase hex.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace bpfscope {

inline std::string hex_address(uint64_t address) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "0x%llx", static_cast<unsigned long long>(address));
  return buf;
}

} // namespace bpfscope
