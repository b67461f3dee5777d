// Lowers one probe body (for one group of targets) to an LLVM function in the BPF module.
#pragma once

#include "codegen/codegen.h"
#include "codegen/scratch_layout.h"

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Module.h>

#include <map>
#include <optional>

namespace bpfscope {

// Values computed as an i64 rather than kept in memory: integers, and the 8-byte handles that
// user space turns into text (stack ids, kernel addresses).
bool held_in_register(const Type &t);

// The most iterations bpf_loop runs (the kernel's BPF_MAX_LOOPS): asked for more, it runs none.
// The step machines over two long strings (strstr, globmatch) are bounded by it; their worst
// case (every position tried to the end of the other string) only nears it with strings of
// several kilobytes on both sides.
constexpr uint64_t kMaxLoopSteps = uint64_t{1} << 23;

class ProbeCompiler {
public:
  ProbeCompiler(llvm::Module &module, const ProgramInfo &info, const InternalMaps &internal,
                const ast::Probe &probe, const ProbeInfo &probe_info, const ProbeTarget &target);

  // Emits the function into the module, in ELF section `section`.
  llvm::Function *compile(const std::string &function_name, const std::string &section);
  // With line info wanted: the code emitted for each node carries its source location.
  void set_source_lines(class SourceLines *lines) { source_lines_ = lines; }
  // Helper failures to report from the probe (helper_errors.h).
  void set_helper_error_sites(class HelperErrorSites *sites) { error_sites_ = sites; }
  // Values larger than this many bytes live in the scratch area (config on_stack_limit).
  void set_on_stack_limit(uint64_t bytes) { on_stack_limit_ = bytes; }
  // Bytes of the scratch map's element this program uses (0: it does not look it up).
  int scratch_bytes() const { return scratch_layout_.size(); }

private:
  // A computed value: integers as an i64 (already extended per their type); strings and tuples
  // as a pointer to `type.size` bytes on the BPF stack.
  struct Value {
    llvm::Value *v = nullptr;
    Type type;
  };

  // statements
  void block(const ast::Block &b);
  void stmt(const ast::Stmt &s);
  void assign_map(const ast::AssignMap &a);
  void assign_var(const ast::AssignVar &a);
  void if_stmt(const ast::If &i);
  void while_loop(const ast::While &w);
  uint64_t unroll_count(const ast::Expr &e);
  void leave_probe(); // `return`, and the end of exit()
  // A call of a user-defined function, inlined by the front end (parser/function_inline.h).
  Value function_call(const ast::BlockExpr &b);

  // `for` loops (compile_for.cpp)
  void for_loop(const ast::For &f);
  llvm::Value *for_context(const ast::For &f, llvm::Value *start);
  llvm::Function *for_callback(const ast::For &f, bool over_map);
  llvm::Value *all_cpus_value(const MapInfo &mi, llvm::Value *key);

  // expressions
  Value expr(const ast::Expr &e);
  Value builtin(const ast::Builtin &b);
  Value binary(const ast::Binary &b);
  Value unary(const ast::Unary &u);
  Value ternary(const ast::Ternary &t);
  Value call(const ast::Call &c);
  Value field(const ast::Field &f);
  // C types (compile_kernel_types.cpp). Struct and array values are their kernel address (an
  // i64) until a member of scalar type is read.
  Value member_access(const ast::Field &f);
  // Reads a `t` at `address`: kernel memory, or the process's when `user` (uptr(), syscall
  // tracepoint pointers).
  Value read_kernel_value(llvm::Value *address, const Type &t, int bit_offset, int bit_size,
                          bool user = false);
  Value deref(const ast::Unary &u);
  Value index(const ast::Index &i);
  // A value at `base` + `offset`: kernel memory when `base` is an i64 address, a copy on the BPF
  // stack when it is a pointer (a struct stored in a variable).
  Value element_at(const Value &base, llvm::Value *offset, const Type &t, int bit_offset,
                   int bit_size);
  Value extract_bits(llvm::Value *word, const Type &t, int bit_offset, int bit_size);
  void store_record(llvm::Value *dst, const Type &t, const Value &v);
  Value pointer_arithmetic(const ast::Binary &b);
  Value map_read(const ast::Map &m);
  Value find_value(const ast::Call &c);  // find(@m[key], $result), compile_find.cpp
  Value comm_of_pid(const ast::Call &c); // comm(pid), compile_comm_of_pid.cpp
  // pcomm([task]) and ppid([task]), compile_task_calls.cpp
  std::optional<Value> task_call(const ast::Call &c);
  llvm::Value *task_argument(const ast::Call &c); // an i64 task_struct address
  Value task_pcomm(llvm::Value *task, const Type &type);
  Value task_ppid(llvm::Value *task, const Type &type);
  Value tuple_literal(const ast::TupleLit &t, const Type &as);
  Value tuple_field(const Value &base, int index);
  Value stack_value(const Type &t);                      // kstack/ustack
  Value usym_value(const Value &address, const Type &t); // compile_user_values.cpp
  Value buffer_value(const ast::Call &c);                // buf(ptr, len)

  // the standard library's later functions and builtins (compile_stdlib.cpp)
  std::optional<Value> stdlib_call(const ast::Call &c);
  std::optional<Value> stdlib_builtin(const ast::Builtin &b);
  Value ntop_value(const ast::Call &c);
  Value pton_value(const ast::Call &c);
  Value macaddr_value(const ast::Call &c);
  Value integer_in_memory(const Value &v, const Type &as);
  llvm::Value *string_find(const Value &haystack, const Value &needle);
  llvm::Value *string_find_loop(const Value &haystack, const Value &needle);
  llvm::Value *bytes_compare(const Value &l, const Value &r, int n);
  void assert_condition(const ast::Call &c);
  void send_signal(const ast::Call &c);
  void join_strings(const ast::Call &c);
  void trace_printk(const ast::Call &c);
  llvm::Value *stack_depth(const Type &stack_type);
  void tseries_update(const ast::Map &m, const MapInfo &mi, const ast::Call &c); // compile_tseries

  // maps and aggregations
  llvm::Value *map_pointer(int index);
  llvm::Value *global_value(int slot);
  void mark_truncated_string(llvm::Value *buf, int size, llvm::Value *from, llvm::Value *copied);
  llvm::Value *build_key(const ast::Map &m, const MapInfo &mi, llvm::Value *bucket = nullptr);
  void aggregate(const ast::Map &m, const MapInfo &mi, const ast::Call &c);
  llvm::Value *hist_bucket(llvm::Value *v, bool is_signed, int bits);
  llvm::Value *lhist_bucket(llvm::Value *v, const Type &t);
  void map_update(int map_index, llvm::Value *key, llvm::Value *value);
  llvm::Value *map_delete(const ast::Map &m); // 1 when the key was there, else 0

  // events
  llvm::Value *submit_flags(EventKind kind, int size);
  void send_event(EventKind kind, int id, const Type *payload_type,
                  const std::vector<Value> &payload);
  void exit_probe(const Value &code);

  // helpers
  llvm::Value *helper(int id, llvm::Type *ret, std::vector<llvm::Value *> args);
  llvm::AllocaInst *stack(int bytes, const std::string &name);
  // Memory for a value of `bytes`: a stack slot, or a scratch slot above on_stack_limit
  // (compile_scratch.cpp). Neither is zeroed.
  llvm::Value *value_memory(int bytes, const std::string &name);
  llvm::Value *scratch(int bytes, const std::string &name);
  llvm::Value *scratch_base();
  llvm::BasicBlock *finish_scratch(llvm::BasicBlock *body);
  // memset/memcpy of blocks of any size (LLVM expands only short ones for BPF).
  void zero_bytes(llvm::Value *dst, int bytes, llvm::MaybeAlign align = llvm::MaybeAlign(1));
  void copy_bytes(llvm::Value *dst, llvm::Value *src, int bytes,
                  llvm::MaybeAlign align = llvm::MaybeAlign(1));
  void raw_probe_read(llvm::Value *dst, int bytes, llvm::Value *src);
  void store_as(llvm::Value *dst, const Type &dst_type, const Value &v);
  void store_integer(llvm::Value *ptr, int size, llvm::Value *v);
  llvm::Value *load_integer(llvm::Value *ptr, int size, bool is_signed);
  llvm::Value *usdt_argument(int index);
  llvm::Value *extend(llvm::Value *v, const Type &from);
  llvm::Value *fit_to_variable(llvm::Value *v, const Type &var_type);
  llvm::Value *string_constant(const std::string &s, int size);
  llvm::Value *strings_equal(const Value &a, const Value &b);
  // `==` of strings, tuples, records and integer arrays (compile_equality.cpp): 1 or 0.
  llvm::Value *values_equal(const Value &a, const Value &b);
  llvm::Value *int_arrays_equal(const Value &a, const Value &b);
  llvm::Value *string_length(const Value &s);
  llvm::Value *long_string_length(const Value &s); // compile_scratch.cpp
  llvm::Value *strings_differ(const Value &a, const Value &b, int n);
  // The same over long strings, stepped by bpf_loop (compile_string_search.cpp): 1 or 0.
  llvm::Value *strings_differ_loop(const Value &a, const Value &b, int limit);
  llvm::Value *string_contains(const Value &haystack, const Value &needle);
  llvm::Value *glob_match(const Value &text, const Value &pattern); // compile_globmatch.cpp
  static int64_t constant_length(const ast::Expr &e);
  llvm::Value *to_bool(llvm::Value *v);
  llvm::Value *compound(ast::BinaryOp op, llvm::Value *l, llvm::Value *r, bool is_signed);
  llvm::Value *offset_ptr(llvm::Value *base, int offset);
  Value variable_storage(const std::string &name);
  llvm::Value *ctx_field_address(int offset);
  int argument_offset(int index) const;
  llvm::Value *current_pid_tgid();
  // Records in the call site's slot a failure worth reporting of `helper`, called for the node
  // being compiled (compile_helper_errors.cpp). `map_id`: the script's map, or -1.
  void check_helper_result(int helper, llvm::Value *result, int map_id);
  llvm::Value *helper_error_slots();
  llvm::Value *lookup_helper_error_slots(llvm::IRBuilder<> &sb);
  void record_helper_error(int site, llvm::Value *error);
  void finish_entry(llvm::IRBuilder<> &entry, llvm::BasicBlock *body);
  llvm::Value *opaque(llvm::Value *v);

  // The statement or expression being compiled, for the locations helper failures report.
  struct CurrentNode {
    const ast::Node *&slot;
    const ast::Node *saved;
    CurrentNode(const ast::Node *&s, const ast::Node *node) : slot(s), saved(s) { slot = node; }
    ~CurrentNode() { slot = saved; }
  };

  llvm::Module &module_;
  llvm::LLVMContext &ctx_;
  llvm::IRBuilder<> b_;
  const ProgramInfo &info_;
  const InternalMaps &internal_;
  const ast::Probe &probe_;
  const ProbeInfo &probe_info_;
  const ProbeTarget &target_;
  llvm::Function *fn_ = nullptr;
  llvm::Value *ctx_arg_ = nullptr;
  llvm::BasicBlock *entry_ = nullptr;
  // Where each `$variable` lives: a stack slot, or in a loop callback a pointer into the
  // caller's frame (see compile_for.cpp).
  std::map<std::string, llvm::Value *> variables_;
  struct Loop {
    llvm::BasicBlock *next; // where `continue` goes
    llvm::BasicBlock *done; // where `break` goes; null for a `for` body (a callback: returns)
  };
  std::vector<Loop> loops_;
  // The inlined function calls being compiled, innermost last: where their `return` goes and
  // where it leaves the value (null for a void function).
  struct FunctionFrame {
    llvm::BasicBlock *done;
    llvm::Value *result;
    Type type;
  };
  std::vector<FunctionFrame> functions_;
  // The `for` loop being compiled: the variables its callback reaches (compile_for.cpp).
  std::vector<std::string> for_variables_;
  // In a `for` callback: the caller's flag that asks it to end the probe after the loop (set by
  // `return` and exit()); null in the probe's own function.
  llvm::Value *leave_flag_ = nullptr;
  class SourceLines *source_lines_ = nullptr;
  class HelperErrorSites *error_sites_ = nullptr;
  const ast::Node *current_node_ = nullptr;
  llvm::BasicBlock *errors_setup_ = nullptr; // looks up the helper error slots, when used
  llvm::Value *errors_slots_ = nullptr;
  int opaque_sequence_ = 0;
  uint64_t on_stack_limit_ = 32;
  ScratchLayout scratch_layout_; // shared by the probe's function and its `for` callbacks
  // Per function: the blocks that look the scratch element up, and its address.
  struct ScratchAccess {
    llvm::BasicBlock *lookup = nullptr;
    llvm::BasicBlock *ready = nullptr;
    llvm::Value *base = nullptr;
  };
  ScratchAccess scratch_;
  llvm::DIScope *debug_scope_ = nullptr;
};

} // namespace bpfscope
