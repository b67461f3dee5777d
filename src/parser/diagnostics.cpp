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

int Diagnostics::add_source(std::string filename, std::string source) {
  imports_.emplace_back(std::move(filename), std::move(source));
  return static_cast<int>(imports_.size());
}

void Diagnostics::append_from(const Diagnostics &other, int file) {
  for (Diagnostic d : other.all()) {
    if (d.range.valid())
      d.range.file = file;
    diagnostics_.push_back(std::move(d));
  }
}

bool Diagnostics::has_errors() const {
  for (const auto &d : diagnostics_)
    if (d.severity == Diagnostic::Severity::Error)
      return true;
  return false;
}

std::string Diagnostics::source_line(int file, int line) const {
  const std::string &source_ = file > 0 && file <= static_cast<int>(imports_.size())
                                   ? imports_[file - 1].second
                                   : this->source_;
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

const std::string &Diagnostics::filename_of(int file) const {
  return file > 0 && file <= static_cast<int>(imports_.size()) ? imports_[file - 1].first
                                                               : filename_;
}

std::string Diagnostics::render(const Diagnostic &d) const {
  std::ostringstream out;
  const char *label = d.severity == Diagnostic::Severity::Error ? "ERROR" : "WARNING";
  if (!d.range.valid()) {
    out << label << ": " << d.message << "\n";
  } else {
    const SourceRange &r = d.range;
    std::string line = source_line(r.file, r.begin_line);
    const std::string &name = filename_of(r.file);
    out << name << ":" << r.begin_line;
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
