// Preprocessor lines. bpftrace runs scripts through clang's C preprocessor; bpfscope links no
// clang, so it does the part scripts use for themselves, with C's rules:
//   #define NAME value        an object-like definition, replaced everywhere after it (outside
//                             strings and comments); definitions may use others
//   #define NAME(a, b) body   a function-like one: `NAME(x, y)` is replaced by the body with the
//                             (substituted) arguments in place of the parameters
//   #undef NAME
//   #if EXPR, #ifdef NAME, #ifndef NAME, #elif EXPR, #else, #endif
//                             conditional text; EXPR is an integer constant expression of
//                             literals, operators, defined(NAME) and definitions
//                             (preprocess_expr.h)
//   #include <...>            accepted and ignored: kernel types come from BTF
// A directive continues on the next line after a `\` at its end. Directive lines and text in
// branches not taken are blanked, so every line keeps its number; columns changed by substitution
// are recorded (ColumnShift) so that messages point at what the user wrote.
#pragma once

#include "parser/diagnostics.h"

#include <string>
#include <vector>

namespace bpfscope {

// Where a substitution changed the length of a line: `out_len` bytes at `out_col` of the output
// stand for `src_len` bytes at `src_col` of the script (1-based columns, on line `line`).
struct ColumnShift {
  int line = 0;
  int out_col = 0, out_len = 0;
  int src_col = 0, src_len = 0;
};

struct Preprocessed {
  std::string text;
  std::vector<std::string> notes;  // for -v: the #include lines ignored
  std::vector<ColumnShift> shifts; // in order of position
  // `r` (a range in `text`) moved back to the script's own columns: a position after a
  // substitution moves by the difference in length, one inside it goes to the name replaced.
  void map_to_source(SourceRange &r) const;
};

// False when an error was reported.
bool preprocess(const std::string &source, Preprocessed &out, Diagnostics &diags);

} // namespace bpfscope
