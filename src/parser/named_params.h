// Named program parameters: `getopt("name", default)` in a script, given after `--` on the
// command line as `--name=value` (or `--name` for a boolean). Each getopt call is replaced by a
// literal before the semantic pass; its type is the default's (integer, string or boolean, the
// last when there is no default).
#pragma once

#include "parser/ast.h"
#include "parser/diagnostics.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bpfscope {

struct NamedArgs {
  // name -> value as written; nullopt for a bare `--name`.
  std::map<std::string, std::optional<std::string>> values;
};

// Splits the arguments after the script (or -e program) into positional ones and named ones: a
// `--` ends the positional-only part; after it, `--name[=value]` is named and anything else
// positional. False with a message for a malformed option.
bool split_program_args(const std::vector<std::string> &args, std::vector<std::string> &positional,
                        NamedArgs &named, std::string &error);

// Replaces every getopt() call in `program`; reports bad calls, bad values and named arguments
// no getopt() asks for. False when an error was reported.
bool substitute_getopt(ast::Program &program, const NamedArgs &named, Diagnostics &diags);

} // namespace bpfscope
