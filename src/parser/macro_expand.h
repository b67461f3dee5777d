// Macros (`macro name($var, @map, expr) { ... }`), expanded in the AST before the semantic pass.
//
// A call in statement position is replaced by the macro's statements; a call in an expression is
// replaced by the macro's final expression, its other statements going just before the
// statement holding the call (so they run once, before it). Expansion is hygienic: variables the
// body creates are renamed per expansion, a `$param` becomes the caller's variable, an `@param`
// the caller's map, and an expression parameter a copy of the argument at every use. A body may
// touch no other map.
#pragma once

#include "parser/ast.h"
#include "parser/diagnostics.h"
#include "parser/preamble.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace bpfscope {

struct MacroDef {
  MacroHeader header;
  std::unique_ptr<ast::Block> body;
  // The body ends with an expression and no `;`: the macro has a value.
  bool has_value = false;
};

// Expands every macro call in `program`. `where` names a definition's place for messages
// ("FILE:LINE:COL"). False when an error was reported.
bool expand_macros(ast::Program &program, const std::vector<MacroDef> &macros,
                   const std::function<std::string(const SourceRange &)> &where,
                   Diagnostics &diags);

} // namespace bpfscope
