// Types a script defines in its preamble (`struct Foo { int a; char b[16]; struct Bar *p; }`,
// `union U { ... }`, `enum E { A, B = 5 }`), laid out with C's rules, layered over the kernel's
// types: a name defined by the script wins, anything else is looked up in the kernel's BTF.
#pragma once

#include "parser/diagnostics.h"
#include "parser/type_resolver.h"

#include <map>
#include <string>
#include <vector>

namespace bpfscope {

// The integer types C and the kernel spell the same everywhere: uint64_t, size_t, u32, __s16, ...
std::optional<Type> standard_c_type(const std::string &name);

class ScriptTypes : public TypeResolver {
public:
  explicit ScriptTypes(TypeResolver *kernel) : kernel_(kernel) {}

  // Adds one definition as written. Reports a malformed one at `loc` and returns false.
  // `typedef` definitions name a type that may be defined later (`typedef struct S s_t;` before
  // `struct S { ... }`): they are resolved when the name is used.
  bool define(const std::string &text, const SourceRange &loc, Diagnostics &diags);

  std::optional<Type> named_type(const std::string &name) override;
  std::optional<RecordMember> member(const Type &record, const std::string &name) override;
  std::vector<std::pair<std::string, RecordMember>> members(const Type &record) override;
  std::string member_hint(const Type &record, const std::string &name) override;
  std::optional<int64_t> enum_value(const std::string &name) override;
  std::shared_ptr<const EnumNames> enum_of(const std::string &enumerator) override;

private:
  // Script record ids start here, above any BTF id.
  static constexpr int kFirstId = 1 << 30;
  struct Record {
    Type type;
    int alignment = 1;
    std::vector<std::pair<std::string, RecordMember>> members;
  };
  Record *own(const Type &record);
  int alignment_of(const Type &t);
  std::optional<Type> base_type(const std::vector<std::string> &words);
  bool define_typedef(const std::vector<std::string> &tok, const SourceRange &loc,
                      Diagnostics &diags);
  // `typedef WORDS [*...] NAME [[N]];`: what NAME stands for, as written.
  struct Typedef {
    std::vector<std::string> words;
    int stars = 0;
    int array_len = -1;
  };
  std::optional<Type> resolve_typedef(const Typedef &t);

  TypeResolver *kernel_;
  std::vector<Record> records_;
  std::map<std::string, int> record_index_; // "struct Foo" -> records_ index
  std::map<std::string, int64_t> enumerators_;
  std::map<std::string, std::shared_ptr<const EnumNames>> enumerator_enum_; // its enum's names
  std::map<std::string, Type> enums_;                                       // "enum E"
  std::map<std::string, Typedef> typedefs_;
  int typedef_depth_ = 0; // resolving typedefs of typedefs, bounded against cycles
};

} // namespace bpfscope
