// Failures of BPF helpers, reported from the probe to user space: a map update on a full map
// always (bpftrace's "Map full" warning), and with -k every failed probe_read* and map update or
// delete. Each call site reports its first failure only: a `globals` slot per site is set with
// an atomic exchange, and only the call that found it clear sends the record.
#pragma once

#include "parser/ast.h"
#include "parser/types.h"

#include <cstdint>
#include <map>
#include <utility>

namespace bpfscope {

// The payload of an EventKind::HelperError record, laid out as helper_error_payload_type().
struct HelperErrorRecord {
  int64_t result;                                    // what the helper returned: -errno
  uint32_t helper;                                   // BPF_FUNC_*
  uint32_t map_id;                                   // the script's map, or kNoMap
  uint32_t begin_line, begin_col, end_line, end_col; // the call site
};
static_assert(sizeof(HelperErrorRecord) == 32);
constexpr uint32_t kNoMap = 0xffffffff;

// The tuple type codegen stores the record as (same layout as HelperErrorRecord).
Type helper_error_payload_type();

// Numbers the call sites of one compilation. A node compiled into several programs (one per
// target) is one site, so it reports once in all.
class HelperErrorSites {
public:
  explicit HelperErrorSites(bool all_helpers) : all_helpers_(all_helpers) {}
  bool all_helpers() const { return all_helpers_; }
  int site(const ast::Node *node, int helper);
  int count() const { return static_cast<int>(sites_.size()); }

private:
  bool all_helpers_;
  std::map<std::pair<const ast::Node *, int>, int> sites_;
};

// Helpers whose failure -k reports (the probe_read family).
bool is_reported_read_helper(int helper);

// "probe_read_str" for BPF_FUNC_probe_read_str, ...; "helper N" for others.
const char *helper_name(int helper);

} // namespace bpfscope
