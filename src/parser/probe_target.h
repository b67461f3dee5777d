// What the front end needs to know about a concrete attach point. The semantic pass asks a
// ProbeResolver (implemented by the runtime's probe providers) to expand each written attach
// point into targets; codegen and the loader then work from these, never from raw text.
#pragma once

#include "parser/ast.h"
#include "parser/diagnostics.h"
#include "parser/types.h"

#include <cstdint>
#include <string>
#include <vector>

namespace bpfscope {

// One field of the probe's context record (`args.NAME`), e.g. from a tracepoint format file.
struct ContextField {
  enum class Kind { Integer, Pointer, CharArray, DataLocString };
  std::string name;
  Kind kind = Kind::Integer;
  int offset = 0;
  int size = 0; // bytes in the record (CharArray: array length)
  bool is_signed = false;
  // Pointers whose target type is known (fentry/tp_btf arguments, from BTF): `args.file` is a
  // `struct file *` whose members can be read; enum-typed integers from BTF carry their enum's
  // names (Type::enum_names). None otherwise.
  Type type{};
  // Tracepoint pointer fields: the declared C type ("struct sockaddr *"), and whether it points
  // into the traced process's memory (syscall tracepoints, as in bpftrace). Integer fields
  // declared as an enum ("enum hrtimer_mode") keep it too, to print by name.
  std::string c_type{};
  bool user_memory = false;
};

// The BPF program type family a target needs, which also fixes what its context is.
enum class ProgramKind {
  Special,       // BEGIN/END: run once with BPF_PROG_TEST_RUN
  Tracepoint,    // context: the tracepoint's record (ProbeTarget::fields)
  PerfEvent,     // interval/profile: context is bpf_perf_event_data (pt_regs first)
  Kprobe,        // kprobe/kretprobe/uprobe/uretprobe/usdt: context is struct pt_regs
  Tracing,       // fentry/fexit/tp_btf: context is an array of u64 arguments
  RawTracepoint, // rawtracepoint: context is an array of u64 arguments
};

// Where `argN` and `retval` come from for this target.
enum class ArgumentSource {
  None,     // not available (BEGIN, tracepoints, interval)
  PtRegs,   // x86-64 System V registers in struct pt_regs (kprobes, uprobes)
  GoRegs,   // Go's internal register ABI in struct pt_regs (uprobes on Go functions)
  U64Array, // ctx[i] (fentry/fexit, raw tracepoints); retval at ctx[retval_index]
  Usdt,     // per ProbeTarget::usdt_args, decoded from struct pt_regs
};

// One argument of a USDT probe, from its note's argument string ("-4@%edi", "8@-16(%rbp)",
// "-4@$5"): a register, memory at register + offset, or a constant.
struct UsdtArgument {
  enum class Kind { Register, Memory, Constant };
  Kind kind = Kind::Constant;
  int size = 8; // bytes: 1, 2, 4 or 8
  bool is_signed = false;
  int reg_offset = -1; // Register/Memory: byte offset of the register in struct pt_regs
  int64_t value = 0;   // Memory: displacement; Constant: the value
  // Memory: an index register ("-8@-8(%rbx,%rax,8)"): address += index * scale; -1 for none.
  int index_offset = -1;
  int scale = 1;
  // Memory: "sym+D(%rip)", the variable `sym` of the binary. The provider turns it into
  // ip + (sym - probe address + D), ip being the probe's own address in a uprobe.
  std::string symbol;
};

struct ProbeTarget {
  std::string provider; // canonical provider name: "BEGIN", "END", "tracepoint", "interval", ...
  std::string name;     // canonical full name, what the `probe` builtin returns
  ProgramKind program_kind = ProgramKind::Special;
  std::vector<ContextField> fields; // what `args` offers
  std::string args_error;           // why `args` is not available here, when it is not
  // uprobes: the symbol whose DWARF parameters `args` offers; they are read (into `fields` or
  // `args_error`) only when a probe uses `args`, through SemanticOptions::load_context_fields.
  std::string dwarf_function;
  // Provider-specific facts the loader needs.
  int tracepoint_id = -1;
  uint64_t period_ns = 0;     // interval/profile in time units
  uint64_t frequency = 0;     // profile:hz / interval:hz
  bool every_cpu = false;     // profile fires on every CPU, interval on one
  uint64_t perf_config = 0;   // software events: PERF_COUNT_SW_*
  uint64_t sample_period = 0; // software events: sample every N events

  // Arguments and return value (see ArgumentSource).
  ArgumentSource arg_source = ArgumentSource::None;
  int max_args = 0;           // arg0 .. arg(max_args-1) are valid
  bool has_retval = false;    // return probes
  int retval_index = -1;      // U64Array: ctx slot holding the return value
  int retval_size = 8;        // width and sign of `retval` when known (fexit: from BTF; an `int`
  bool retval_signed = false; // function's -2 must not read as 4294967294)
  Type retval_type;           // fexit of a function returning a pointer: its type (else None)
  std::string function;       // what `func` returns: the probed function's name

  // Attach facts for the providers that need them.
  std::string path;     // uprobes: the binary; kprobes: the module ("" for vmlinux)
  uint64_t address = 0; // uprobes: file offset; kprobes: offset within the function
  int btf_id = -1;      // fentry/fexit/tp_btf: the BTF type id of the attach target
  int btf_obj_fd = -1;  // module BTF object, or -1 for vmlinux
  // uretprobes on Go functions: a plain uprobe on one RET instruction of the function (a kernel
  // return probe would rewrite the return address, which Go's stack growth cannot stand).
  bool uprobe_at_return = false;
  std::vector<UsdtArgument> usdt_args; // usdt: how arg0.. are read (ArgumentSource::Usdt)
  uint64_t ref_ctr_offset = 0;         // usdt: file offset of the semaphore, 0 when none

  // What `-v` tells about how this target is run, when it is not the obvious way (e.g. a kprobe
  // run as fentry on a kernel without kprobes). "" otherwise.
  std::string note;
};

class ProbeResolver {
public:
  virtual ~ProbeResolver() = default;
  // Expands `ap` (wildcards included) and appends the targets. Reports an error at `ap->loc`
  // and returns false when the attach point is invalid or matches nothing.
  virtual bool resolve(const ast::AttachPoint &ap, std::vector<ProbeTarget> &out,
                       Diagnostics &diags) = 0;
};

} // namespace bpfscope
