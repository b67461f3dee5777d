// Source positions carried by every AST node, so that any pass can report an error with the
// `FILE:LINE:COL-COL` prefix and an underline of the exact span.
#pragma once

namespace bpfscope {

struct SourceRange {
  // 1-based; `end_col` is one past the last character, as in bpftrace's messages (`1:14-15`).
  int begin_line = 0;
  int begin_col = 0;
  int end_line = 0;
  int end_col = 0;
  // Which source the range is in: 0 is the script, others are files it imports (registered with
  // Diagnostics::add_source).
  int file = 0;

  bool valid() const { return begin_line > 0; }
  // The smallest range covering both.
  static SourceRange join(const SourceRange &a, const SourceRange &b) {
    if (!a.valid())
      return b;
    if (!b.valid())
      return a;
    SourceRange r = a;
    if (b.begin_line < r.begin_line ||
        (b.begin_line == r.begin_line && b.begin_col < r.begin_col)) {
      r.begin_line = b.begin_line;
      r.begin_col = b.begin_col;
    }
    if (b.end_line > r.end_line || (b.end_line == r.end_line && b.end_col > r.end_col)) {
      r.end_line = b.end_line;
      r.end_col = b.end_col;
    }
    return r;
  }
};

} // namespace bpfscope
