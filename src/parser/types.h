// The value types of the language, as the semantic pass assigns them and codegen lays them out.
// Names follow bpftrace's messages: `int8`, `uint64`, `string[16]`, `count_t`, `hist_t`, ...
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace bpfscope {

struct EnumNames; // parser/enum_names.h

enum class TypeKind {
  None,     // not yet known, or a statement with no value
  Integer,  // `size` bytes, `is_signed`
  Boolean,  // stored as one byte
  String,   // char[size], NUL padded
  Tuple,    // `fields`, laid out with C alignment; a record `(a = 1)` when `field_names` is set
  Context,  // the probe's context pointer (`args`)
  Stack,    // kstack/ustack: 8 bytes, (pid << 32) | stack id; printed as symbolised frames
  Ksym,     // ksym(addr): a kernel address, printed as the name of the function containing it
  Username, // username: 8 bytes, a uid, printed as the user's name (from the passwd database)
  Strerror, // strerror(e): 8 bytes, an errno value, printed as its description
  Resolved, // bytes turned into text by user space when printed; `resolved` says how
  Usym,     // usym(addr): 16 bytes {address, process id}, printed as the user function's name
  Buffer,   // buf(ptr, n): {u32 length, u32 pad, u8 bytes[size - 8]}, printed hex-escaped (%r)
  // Kernel (BTF) and script-defined C types. See type_resolver.h.
  Pointer, // 8 bytes; `element` is what it points to (None for `void *`)
  Record,  // struct/union `record_name`, `size` bytes; members come from a TypeResolver
  Array,   // `array_len` elements of `element` (char arrays become String instead)
  // Aggregations: only ever the value of a map.
  Count,
  Sum,
  Avg,
  Min,
  Max,
  Stats,
  Hist,
  Lhist,
  Tseries, // tseries(): one slot per interval, see runtime/format_tseries.h
};

// How tseries() combines the values recorded in one interval.
enum class TseriesAgg { Last, Avg, Max, Min, Sum };

// The values of kind Resolved: what their bytes are and how they print (runtime/format_resolved).
enum class ResolvedKind {
  None,
  Timestamp,   // strftime(fmt, ns): 8 bytes, boot-clock ns; `resolved_arg` is the format
  Inet,        // ntop(): 8-byte address family, then 16 address bytes
  MacAddr,     // macaddr(): 6 bytes (8 stored)
  CgroupPath,  // cgroup_path(id[, filter]): 8-byte cgroup id; `resolved_arg` is the filter
  SyscallName, // syscall_name(nr): 8-byte syscall number
  SignalName,  // signal_name(sig): 8-byte signal number
  Bytes,       // pton(), and integer arrays made by casts (`(uint8[8])x`): `array_len`
               // integers of type `element` (uint8 when unset), printed as [1,2,3,4]
};

// How kstack/ustack print, as in bpftrace: `func+off` lines (bpftrace), `\taddr func+off` lines
// (perf), or bare addresses (raw).
enum class StackMode { Bpftrace, Perf, Raw };

struct Type {
  TypeKind kind = TypeKind::None;
  int size = 0; // bytes of the in-memory value (strings: buffer size, NUL included)
  bool is_signed = false;
  std::vector<Type> fields;       // Tuple members
  std::vector<int> field_offsets; // Tuple layout, same length as `fields`
  // A Record stored or printed whole: its members (fields/field_offsets, and these names; bitfield
  // members are left out), filled in by the semantic pass. A Tuple with names is a record value
  // of the language, `(name = "x", size = 2)`.
  std::vector<std::string> field_names;
  int64_t lhist_min = 0, lhist_max = 0, lhist_step = 0; // Lhist bounds
  int hist_bits = 0; // Hist: each power of two is split into 2^hist_bits buckets (0 to 5)
  // Stack: user (ustack) or kernel (kstack), how it prints, and how many frames it keeps.
  bool stack_user = false;
  StackMode stack_mode = StackMode::Bpftrace;
  int stack_limit = 0;
  // Resolved: which kind, and its text argument (strftime's format, cgroup_path's filter).
  ResolvedKind resolved = ResolvedKind::None;
  std::string resolved_arg;
  // Tseries: interval length (ns), number of intervals kept, and the aggregation.
  int64_t tseries_interval = 0, tseries_count = 0;
  TseriesAgg tseries_agg = TseriesAgg::Last;
  // Pointer/Array: the pointed-to or element type. Record: "struct task_struct" and the
  // resolver's handle for it (a BTF id, or a script definition's index).
  std::shared_ptr<const Type> element;
  int array_len = 0;
  std::string record_name;
  int record_id = -1;
  // Integer: an address (a pointer argument or field), printed in hex as bpftrace prints
  // pointers; arithmetic on it gives plain integers.
  bool is_pointer = false;
  // Integer: the enum it comes from (a script's `enum Color`, a kernel enum from BTF), whose
  // enumerator names %s, print() and map printing show instead of the number. Null for plain
  // integers; arithmetic makes plain integers. Not part of the type's identity.
  std::shared_ptr<const EnumNames> enum_names;
  // Pointer/Record/Array: the memory they point to or lie in is the traced process's (uptr(),
  // syscall tracepoints' pointer arguments), read with bpf_probe_read_user; else kernel memory.
  // Carried to the pointers and records reached from them. Not part of the type's identity.
  bool user_memory = false;
  // An Integer member of a Record stored or printed whole that is a bitfield: `bitfield_size`
  // bits starting `bitfield_offset` bits into the bytes at its field offset. 0: not a bitfield.
  int bitfield_offset = 0, bitfield_size = 0;

  static Type none() { return {}; }
  static Type integer(int bytes, bool is_signed);
  static Type boolean();
  static Type string(int bytes);
  static Type tuple(std::vector<Type> fields);
  // A record value `(a = 1, b = "x")`: a tuple whose fields have names (laid out the same way).
  static Type named_record(std::vector<Type> fields, std::vector<std::string> names);
  // The same tuple or record with other field types (names kept).
  Type with_fields(std::vector<Type> new_fields) const;
  // The index of the record field `name`, or -1.
  int field_index(const std::string &name) const;
  static Type context();
  static Type aggregation(TypeKind kind, bool is_signed = true);
  static Type stack(bool user, StackMode mode, int limit);
  static Type ksym();
  static Type username();
  static Type strerror();
  static Type make_resolved(ResolvedKind kind, int size, std::string arg = "");
  static Type pointer(const Type &element);
  static Type record(const std::string &name, int size, int id);
  static Type array(const Type &element, int len);
  // An integer array held in BPF memory (a cast's result): `len` integers of type `element`.
  static Type int_array(const Type &element, int len);
  bool is_int_array() const {
    return kind == TypeKind::Resolved && resolved == ResolvedKind::Bytes;
  }
  // The element type of an int array (pton's bytes: uint8).
  Type int_array_element() const;
  // The pointed-to / element type (None for `void *`).
  const Type &pointee() const;
  static Type pointer(); // uint64 printed as 0x...
  static Type usym();
  static Type buffer(int capacity); // capacity: the most bytes it holds
  int buffer_capacity() const { return size - kBufferHeader; }
  static constexpr int kBufferHeader = 8;
  // Values held as 8-byte numbers in BPF and turned into text only when printed.
  bool is_user_resolved() const {
    return kind == TypeKind::Ksym || kind == TypeKind::Username || kind == TypeKind::Strerror;
  }

  // Pointers count as integers: they compare, add, cast, key maps and print as numbers do
  // (printing shows them in hex).
  bool is_integer() const {
    return kind == TypeKind::Integer || kind == TypeKind::Boolean || kind == TypeKind::Pointer;
  }
  // A C pointer (TypeKind::Pointer, with its pointee). Not to be confused with `is_pointer`, an
  // Integer address without a known pointee, printed in hex.
  bool is_ptr() const { return kind == TypeKind::Pointer; }
  bool is_record() const { return kind == TypeKind::Record; }
  bool is_array() const { return kind == TypeKind::Array; }
  bool is_string() const { return kind == TypeKind::String; }
  bool is_tuple() const { return kind == TypeKind::Tuple; }
  // A record value of the language (not a kernel struct, which is_record() names).
  bool is_named_record() const { return kind == TypeKind::Tuple && !field_names.empty(); }
  bool is_aggregation() const { return kind >= TypeKind::Count; }
  bool is_none() const { return kind == TypeKind::None; }
  // Alignment used for tuple layout and map keys.
  int alignment() const;

  // Same shape (ignores the sizes of strings and the widths of integers when `loose`).
  bool same_kind(const Type &other) const;
  bool operator==(const Type &other) const;
  bool operator!=(const Type &other) const { return !(*this == other); }

  std::string name() const; // e.g. "uint64", "string[16]", "(int64,string[4])", "hist_t"
};

// How many buckets a log2 histogram with 2^bits buckets per power of two has: one for negative
// values, one per value below 2^bits, then 2^bits per power of two up to 2^64.
inline int log2_hist_buckets(int bits) { return ((64 - bits) << bits) + 1 + (1 << bits); }

} // namespace bpfscope
