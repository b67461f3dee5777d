#include "runtime/compact_sort.h"

#include <array>
#include <cstdint>

namespace bpfscope {

namespace {

// Flipping the sign bit makes signed numbers order as unsigned ones.
uint64_t sortable(uint64_t bits, bool is_signed) { return is_signed ? bits ^ (1ULL << 63) : bits; }

// Digit `d` (0..15) of a row's 128-bit sort key, least significant first: bytes 0-7 of the
// key, then bytes 0-7 of the value.
unsigned digit(const CompactEntry &row, unsigned d, bool value_signed, bool key_signed) {
  uint64_t word = d < 8 ? sortable(row.key, key_signed) : sortable(row.scalar, value_signed);
  return static_cast<unsigned>(word >> ((d % 8) * 8)) & 0xff;
}

} // namespace

void sort_compact_rows(std::vector<CompactEntry> &rows, bool value_signed, bool key_signed) {
  const size_t n = rows.size();
  if (n < 2)
    return;
  // Every digit's histogram in one pass; a digit all rows share needs no pass of its own.
  std::vector<std::array<size_t, 256>> counts(16);
  for (auto &c : counts)
    c.fill(0);
  for (const CompactEntry &row : rows)
    for (unsigned d = 0; d < 16; d++)
      counts[d][digit(row, d, value_signed, key_signed)]++;
  std::vector<CompactEntry> scratch;
  for (unsigned d = 0; d < 16; d++) {
    auto &count = counts[d];
    if (count[digit(rows[0], d, value_signed, key_signed)] == n)
      continue;
    if (scratch.empty())
      scratch.resize(n);
    std::array<size_t, 256> start;
    size_t sum = 0;
    for (unsigned b = 0; b < 256; b++) {
      start[b] = sum;
      sum += count[b];
    }
    for (const CompactEntry &row : rows)
      scratch[start[digit(row, d, value_signed, key_signed)]++] = row;
    rows.swap(scratch);
  }
}

} // namespace bpfscope
