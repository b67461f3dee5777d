// JSON output (`-f json`) helpers, following bpftrace v0.26's schema and spacing:
//   {"type": "printf", "data": "..."}     objects are spaced (`": "`, `", "`)
//   {"type": "value", "data": [1,"two",3]} arrays are not
#pragma once

#include <cstdint>
#include <string>

#include "parser/types.h"

namespace bpfscope {

// `s` as a JSON string literal, quotes included. Escapes `"`, `\`, \n, \r, \t and other control
// characters below 0x20 as \u00XX; every other byte (UTF-8 included) is copied as is.
std::string json_escape(const std::string &s);

// JSON numbers. A value that a double cannot hold exactly (beyond 2^53) is emitted as a string,
// as bpftrace does: 9007199254740993 -> "9007199254740993".
std::string json_int(int64_t v);
std::string json_uint(uint64_t v);

// One value of `type` at `data`: 1 / "two" / true / [1,"two",3] (tuples as unspaced arrays).
std::string json_value(const Type &type, const uint8_t *data);

// Whole records, each one line ending in "\n", exactly as written to stdout:
//   {"type": "printf", "data": "<text>"}
//   {"type": "time", "data": "<text>"}
//   {"type": "value", "data": <json_value>}       (print() of a non-map value)
//   {"type": "attached_probes", "count": N, "data": {"probes": N}}
std::string json_printf_record(const std::string &text);
std::string json_time_record(const std::string &text);
std::string json_value_record(const Type &type, const uint8_t *data);
std::string json_attached_probes_record(uint64_t count);

} // namespace bpfscope
