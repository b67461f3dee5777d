// The tseries() aggregation in user space: merging the per-CPU slots of one interval, and the
// text chart and JSON bpftrace v0.26 prints for a time series.
#pragma once

#include "parser/types.h"
#include "runtime/format_map.h"

#include <cstdint>
#include <string>
#include <vector>

namespace bpfscope {

// One (key, slot) element of a tseries map, its CPUs merged: the interval it holds and the value
// recorded in it (already divided for "avg"). `valid` is false when no CPU recorded anything.
TseriesPoint merge_tseries_slot(const Type &type, const uint8_t *raw, int cpus);

// The chart of one series: the newest `type.tseries_count` intervals up to the newest one
// recorded, each row `HH:MM:SS[.frac] |<53 columns>| value` ("-" for an interval without data),
// between a header and a footer scaled to the smallest and largest value. "<no data>" when empty.
// Intervals are numbered on the wall clock (compile_tseries.cpp).
std::string format_tseries_text(const Type &type, const std::vector<TseriesPoint> &slots);

// The JSON array of one series, spaced as bpftrace v0.26 writes it:
// `[{"interval_start":"2025-06-01 10:41:46.700000000","value":1},...]` (UTC; value null for an
// interval without data). bpftrace leaves the time unquoted and the elements without commas;
// here they are quoted and separated, so that the line is valid JSON.
std::string format_tseries_json(const Type &type, const std::vector<TseriesPoint> &slots);

} // namespace bpfscope
