// Warnings for the helper failures the probes record (codegen/helper_errors.h), in bpftrace's
// words and diagnostic form: "FILE:LINE:COL-COL: WARNING: ...", the source line and its
// underline, and for a full map a hint naming the map and its limit. Once per call site.
#pragma once

#include "codegen/codegen.h"
#include "parser/diagnostics.h"
#include "parser/semantic.h"
#include "runtime/output.h"

#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace bpfscope {

// The warning for `site`, whose helper failed with `error` (an errno).
std::string render_helper_error(const HelperErrorSite &site, int error, const ProgramInfo &info,
                                const Diagnostics &source, int max_map_keys);

class HelperErrorReporter {
public:
  // `map_fd`: the helper_errors map; `source`: the script (nothing is reported without it).
  HelperErrorReporter(int map_fd, const std::vector<HelperErrorSite> &sites,
                      const ProgramInfo &info, const Diagnostics *source, int max_map_keys);
  // Reads the slots and prints, on `out`, a warning for each site that failed since the last
  // call, calling `before` first if there is one (to flush the output that came before).
  // With `json` (-f json) each becomes a "helper_error" record on that output instead.
  // Returns whether it printed anything.
  bool report(std::ostream &out, const std::function<void()> &before, Output *json = nullptr);

private:
  int map_fd_;
  const std::vector<HelperErrorSite> &sites_;
  const ProgramInfo &info_;
  const Diagnostics *source_;
  int max_map_keys_;
  std::vector<bool> reported_;
  std::vector<uint64_t> slots_;
};

} // namespace bpfscope
