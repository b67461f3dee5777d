// User-defined functions, `fn name($a: int64, $b: string): int64 { ...; return $a; }`, inlined
// into their callers before the semantic pass.
//
// Each call becomes a block expression (ast::BlockExpr with `function` set) that binds the
// parameters to the arguments (`let $a = argument`, evaluated once, left to right) and runs a
// copy of the body; `return value` in it ends the function, not the probe. The body's variables
// are renamed per call, so a function sees only its parameters and its own variables; maps are
// global, as in probes.
//
// Why inlining rather than BPF-to-BPF calls: a function may use anything a probe body may (maps,
// printf, strings on the stack, for loops that need the probe's context), and a BPF subprogram
// gets only five scalar or pointer arguments and its own 512-byte stack; passing strings and the
// probe context through would need pointers into the caller's frame, which the verifier only
// accepts for callbacks of known helpers. Inlined, the body is checked by the verifier as part of
// its caller, with the argument types the caller gives. The cost is code size per call.
//
// Checked here, once per definition: parameter and return types are known names, every path of a
// non-void body ends in `return value`, `return` is not inside a `for` body (a callback), `break`
// and `continue` are inside a loop of the body, the body reads no variable it does not own, and no
// function calls itself, directly or through others (BPF forbids recursion). The semantic pass
// checks the argument and return value types (semantic.cpp, BlockExpr).
#pragma once

#include "parser/ast.h"
#include "parser/diagnostics.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace bpfscope {

struct FunctionDef {
  std::shared_ptr<const ast::FunctionSignature> sig;
  std::unique_ptr<ast::Block> body;
};

// Whether `name` is a type a function parameter may have (`allow_void`: or a return type).
bool valid_function_type(const std::string &name, bool allow_void);

// `string` or `string[N]`.
bool is_string_type(const std::string &name);

// Inlines every call of `functions` in `program`. `where` names a definition's place for
// messages ("FILE:LINE:COL"). False when an error was reported.
bool inline_functions(ast::Program &program, std::vector<FunctionDef> &functions,
                      const std::function<std::string(const SourceRange &)> &where,
                      Diagnostics &diags);

} // namespace bpfscope
