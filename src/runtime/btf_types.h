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

struct btf;

namespace bpfscope {

// The language type of BTF type `id` (typedefs and qualifiers skipped): integers and enums as
// integers, char arrays as strings, structs/unions as records, pointers with their pointee.
Type type_from_btf(const struct btf *btf, int id);

class BtfTypeResolver : public TypeResolver {
public:
  // `btf` null: the running kernel's vmlinux BTF, loaded on first use.
  explicit BtfTypeResolver(const struct btf *btf = nullptr) : btf_(btf) {}

  std::optional<Type> named_type(const std::string &name) override;
  std::optional<RecordMember> member(const Type &record, const std::string &name) override;
  std::vector<std::pair<std::string, RecordMember>> members(const Type &record) override;
  std::string member_hint(const Type &record, const std::string &name) override;
  std::optional<int64_t> enum_value(const std::string &name) override;

private:
  const struct btf *btf();
  const struct btf *btf_;
  bool enums_indexed_ = false;
  std::unordered_map<std::string, int64_t> enums_;
};

} // namespace bpfscope
