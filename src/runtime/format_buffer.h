// Printing buf() values as bpftrace does: %r (and print()) writes printable ASCII (32..126) as
// is and every other byte as \xNN; %rx writes every byte as \xNN; %rh writes every byte as two
// hex digits, separated by spaces ("0a fe").
#pragma once

#include "parser/types.h"

#include <cstdint>
#include <string>

namespace bpfscope {

enum class BufferStyle { Escaped, Hex, HexSpaced };

// `data` is a Buffer value laid out as `type` ({u32 length, u32 pad, bytes}); the length is
// clamped to the type's capacity.
std::string format_buffer(const Type &type, const uint8_t *data, BufferStyle style);

} // namespace bpfscope
