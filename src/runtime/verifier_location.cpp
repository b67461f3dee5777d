#include "runtime/verifier_location.h"

#include <unistd.h>

#include <regex>
#include <sstream>

namespace bpfscope {

std::optional<uint32_t> rejected_instruction(const std::string &log) {
  static const std::regex loop(R"(infinite loop detected at insn (\d+))");
  static const std::regex insn_line(R"(^(\d+): \()");
  std::smatch m;
  if (std::regex_search(log, m, loop))
    return static_cast<uint32_t>(std::stoul(m[1]));
  std::optional<uint32_t> last;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);)
    if (std::regex_search(line, m, insn_line))
      last = static_cast<uint32_t>(std::stoul(m[1]));
  return last;
}

SourceRange source_of_instruction(const std::vector<LineInfoEntry> &lines, uint32_t insn) {
  SourceRange found;
  for (const LineInfoEntry &e : lines) {
    if (e.insn > insn)
      break;
    if (e.range.valid())
      found = e.range;
  }
  return found;
}

namespace {
std::string plain(const LoadResult &r) {
  std::string text = "ERROR: " + r.error;
  if (text.back() != '\n')
    text += "\n";
  return text;
}
} // namespace

std::string explain_rejection(size_t index, const LoadResult &first,
                              const LoadAttributes &attributes, const std::vector<int> &map_fds,
                              const RejectionContext &context) {
  if (!context.source || !context.compile_with_line_info || first.summary.empty())
    return plain(first);
  CompiledObject with_lines;
  if (!context.compile_with_line_info(with_lines) || index >= with_lines.programs.size())
    return plain(first);
  const CompiledProgram &program = with_lines.programs[index];
  // Debug info should not change the code, but the instruction numbers must come from the
  // program the line info describes: load that one for its own log.
  LoadResult again = load_program(program, attributes, map_fds, true);
  if (again.fd >= 0) { // accepted this time: nothing to point at
    close(again.fd);
    return plain(first);
  }
  std::optional<uint32_t> insn = rejected_instruction(again.log);
  if (!insn)
    return plain(first);
  SourceRange where = source_of_instruction(program.line_info, *insn);
  if (!where.valid())
    return plain(first);
  Diagnostic d;
  d.range = where;
  d.message = first.summary;
  std::string text = context.source->render(d);
  text += first.log_tail;
  if (!first.hint.empty())
    text += "HINT: " + first.hint + "\n";
  return text;
}

} // namespace bpfscope
