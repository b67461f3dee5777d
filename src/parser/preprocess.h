// Preprocessor lines. bpftrace runs scripts through clang's C preprocessor; bpfscope links no
// clang, so it does the part scripts use for themselves:
//   #define NAME value   an object-like definition; NAME is replaced by value everywhere after it
//                        (outside strings and comments), definitions may use earlier ones
//   #include <...>       accepted and ignored: kernel types come from BTF
// Function-like definitions (`#define F(x) ...`) and conditionals (#if, #ifdef, ...) are refused
// with an error. Directive lines are blanked, so every other line keeps its number.
#pragma once

#include "parser/diagnostics.h"

#include <string>
#include <vector>

namespace bpfscope {

struct Preprocessed {
  std::string text;
  std::vector<std::string> notes; // for -v: the #include lines ignored
};

// False when an error was reported.
bool preprocess(const std::string &source, Preprocessed &out, Diagnostics &diags);

} // namespace bpfscope
