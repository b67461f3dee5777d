// One diagnostics engine for every pass: errors and warnings with a source range, rendered the
// way bpftrace v0.26 renders them (`FILE:LINE:COL-COL: ERROR: MESSAGE`, the source line, and a
// `~~~` underline of the span, then an optional `HINT:` line).
#pragma once

#include "parser/location.h"

#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace bpfscope {

struct Diagnostic {
  enum class Severity { Error, Warning };
  Severity severity = Severity::Error;
  SourceRange range; // invalid() for errors that belong to no place in the script
  std::string message;
  std::string hint;
};

class Diagnostics {
public:
  Diagnostics(std::string filename, std::string source);

  void error(const SourceRange &where, std::string message, std::string hint = "");
  void warning(const SourceRange &where, std::string message, std::string hint = "");

  // Registers another source (an imported file) whose ranges carry the returned `file` index.
  int add_source(std::string filename, std::string source);
  // Copies the diagnostics of `other` (a parse of source `file`), marking their ranges with it.
  void append_from(const Diagnostics &other, int file);

  bool has_errors() const;
  const std::vector<Diagnostic> &all() const { return diagnostics_; }
  const std::string &filename() const { return filename_; }
  // The name of source `file` (0: the script, 1..: its imports).
  const std::string &filename_of(int file) const;
  const std::string &source() const { return source_; }

  // Renders one diagnostic, or all of them in the order they were reported.
  std::string render(const Diagnostic &d) const;
  void print(std::ostream &out) const;

private:
  std::string source_line(int file, int line) const;

  std::string filename_;
  std::string source_;
  std::vector<std::pair<std::string, std::string>> imports_; // file 1, 2, ...: name and text
  std::vector<Diagnostic> diagnostics_;
};

} // namespace bpfscope
