// The abstract syntax tree. The parser builds it; the semantic pass fills in `type` on every
// expression (and resolves names); codegen reads it. Every node keeps its source range so that
// any later pass can report an error at the right place.
//
// Nodes are plain structs with a `kind` tag: passes `switch` on the tag and `static_cast`, which
// keeps each pass in one readable function per node family instead of a visitor hierarchy.
#pragma once

#include "parser/location.h"
#include "parser/types.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace bpfscope::ast {

struct Node {
  SourceRange loc;
  virtual ~Node() = default;
};

// ---------------------------------------------------------------- expressions

enum class ExprKind {
  Integer,    // 42, 0x2a, 1_000
  String,     // "text" (escapes already decoded)
  Builtin,    // pid, comm, nsecs, args, arg0, retval, ...
  Positional, // $1, $2 ... (`index`), and $# (`index` == 0, `is_count`)
  Variable,   // $name
  Map,        // @name or @name[k1, k2]
  Call,       // name(args...)
  Binary,     // lhs op rhs
  Unary,      // op expr, or expr++ / expr-- (`postfix`)
  Ternary,    // cond ? a : b
  Cast,       // (type) expr
  Field,      // expr.name or expr->name
  TupleLit,   // (a, b, c), and records (name = a, size = b)
  TupleIndex, // expr.0
  TypeQuery,  // sizeof(TYPE), sizeof(expr), offsetof(TYPE, a.b): a constant
  BlockExpr,  // { stmts; value }
  Index,      // expr[i]: a tuple's field or a string's byte (i a constant), or an element of a
              // kernel array or of what a pointer points to (any i)
};

struct Expr : Node {
  explicit Expr(ExprKind k) : kind(k) {}
  ExprKind kind;
  Type type; // set by the semantic pass
};
using ExprPtr = std::unique_ptr<Expr>;

struct IntegerLit : Expr {
  IntegerLit() : Expr(ExprKind::Integer) {}
  uint64_t value = 0;
};

struct StringLit : Expr {
  StringLit() : Expr(ExprKind::String) {}
  std::string value;
};

struct Builtin : Expr {
  Builtin() : Expr(ExprKind::Builtin) {}
  std::string name;
};

struct Positional : Expr {
  Positional() : Expr(ExprKind::Positional) {}
  int index = 0;         // $1 is 1
  bool is_count = false; // $#
};

struct Variable : Expr {
  Variable() : Expr(ExprKind::Variable) {}
  std::string name;    // with the leading '$'
  std::string storage; // set by the semantic pass: its key in ProbeInfo::variables (scopes.h)
};

struct Map : Expr {
  Map() : Expr(ExprKind::Map) {}
  std::string name;          // with the leading '@'; "@" for the anonymous map
  std::vector<ExprPtr> keys; // empty for a keyless map
};

struct Call : Expr {
  Call() : Expr(ExprKind::Call) {}
  std::string name;
  std::vector<ExprPtr> args;
  int resource_id = -1; // set by the semantic pass: the printf/print/time table entry it uses
};

enum class BinaryOp {
  Add,
  Sub,
  Mul,
  Div,
  Mod,
  BitAnd,
  BitOr,
  BitXor,
  Shl,
  Shr,
  Eq,
  Ne,
  Lt,
  Le,
  Gt,
  Ge,
  LogicalAnd,
  LogicalOr,
};
const char *binary_op_spelling(BinaryOp op);

struct Binary : Expr {
  Binary() : Expr(ExprKind::Binary) {}
  BinaryOp op = BinaryOp::Add;
  ExprPtr lhs, rhs;
  // Integer operands: the type both are compared or combined in (int_promotion.h), set by the
  // semantic pass; none() when they have no common type (compared unsigned, as uint64).
  Type operand_type;
};

enum class UnaryOp { Neg, LogicalNot, BitNot, Increment, Decrement, Deref, AddressOf };

struct Unary : Expr {
  Unary() : Expr(ExprKind::Unary) {}
  UnaryOp op = UnaryOp::Neg;
  bool postfix = false; // x++ rather than ++x
  ExprPtr operand;
};

struct Ternary : Expr {
  Ternary() : Expr(ExprKind::Ternary) {}
  ExprPtr cond, then_expr, else_expr;
};

// `(uint32)x`: `type_name` as written (uint8..uint64, int8..int64, u8.., s8.., bool, string[N]).
struct Cast : Expr {
  Cast() : Expr(ExprKind::Cast) {}
  std::string type_name;
  ExprPtr operand;
  // `(typeof(expr))x`: the type is expr's (expr is only typed, never run); type_name is "typeof".
  ExprPtr type_of;
};

struct Field : Expr {
  Field() : Expr(ExprKind::Field) {}
  ExprPtr base;
  std::string field;
  bool arrow = false; // written `->`
  // A member of a struct/union (set by the semantic pass; -1 for `args.NAME` and the like):
  // its byte offset, and for bitfields the bit offset and width.
  int member_offset = -1;
  int bit_offset = 0, bit_size = 0;
  // A field of a record value `(name = a)` (set by the semantic pass; -1 otherwise): its index in
  // the record's fields.
  int record_field = -1;
};

struct TupleLit : Expr {
  TupleLit() : Expr(ExprKind::TupleLit) {}
  std::vector<ExprPtr> elems;
  // A record `(name = a, size = b)`: the field names, one per element (empty for a tuple), and
  // where each is written (for errors about one name).
  std::vector<std::string> names;
  std::vector<SourceRange> name_locs;
};

struct TupleIndex : Expr {
  TupleIndex() : Expr(ExprKind::TupleIndex) {}
  ExprPtr base;
  int index = 0;
};

// `sizeof(struct task_struct)`, `sizeof($x)`, `offsetof(struct task_struct, pid)`: the semantic
// pass computes `value` from the types, and codegen emits it as a constant.
struct TypeQuery : Expr {
  TypeQuery() : Expr(ExprKind::TypeQuery) {}
  bool is_offsetof = false;
  std::string type_name;            // the type as written, "" for sizeof(expr)
  ExprPtr operand;                  // sizeof(expr): not evaluated, only typed
  std::vector<std::string> members; // offsetof: the member path, `b.c` as {"b", "c"}
  uint64_t value = 0;
};

// `$t[0]`, `$s[1]`: the index is an expression with a constant value (`(1, "a")[1 - 1]`). The
// semantic pass sets `constant` to it.
struct Index : Expr {
  Index() : Expr(ExprKind::Index) {}
  ExprPtr base, index;
  int64_t constant = 0;
};

struct Block;

// The signature of a user-defined function, `fn name($a: int64, $b: string): int64 { ... }`, as
// written (types by name; the semantic pass resolves them).
struct FunctionSignature {
  struct Param {
    std::string name; // "$a"
    std::string type_name;
    SourceRange range, type_range;
  };
  std::string name;
  SourceRange name_range;
  std::vector<Param> params;
  std::string return_type; // "void" when the function has no value
  SourceRange return_range;
};

// A block used as a value: `{ let $y = 2; $y + 1 }`. Its statements run in a scope of their
// own, then `value` (the last statement, written without a `;`) gives the result.
//
// A call of a user-defined function becomes one too (function_inline.h): `function` is then set,
// the first `function->params.size()` statements bind the parameters (`let $a = argument`),
// `value` is null and the result is what a `return value` in the body gives.
struct BlockExpr : Expr {
  BlockExpr() : Expr(ExprKind::BlockExpr) {}
  std::unique_ptr<Block> body;
  std::unique_ptr<Expr> value;
  std::shared_ptr<const FunctionSignature> function;
  // A function call: the storage keys of the variables it creates (nested calls' included), set
  // by the semantic pass. They live only while the call runs.
  std::vector<std::string> locals;
};

// ---------------------------------------------------------------- statements

enum class StmtKind { Expr, AssignMap, AssignVar, If, Block, While, Unroll, Jump, For };

struct Stmt : Node {
  explicit Stmt(StmtKind k) : kind(k) {}
  StmtKind kind;
};
using StmtPtr = std::unique_ptr<Stmt>;

struct ExprStmt : Stmt {
  ExprStmt() : Stmt(StmtKind::Expr) {}
  ExprPtr expr;
};

// `@m[k] = v` and compound forms. For `@m[k] += v` the parser keeps `op` so that messages can
// show what was written; the semantic pass treats it as `@m[k] = @m[k] + v`.
struct AssignMap : Stmt {
  AssignMap() : Stmt(StmtKind::AssignMap) {}
  std::unique_ptr<Map> map;
  ExprPtr value;
  bool compound = false;
  BinaryOp op = BinaryOp::Add; // meaningful when `compound`
};

struct AssignVar : Stmt {
  AssignVar() : Stmt(StmtKind::AssignVar) {}
  std::unique_ptr<Variable> var;
  ExprPtr value;            // null for a declaration without a value (`let $x;`)
  bool declaration = false; // `let $x ...`: a new variable of the current block
  bool compound = false;
  BinaryOp op = BinaryOp::Add;
  // `let $x: string[16]` / `let $b: buffer[8]`: the sized type written (the variable keeps it,
  // values must fit in it), and where. Empty otherwise (integer annotations become casts).
  std::string declared_type;
  SourceRange declared_loc;
  // `let $x: TYPE [= v]` with a type name (the value is cast to it): an integer variable keeps
  // that type, later values must fit in it rather than widen it.
  bool type_annotated = false;
};

struct Block : Stmt {
  Block() : Stmt(StmtKind::Block) {}
  std::vector<StmtPtr> stmts;
  // The last statement is an expression written without `;`: the block can be a value.
  bool ends_with_value = false;
};

struct If : Stmt {
  If() : Stmt(StmtKind::If) {}
  ExprPtr cond;
  std::unique_ptr<Block> then_block;
  std::unique_ptr<Block> else_block; // `else if` is an else block holding one If; may be null
};

// `while (cond) { ... }`: a loop the verifier must be able to bound.
struct While : Stmt {
  While() : Stmt(StmtKind::While) {}
  ExprPtr cond;
  std::unique_ptr<Block> body;
};

// `unroll (N) { ... }`: the body repeated N times (a constant, 1 to 100).
struct Unroll : Stmt {
  Unroll() : Stmt(StmtKind::Unroll) {}
  ExprPtr count;
  std::unique_ptr<Block> body;
};

enum class JumpKind { Break, Continue, Return };

struct Jump : Stmt {
  Jump() : Stmt(StmtKind::Jump) {}
  JumpKind jump = JumpKind::Break;
  ExprPtr value; // `return value;` (only in a user-defined function)
  // A `return` of a user-defined function's body: it ends the function, not the probe.
  bool function_return = false;
};

// `for ($i : start..end) { ... }` over integers (start inclusive, end exclusive, both evaluated
// once), or `for ($kv : @map) { ... }` over a map's elements, `$kv` being `(key, value)`.
// Compiled to a callback run by bpf_loop / bpf_for_each_map_elem.
struct For : Stmt {
  For() : Stmt(StmtKind::For) {}
  std::unique_ptr<Variable> var;
  std::unique_ptr<Map> map; // the map form; null for a range
  ExprPtr start, end;       // the range form
  std::unique_ptr<Block> body;
};

// ---------------------------------------------------------------- probes

// One attach point as written, e.g. `tracepoint:syscalls:sys_enter_openat` or `BEGIN`.
// The parser keeps the raw text; probe providers split and validate it.
struct AttachPoint : Node {
  std::string raw;
};

struct Probe : Node {
  std::vector<std::unique_ptr<AttachPoint>> attach_points;
  ExprPtr predicate; // may be null
  std::unique_ptr<Block> body;
};

// A C type definition of the preamble (`struct Foo { int a; }`, `union`, `enum`), as written;
// laid out by the semantic pass (script_types.h).
struct CDefinition : Node {
  std::string text;
};

// `let @name = TYPE(MAX_ENTRIES);` in the preamble (bpftrace's map declarations).
struct MapDecl : Node {
  std::string name;     // "@name"
  std::string map_type; // hash, lruhash, percpuhash or percpulruhash (checked by the semantic pass)
  SourceRange type_loc;
  uint64_t max_entries = 0;
};

struct Program : Node {
  std::vector<std::unique_ptr<MapDecl>> map_decls;
  std::vector<std::unique_ptr<CDefinition>> c_definitions;
  std::vector<std::unique_ptr<Probe>> probes;
  // The script's user-defined functions (inlined already): for "Did you mean" on unknown calls.
  std::vector<std::string> function_names;
};

} // namespace bpfscope::ast
