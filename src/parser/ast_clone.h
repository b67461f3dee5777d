// Deep copies of AST subtrees (a macro body is copied at every call) and a walk over the source
// range of every node (an imported file's nodes are marked with its file index).
#pragma once

#include "parser/ast.h"

#include <functional>

namespace bpfscope::ast {

ExprPtr clone_expr(const Expr &e);
StmtPtr clone_stmt(const Stmt &s);
std::unique_ptr<Block> clone_block(const Block &b);

// Calls `fn` on the range of every node under `s` (or `e`), itself included.
void for_each_range(Stmt &s, const std::function<void(SourceRange &)> &fn);
void for_each_range(Expr &e, const std::function<void(SourceRange &)> &fn);
void for_each_range(Probe &p, const std::function<void(SourceRange &)> &fn);

} // namespace bpfscope::ast

namespace bpfscope::ast {

// Calls `fn` on every expression slot under `p` (predicate, statements), outermost first;
// `fn` returns true when it replaced or handled the slot, and its subtree is then not visited.
void for_each_expr_slot(Probe &p, const std::function<bool(ExprPtr &)> &fn);

} // namespace bpfscope::ast

namespace bpfscope::ast {

// Whether the tree under `s` (or `e`) is more than `limit` nodes deep. Never recurses deeper than
// `limit` itself, so it is safe on any tree: macro expansion checks its results with it, since
// later passes recurse over the tree.
bool deeper_than(const Stmt &s, int limit);
bool deeper_than(const Expr &e, int limit);

// The number of nodes under `e`, itself included.
size_t node_count(const Expr &e);

} // namespace bpfscope::ast
