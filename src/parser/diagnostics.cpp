#include "parser/diagnostics.h"

#include <sstream>

namespace bpfscope {

Diagnostics::Diagnostics(std::string filename, std::string source)
    : filename_(std::move(filename)), source_(std::move(source)) {}

void Diagnostics::error(const SourceRange &where, std::string message, std::string hint) {
  diagnostics_.push_back({Diagnostic::Severity::Error, where, std::move(message), std::move(hint)});
}

void Diagnostics::warning(const SourceRange &where, std::string message, std::string hint) {
  diagnostics_.push_back(
      {Diagnostic::Severity::Warning, where, std::move(message), std::move(hint)});
}

bool Diagnostics::has_errors() const {
  for (const auto &d : diagnostics_)
    if (d.severity == Diagnostic::Severity::Error)
      return true;
  return false;
}

std::string Diagnostics::source_line(int line) const {
  int current = 1;
  size_t start = 0;
  while (current < line) {
    size_t nl = source_.find('\n', start);
    if (nl == std::string::npos)
      return "";
    start = nl + 1;
    current++;
  }
  size_t end = source_.find('\n', start);
  return source_.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

std::string Diagnostics::render(const Diagnostic &d) const {
  std::ostringstream out;
  const char *label = d.severity == Diagnostic::Severity::Error ? "ERROR" : "WARNING";
  if (!d.range.valid()) {
    out << label << ": " << d.message << "\n";
  } else {
    const SourceRange &r = d.range;
    std::string line = source_line(r.begin_line);
    out << filename_ << ":" << r.begin_line;
    if (r.end_line > r.begin_line) {
      out << "-" << r.end_line;
    } else {
      int end_col = r.end_col > r.begin_col ? r.end_col : r.begin_col + 1;
      out << ":" << r.begin_col << "-" << end_col;
    }
    out << ": " << label << ": " << d.message << "\n";
    out << line << "\n";
    // Underline: tabs are kept so that the marks line up under the source as printed.
    int last = r.end_line > r.begin_line ? static_cast<int>(line.size()) + 1 : r.end_col;
    if (last <= r.begin_col)
      last = r.begin_col + 1;
    std::string underline;
    for (int col = 1; col < last; col++) {
      char c = col - 1 < static_cast<int>(line.size()) ? line[col - 1] : ' ';
      if (col < r.begin_col)
        underline += c == '\t' ? '\t' : ' ';
      else
        underline += '~';
    }
    out << underline << "\n";
  }
  if (!d.hint.empty())
    out << "HINT: " << d.hint << "\n";
  return out.str();
}

void Diagnostics::print(std::ostream &out) const {
  for (const auto &d : diagnostics_)
    out << render(d);
}

} // namespace bpfscope
