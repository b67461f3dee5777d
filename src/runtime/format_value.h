// Text rendering of single values, as bpftrace v0.26 prints them with print() and in map lines.
#pragma once

#include <cstdint>
#include <string>

#include "parser/types.h"

namespace bpfscope {

// Appended to a string that fills its whole buffer without a NUL, as str() leaves a string it had
// to cut (bpftrace's default `str_trunc_trailer`).
inline constexpr const char *kStrTruncTrailer = "..";

// The trailer in use: config `str_trunc_trailer` (kStrTruncTrailer unless set).
void set_str_trunc_trailer(const std::string &trailer);

// Renders one value of `type` stored at `data` (native little-endian layout, tuples laid out per
// Type::field_offsets):
//  - integers per size/signedness (`-3`, `255`); aggregation values read as 8-byte integers
//    (count_t unsigned, the others per `is_signed`);
//  - strings up to the first NUL; a string with no NUL in its buffer gets the trailer;
//  - bool as `true`/`false`;
//  - tuples as `(1, two, 3)`;
//  - ctx as a hex pointer `0x...`.
std::string format_value(const Type &type, const uint8_t *data);

// A string value's text (up to the first NUL, trailer when the buffer has none).
std::string read_string_value(const Type &type, const uint8_t *data);

// Reads an integer-like value (Integer, Boolean, Context, Count/Sum/Min/Max/Avg) and returns its
// bits sign- or zero-extended to 64 bits according to the type.
uint64_t read_integer_bits(const Type &type, const uint8_t *data);

// Whether `type` holds a signed integer (count_t and bool are unsigned).
bool is_signed_integer(const Type &type);

// Three-way comparison of two values of `type` by meaning: integers numerically (signed when the
// type is), strings bytewise up to the NUL, tuples field by field, anything else bytewise.
int compare_values(const Type &type, const uint8_t *a, const uint8_t *b);

} // namespace bpfscope
