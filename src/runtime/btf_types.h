// Kernel C types for scripts, from BTF: the TypeResolver the semantic pass uses for
// `struct task_struct`, `curtask->pid`, typed `args` of fentry/tp_btf, and kernel enum constants.
//
// Nothing is parsed until a script asks for a type: the running kernel's vmlinux BTF is loaded
// on the first lookup (KernelBtf), and each record's members are read from it one access at a
// time. A Record's id is its BTF type id.
#pragma once

#include "parser/type_resolver.h"

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

struct btf;

namespace bpfscope {

// Record ids from here on are handles for records of a module's own BTF (see btf_types.cpp);
// below, vmlinux BTF ids. Script-defined records come after both (ScriptTypes).
constexpr int kFirstModuleRecordHandle = 1 << 29;

// The language type of BTF type `id` (typedefs and qualifiers skipped): integers and enums as
// integers, char arrays as strings, structs/unions as records, pointers with their pointee.
Type type_from_btf(const struct btf *btf, int id);

class BtfTypeResolver : public TypeResolver {
public:
  // `btf` null: the running kernel's vmlinux BTF, loaded on first use, and the loaded modules'
  // BTF for names vmlinux lacks (listed and parsed only when a script names such a type).
  explicit BtfTypeResolver(const struct btf *btf = nullptr) : btf_(btf), kernel_(!btf) {}

  // A module's split BTF (on top of this resolver's BTF), searched after it for named types; for
  // tests. The running kernel's modules are found without this.
  void add_module_btf(const struct btf *module) { modules_.push_back(module); }

  std::optional<Type> named_type(const std::string &name) override;
  std::optional<RecordMember> member(const Type &record, const std::string &name) override;
  std::vector<std::pair<std::string, RecordMember>> members(const Type &record) override;
  std::string member_hint(const Type &record, const std::string &name) override;
  std::optional<int64_t> enum_value(const std::string &name) override;
  std::shared_ptr<const EnumNames> enum_of(const std::string &enumerator) override;

private:
  const struct btf *btf();
  // The BTF that defines `record` and its id there (vmlinux or a module's); null if neither.
  const struct btf *locate(const Type &record, int *id);
  std::optional<Type> find_named(const struct btf *btf, const std::string &name);
  const std::vector<const struct btf *> &modules();
  const struct btf *btf_;
  bool kernel_;
  bool modules_listed_ = false;
  std::vector<const struct btf *> modules_;
  bool enums_indexed_ = false;
  std::unordered_map<std::string, int64_t> enums_;
  std::unordered_map<std::string, int> enum_ids_; // enumerator -> its enum's BTF type id
};

} // namespace bpfscope
