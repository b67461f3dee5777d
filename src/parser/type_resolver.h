// Where the semantic pass gets C types it does not define itself: kernel structs, unions, enums
// and typedefs (from BTF at run time, from a fake in unit tests), and the script's own
// `struct X { ... }` definitions layered on top (script_types.h).
//
// Records are resolved lazily: a Record type carries only its name, size and the resolver's id;
// its members are looked up one at a time, when a script accesses them.
#pragma once

#include "parser/enum_names.h"
#include "parser/types.h"

#include <memory>

#include <optional>
#include <string>
#include <vector>

namespace bpfscope {

struct RecordMember {
  Type type;
  int offset = 0;     // bytes from the start of the record
  int bit_offset = 0; // bitfields: bits from `offset`, and the width; 0 when not a bitfield
  int bit_size = 0;
};

class TypeResolver {
public:
  virtual ~TypeResolver() = default;
  // A named type as written in a script: "struct task_struct", "union bpf_attr", "enum pid_type"
  // or a typedef such as "pid_t". nullopt when unknown.
  virtual std::optional<Type> named_type(const std::string &name) = 0;
  // Member `name` of a record (members of anonymous members included); nullopt when absent.
  virtual std::optional<RecordMember> member(const Type &record, const std::string &name) = 0;
  // Every member in layout order (members of anonymous members in their place), for printing a
  // whole struct.
  virtual std::vector<std::pair<std::string, RecordMember>> members(const Type &record) = 0;
  // A hint for a member that does not exist: "Did you mean 'pid'?" or "".
  virtual std::string member_hint(const Type &record, const std::string &name) = 0;
  // The value of an enumerator (`TASK_COMM_LEN`-like enum constants); nullopt when unknown.
  virtual std::optional<int64_t> enum_value(const std::string &name) = 0;
  // The enum an enumerator belongs to, for printing values of its type by name; null when
  // unknown (a resolver without enum tables, such as a test's fake, prints numbers).
  virtual std::shared_ptr<const EnumNames> enum_of(const std::string & /*enumerator*/) {
    return nullptr;
  }
};

} // namespace bpfscope
