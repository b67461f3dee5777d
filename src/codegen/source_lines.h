// Source lines for compiled programs: LLVM debug info attached to the IR while it is emitted, so
// that the BPF backend writes `.BTF.ext` line info, and the reader that turns that line info
// back into script locations per program.
//
// Only used to explain a program the kernel refused (codegen.h: CodegenOptions::line_info):
// normal runs compile without debug info, so start-up and the object cache do not pay for it.
#pragma once

#include "parser/ast.h"
#include "parser/location.h"

#include <llvm/IR/DIBuilder.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/Object/ObjectFile.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace bpfscope {

struct LineInfoEntry;

// One compile unit for the script, one subprogram per BPF function.
class SourceLines {
public:
  SourceLines(llvm::Module &module, const std::string &filename);

  // Gives `fn` a subprogram starting at `where` (the probe); returns it as the scope of the
  // locations of its code.
  llvm::DISubprogram *function(llvm::Function &fn, const SourceRange &where);
  // Records that code at `where` belongs to that range; the first (outermost) node starting at
  // a line and column wins, so a statement is preferred to its first operand.
  void remember(const SourceRange &where);
  // The node range that starts at line:col, if one was remembered.
  SourceRange range_at(int line, int col) const;
  void finish() { builder_.finalize(); }

private:
  llvm::DIBuilder builder_;
  llvm::DIFile *file_;
  llvm::DISubroutineType *signature_;
  std::map<std::pair<int, int>, SourceRange> ranges_;
};

// Where a statement's own code comes from: for `if`, `while` and `unroll`, only their head
// (`while (cond)`, up to the closing parenthesis), whose code is the test and the jumps; the
// statements of the body have their own locations. Other statements: their whole range.
SourceRange statement_head(const ast::Stmt &s);

// Sets the builder's debug location to `where` for the lifetime of the guard and restores the
// previous one after, so that the code emitted for the rest of an enclosing node keeps the
// enclosing node's location. Does nothing without a scope (no line info wanted).
class SourceLocationGuard {
public:
  SourceLocationGuard(llvm::IRBuilder<> &b, SourceLines *lines, llvm::DIScope *scope,
                      const SourceRange &where);
  ~SourceLocationGuard();
  SourceLocationGuard(const SourceLocationGuard &) = delete;
  SourceLocationGuard &operator=(const SourceLocationGuard &) = delete;

private:
  llvm::IRBuilder<> &b_;
  llvm::DebugLoc saved_;
  bool active_;
};

// Reads the `.BTF.ext` line info of an object the BPF backend emitted: for every section, its
// (instruction index, line, column) records in instruction order. False, with `error`, when
// the object has none or it is malformed.
bool read_line_info(const llvm::object::ObjectFile &object,
                    std::map<std::string, std::vector<LineInfoEntry>> &by_section,
                    std::string &error);

} // namespace bpfscope
