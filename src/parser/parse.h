// Entry point of the front end: source text -> AST. Syntax errors go to `diags` with their
// locations; the result is null when any error was reported.
#pragma once

#include "parser/ast.h"
#include "parser/diagnostics.h"

#include <memory>
#include <string>

namespace bpfscope {

std::unique_ptr<ast::Program> parse_program(const std::string &source, Diagnostics &diags);

// A readable indented dump of the tree (for `-d ast` and for tests), one node per line.
std::string dump_ast(const ast::Program &program);

} // namespace bpfscope
