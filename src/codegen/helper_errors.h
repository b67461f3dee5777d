// Failures of BPF helpers, recorded by the probes for user space to report: a map update on a
// full map always (bpftrace's "Map full" warning), and with -k every failed probe_read* and map
// update or delete.
//
// Each call site has a u64 slot in the `helper_errors` map (InternalMaps::helper_errors), which
// the probe fills with the errno of the site's first failure by one atomic compare-and-exchange,
// computed without a branch: a branch on a helper's result inside a loop would leave the
// verifier one more path to explore per iteration, and long loops would no longer verify.
// bpfscope reads the slots at every wake-up and warns once per site (helper_error_report.h).
#pragma once

#include "codegen/codegen.h"
#include "parser/ast.h"

#include <map>
#include <utility>
#include <vector>

namespace bpfscope {

// Numbers the call sites of one compilation. A node compiled into several programs (one per
// target) is one site, so it warns once in all.
class HelperErrorSites {
public:
  explicit HelperErrorSites(bool all_helpers) : all_helpers_(all_helpers) {}
  bool all_helpers() const { return all_helpers_; }
  int site(const ast::Node &node, int helper, int map_id);
  std::vector<HelperErrorSite> take() { return std::move(sites_); }

private:
  bool all_helpers_;
  std::map<std::pair<const ast::Node *, int>, int> index_;
  std::vector<HelperErrorSite> sites_;
};

// Helpers whose failure -k reports (the probe_read family).
bool is_reported_read_helper(int helper);

// "probe_read_str" for BPF_FUNC_probe_read_str, ...; "helper" for others.
const char *helper_name(int helper);

} // namespace bpfscope
