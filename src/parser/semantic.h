// The semantic pass: resolves names, expands attach points through the probe providers, assigns a
// type to every expression, and collects the resources the program needs (maps, printf formats,
// the events sent to user space). Codegen and the runtime read the result, ProgramInfo.
#pragma once

#include "parser/ast.h"
#include "parser/diagnostics.h"
#include "parser/probe_target.h"
#include "parser/type_resolver.h"
#include "parser/types.h"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace bpfscope {

// Largest string read by `str()` and the size of strings with no other bound, like bpftrace's
// max_strlen default.
constexpr int kDefaultMaxStrlen = 1024;
constexpr int kDefaultMaxMapKeys = 4096;
constexpr size_t kMaxStringLiteral = 1024;
// Frames kept by kstack/ustack without an explicit limit: the kernel's default
// perf_event_max_stack, the most bpf_get_stackid() returns.
constexpr int kDefaultStackLimit = 127;

// The BPF map types a map declaration may ask for.
enum class MapDeclKind { None, Hash, LruHash, PercpuHash, PercpuLruHash };

struct MapInfo {
  std::string name; // "@x"
  int id = 0;
  Type key_type;   // none() when keyless; the key's storage type (integers widened to 8 bytes)
  Type value_type; // storage type (integers 8 bytes) or an aggregation kind
  SourceRange first_use;
  bool key_known = false;    // set once any access fixed the key shape (keyless included)
  std::string declared_name; // type name of the value type (value_logical's when set), for messages
  // The integer types the language sees (v0.26 rules, int_promotion.h): `value_type` and
  // `key_type` hold them in 8 bytes, with these signednesses. none() when no integer is held.
  Type value_logical, key_logical;
  // From a map declaration (`let @m = lruhash(100);`), see semantic_map_decls.cpp.
  MapDeclKind declared_kind = MapDeclKind::None;
  uint32_t max_entries = 0; // 0: the default (max_map_keys)

  bool keyless() const { return key_type.is_none(); }
  // Histograms and time series: one BPF map element per (key, bucket or interval slot).
  bool is_histogram() const {
    return value_type.kind == TypeKind::Hist || value_type.kind == TypeKind::Lhist ||
           value_type.kind == TypeKind::Tseries;
  }
  bool per_cpu() const { return value_type.is_aggregation(); }
  // Keyless aggregations use a per-CPU array (slot 0, or one slot per histogram bucket).
  bool is_array() const { return keyless() && per_cpu(); }
  // Key of the BPF map: the user key, then for histograms a uint64 bucket index.
  Type bpf_key_type() const;
  int bpf_key_size() const;
  int bpf_value_size() const;
};

// Records sent through the ring buffer start with this header; the payload (if any) follows at
// offset 8, laid out as the Tuple type named by the table the kind refers to.
enum class EventKind : uint32_t {
  Printf = 1,     // id: index into ProgramInfo::printfs; payload: its args
  PrintMap = 2,   // id: index into ProgramInfo::map_prints
  ClearMap = 3,   // id: map id
  ZeroMap = 4,    // id: map id
  PrintValue = 5, // id: index into ProgramInfo::value_prints; payload: the value
  Time = 6,       // id: index into ProgramInfo::time_formats
  Exit = 7,       // id: unused; payload: int64 exit status
  // join(): id: index into ProgramInfo::join_separators; payload: uint64 count, then
  // kJoinMaxArgs strings of ProgramInfo::join_arg_size bytes.
  Join = 8,
};
constexpr int kJoinMaxArgs = 16;
constexpr int kEventHeaderSize = 8;

// nsecs(CLOCK) and pid/tid(NAMESPACE): the Call's resource_id.
enum { kClockMonotonic = 0, kClockBoot = 1, kClockTai = 2, kClockSwTai = 3 };
enum { kIdCurrentNs = 0, kIdInitNs = 1 };

// What user space does with a formatted printf record.
enum class PrintfAction {
  Print,  // printf, errorf, warnf
  Cat,    // cat(): the text names a file to print
  System, // system(): the text is a command to run (--unsafe)
};

struct PrintfInfo {
  std::string format;
  Type args; // a Tuple of the argument types, as laid out in the record
  // errorf/warnf: printed to stderr after this prefix ("FILE:L:C-C: ERROR: "); "" for printf.
  std::string stderr_prefix;
  // errorf/warnf in -f json: a record of this type ("errorf", "warnf") naming the call's place.
  std::string json_type{};
  std::string where_file{};
  int where_line = 0;
  int where_col = 0;
  PrintfAction action = PrintfAction::Print;
};

struct MapPrintInfo {
  int map_id = 0;
  uint64_t top = 0;
  uint64_t div = 1;
};

// Per written probe: the targets it expands to and what the body needs.
struct ProbeInfo {
  std::vector<ProbeTarget> targets;
  // One BPF program serves every target unless the body depends on which target fired
  // (`args` layouts differ, `probe` names differ); then each target gets its own program.
  bool program_per_target = false;
  std::map<std::string, Type> variables; // storage types of `$x`
  // The variables of inlined function calls (ast::BlockExpr::locals): codegen zeroes them when
  // the call starts rather than at the probe's entry, so calls can share stack space.
  std::set<std::string> call_locals;
};

// The processes a run is about, from the command line (-p, -c) and bpfscope's own PID namespace:
// they change what every program computes.
struct ProcessScope {
  int filter_pid = 0;     // -p: probes (but BEGIN/END/interval) fire for this process only; 0: all
  bool has_child = false; // -c was given: `cpid` is valid
  int child_pid = 0;      // -c: the command's pid, the value of `cpid`
  // Set when bpfscope runs in a PID namespace other than the initial one: pid and tid are then
  // read relative to it (st_dev and st_ino of /proc/self/ns/pid).
  uint64_t pidns_dev = 0, pidns_ino = 0;
};

struct ProgramInfo {
  std::vector<MapInfo> maps;
  std::map<std::string, int> map_ids;
  std::vector<PrintfInfo> printfs;
  std::vector<MapPrintInfo> map_prints;
  std::vector<Type> value_prints;
  std::vector<std::string> time_formats;
  std::vector<ProbeInfo> probes; // parallel to Program::probes
  std::vector<std::string> positional_params;
  bool only_special_probes = true; // BEGIN/END only: the program exits after running them
  // Whether probes other than BEGIN/END print (printf, print, time): they need a large ring
  // buffer; otherwise a small one carries exit() and the rest.
  bool prints_from_probes = false;
  ProcessScope process; // from SemanticOptions, for codegen
  // kstack/ustack: the frame limits in use; each gets a stack map of that depth.
  std::vector<int> stack_limits;
  // kaddr("name") results, by the call's resource_id (resolved when the script is analysed).
  std::vector<uint64_t> kernel_addresses;
  // cgroupid("path") results (the cgroup directory's inode), by the call's resource_id.
  std::vector<uint64_t> cgroup_ids;
  // ppid: offsets of task_struct.real_parent and task_struct.tgid (from SemanticOptions).
  std::optional<std::pair<int, int>> ppid_offsets;
  // pcomm: offsets of task_struct.group_leader and task_struct.comm (from SemanticOptions).
  std::optional<std::pair<int, int>> pcomm_offsets;
  // len(@m): the BTF id of the kfunc bpf_map_sum_elem_count in vmlinux.
  int map_elem_count_btf_id = 0;
  // percpu_kaddr("name"): the BTF ids (in vmlinux) of the per-CPU variables, by the call's
  // resource_id.
  std::vector<int> percpu_var_btf_ids;
  // comm(pid): the BTF ids of the kfuncs bpf_task_from_pid and bpf_task_release in vmlinux.
  int task_from_pid_btf_id = 0;
  int task_release_btf_id = 0;
  // join(arr, sep): the separators, by the call's resource_id, and the room for each string
  // (max_strlen, its NUL included), as bpftrace sizes join's arguments.
  std::vector<std::string> join_separators;
  int join_arg_size = kDefaultMaxStrlen;
  // debugf() is used: its output goes to tracefs' trace_pipe, which must be mounted.
  bool uses_debugf = false;
  // Kernel enumerators used as values (`TASK_RUNNING`), by name.
  std::map<std::string, int64_t> enum_constants;
};

struct SemanticOptions {
  std::vector<std::string> positional_params;
  ProcessScope process;
  int max_strlen = kDefaultMaxStrlen;
  StackMode stack_mode = StackMode::Bpftrace; // config stack_mode: kstack/ustack without a mode
  // Checks a printf format against its argument types; returns a message, empty when fine.
  // The runtime's formatter owns the rules, so it is passed in rather than duplicated here.
  std::function<std::string(const std::string &, const std::vector<Type> &)> check_printf;
  // The address of a kernel symbol, for kaddr(); nullopt when unknown. Set by the runtime
  // (kallsyms), like check_printf.
  std::function<std::optional<uint64_t>(const std::string &)> kernel_symbol_address;
  // The address (st_value) of symbol NAME in the ELF file PATH, for uaddr(); nullopt when unknown.
  std::function<std::optional<uint64_t>(const std::string &path, const std::string &name)>
      user_symbol_address;
  // task_struct.real_parent and task_struct.tgid offsets (kernel BTF), for ppid; nullopt when the
  // kernel has no BTF. Called only when a script uses ppid.
  std::function<std::optional<std::pair<int, int>>()> ppid_offsets;
  // task_struct.group_leader and task_struct.comm offsets (kernel BTF), for pcomm; called only
  // when a script uses pcomm.
  std::function<std::optional<std::pair<int, int>>()> pcomm_offsets;
  // The BTF id of kernel function `name` in vmlinux, 0 when there is none; for len(@m).
  std::function<int(const std::string &name)> kfunc_btf_id;
  // Whether programs of `kind` may call the task kfuncs (bpf_task_from_pid, bpf_task_release)
  // on the running kernel, for comm(pid); when unset, only fentry/fexit/tp_btf programs may.
  std::function<bool(ProgramKind kind)> task_kfuncs_allowed;
  // The BTF id of the per-CPU kernel variable `name` in vmlinux, 0 when there is none; for
  // percpu_kaddr().
  std::function<int(const std::string &name)> percpu_var_btf_id;
  // --unsafe: system(), signal() and signal_thread() are allowed.
  bool unsafe = false;
  // Kernel C types (BTF), for casts to struct pointers, `curtask->...`, sizeof and the like;
  // null when none are available. Asked only when a script names such a type.
  TypeResolver *types = nullptr;
  // Fills `fields` (or `args_error`) of a target whose `args` come from DWARF (dwarf_function),
  // the first time a probe uses `args`.
  std::function<void(ProbeTarget &)> load_context_fields;
};

// Returns false when any error was reported (in `diags`).
bool analyse_program(ast::Program &program, ProbeResolver &resolver, const SemanticOptions &opts,
                     ProgramInfo &info, Diagnostics &diags);

// The type a `(TYPE)` cast or an integer type name stands for; none() when unknown.
Type type_from_name(const std::string &name);

} // namespace bpfscope
