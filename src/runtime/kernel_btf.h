// Kernel functions and raw tracepoints as BTF describes them: what fentry/fexit and tp_btf
// programs attach to (a BTF type id, plus the module's BTF object for modules) and the names,
// widths and signedness of their arguments (`args.NAME`).
//
// vmlinux BTF (/sys/kernel/btf/vmlinux) is parsed on first use only; a module's BTF is found by
// walking the kernel's loaded BTF objects for the one named after the module, and its fd stays
// open for the process (the program load needs it).
#pragma once

#include "parser/probe_target.h"

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

struct btf;
struct btf_type;

namespace bpfscope {

// Follows typedefs and qualifiers (const, volatile, restrict, type tags), which change neither the
// size nor the kind of a value, from type `*id`; `*id` ends as the id of the type returned.
const btf_type *btf_skip_modifiers(const struct btf *btf, int *id);
// First type id that belongs to `btf` itself: a module's split BTF continues vmlinux's ids.
int btf_own_start_id(const struct btf *btf);

struct BtfValue {
  std::string name;                                      // parameter name ("" for a return value)
  ContextField::Kind kind = ContextField::Kind::Integer; // Integer or Pointer
  int size = 8; // bytes of the value as passed (1, 2, 4 or 8)
  bool is_signed = false;
  std::string type_name; // C spelling, for -lv: "const char *", "int", "struct file *"
  Type type{}; // pointers: the language type ("struct file *"); enums: the integer with its names
};

struct BtfFunction {
  std::string name;
  std::string module;  // "" for vmlinux
  int btf_id = -1;     // FUNC id (fentry) or btf_trace_EVENT typedef id (tp_btf)
  int btf_obj_fd = -1; // module BTF object (owned by KernelBtf), -1 for vmlinux
  std::vector<BtfValue> params;
  bool returns_void = true;
  BtfValue ret;
  // "int do_sys_openat2(int dfd, const char * filename, struct open_how * how)"
  std::string signature() const;
};

// Looks at one parsed BTF (vmlinux, a module's split BTF, or one built by a test).
class BtfView {
public:
  explicit BtfView(const struct btf *btf) : btf_(btf) {}
  const struct btf *raw() const { return btf_; }
  // The FUNC called `name`, described from its FUNC_PROTO.
  std::optional<BtfFunction> function(const std::string &name) const;
  // The raw tracepoint `event`, from the `btf_trace_EVENT` typedef (a pointer to a FUNC_PROTO
  // whose first parameter, the tracepoint's private `void *`, is not an argument).
  std::optional<BtfFunction> raw_tracepoint(const std::string &event) const;
  // Names of all FUNCs, or of all raw tracepoints (btf_trace_* typedefs, prefix removed).
  std::vector<std::string> function_names() const;
  std::vector<std::string> raw_tracepoint_names() const;
  // Byte offset of `member` in `struct struct_name` (looking into anonymous members).
  std::optional<int> member_offset(const std::string &struct_name, const std::string &member) const;

private:
  BtfValue describe(int type_id, const std::string &name) const;
  std::string type_name(int type_id) const;
  void index() const;
  std::vector<std::string> trace_parameter_names(const std::string &event,
                                                 const btf_type *proto) const;
  const struct btf *btf_;
  // name -> type id of FUNCs and btf_trace_* typedefs, built on first lookup (wildcards look up
  // many names; one pass over the ~100k types of vmlinux beats one per name).
  mutable std::unordered_map<std::string, int> functions_, raw_tracepoints_;
  // The btf_trace_* prototypes have unnamed parameters; the kernel's __bpf_trace_<class>
  // functions (one per tracepoint class, same parameter types) have the names. By parameter
  // type ids ("12,345,67") -> that function's id.
  mutable std::unordered_map<std::string, int> named_trace_functions_;
  mutable bool indexed_ = false;
};

class KernelBtf {
public:
  // The running kernel's BTF (process-wide, loaded lazily).
  static KernelBtf &running();
  ~KernelBtf();

  // False when the kernel has no BTF (no /sys/kernel/btf/vmlinux); *why says so.
  bool available(std::string *why = nullptr);
  // The view of vmlinux ("" module) or of a loaded module's BTF; null (and *error) when absent.
  const BtfView *view(const std::string &module, std::string *error);
  // The BTF of every loaded module that has one, parsed now (those not parsed yet), for a type
  // name vmlinux lacks. Empty when the kernel has no BTF.
  std::vector<const struct btf *> module_btfs();
  // fd of a module's BTF object (for attach_btf_obj_fd), -1 for vmlinux or when not loaded.
  int module_fd(const std::string &module);

private:
  struct Module;
  struct btf *vmlinux_ = nullptr;
  bool tried_vmlinux_ = false;
  std::string vmlinux_error_;
  std::unique_ptr<BtfView> vmlinux_view_;
  std::vector<std::unique_ptr<Module>> modules_;
};

// Offsets of task_struct's real_parent and tgid in the running kernel's BTF (for `ppid`), or
// nothing when the kernel has no BTF or lacks those members.
std::optional<std::pair<int, int>> ppid_offsets_from_btf();

} // namespace bpfscope
