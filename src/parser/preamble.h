// The top level of a script outside probes: the config block, `import "file.bt";` lines and the
// headers of `macro name(params) { ... }` and `fn name(params): type { ... }` definitions. These
// are read here, from the text, before the grammar sees the script, and blanked out (spaces,
// newlines kept) so that every remaining token keeps its line and column. A macro keeps its `macro`
// keyword in the text: the grammar then reads `macro { body }` as a probe, whose body is the
// macro's, with its exact locations; the front end (script.cpp) takes those probes back out as
// macro definitions.
#pragma once

#include "parser/ast.h"
#include "parser/config.h"
#include "parser/diagnostics.h"
#include "parser/location.h"

#include <string>
#include <vector>

namespace bpfscope {

// Line and column of byte offsets in one text, and back.
class LineIndex {
public:
  explicit LineIndex(const std::string &text);
  SourceRange range(size_t begin, size_t end) const; // [begin, end)
  size_t offset(int line, int col) const;            // 1-based line and column

private:
  std::vector<size_t> starts_;
};

struct ImportDecl {
  std::string path; // as written
  SourceRange range;
};

struct MacroParam {
  enum class Kind { Variable, Map, Expression }; // $a, @a, a
  Kind kind = Kind::Expression;
  std::string name; // with its sigil
  SourceRange range;
};

struct MacroHeader {
  std::string name;
  SourceRange name_range;
  std::vector<MacroParam> params;
};

struct Preamble {
  bool has_config = false;
  SourceRange config_range; // the `config` keyword
  std::vector<ConfigAssignment> config;
  std::vector<ImportDecl> imports;
  std::vector<MacroHeader> macros; // in order of appearance
  // `fn name($a: type, ...): type`, in order of appearance. As with a macro, `fn` stays in the
  // text and the grammar reads the body as the body of a probe named `fn`.
  std::vector<ast::FunctionSignature> functions;
  std::string text; // the script with all of the above blanked
};

// False when an error was reported.
bool read_preamble(const std::string &source, Preamble &out, Diagnostics &diags);

} // namespace bpfscope
