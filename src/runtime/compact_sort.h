#pragma once

#include "runtime/format_map.h"

#include <vector>

namespace bpfscope {

// Sorts compact map rows by value, then key (the order maps are printed in), each compared as
// a signed or unsigned 64-bit number. A stable LSD radix sort over the bytes that differ
// between rows: a million rows whose counts are small and whose keys are 32-bit take five or
// six linear passes instead of std::sort's twenty-odd comparisons per row.
void sort_compact_rows(std::vector<CompactEntry> &rows, bool value_signed, bool key_signed);

} // namespace bpfscope
