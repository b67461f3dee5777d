// The front end of a script as a whole: preprocessor lines, the config block, imports, macros
// and named parameters around the grammar proper (parse.h):
//
//   text -> preprocess -> read_preamble -> parse -> imports -> getopt() -> macros -> AST
//
// The AST that comes out has no macro calls, no getopt() calls and the probes of every imported
// file, each node marked with the file it came from; it goes to the semantic pass as usual.
#pragma once

#include "parser/ast.h"
#include "parser/config.h"
#include "parser/diagnostics.h"
#include "parser/named_params.h"

#include <memory>
#include <string>
#include <vector>

namespace bpfscope {

struct ScriptInput {
  std::string filename; // "stdin" for -e and -: imports are then relative to the working dir
  NamedArgs named_args;
  bool apply_env = true; // BPFTRACE_*/BPFSCOPE_* config variables (off in unit tests)
};

struct Script {
  std::unique_ptr<ast::Program> program;
  RunConfig config;
  std::vector<std::string> notes;    // for -v
  std::vector<std::string> warnings; // always shown (on stderr)
  // Every imported file, in order, with its text: part of what the compiled object depends on.
  std::string imported_text;
};

// `diags` must have been made with (filename, text). False when an error was reported.
bool load_script(const std::string &text, const ScriptInput &input, Script &out,
                 Diagnostics &diags);

} // namespace bpfscope
