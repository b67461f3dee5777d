// The semantic rules for C types (structs, unions, pointers, arrays): what a cast to
// `struct task_struct *` means, the type of `p->member` and `s.member`, `*p`, and the type of
// `curtask`. Types come from a TypeResolver (kernel BTF, the script's definitions, or a fake).
#pragma once

#include "parser/ast.h"
#include "parser/type_resolver.h"

#include <functional>
#include <string>

namespace bpfscope {

class TypeRules {
public:
  using ErrorFn =
      std::function<void(const SourceRange &, const std::string &, const std::string &)>;
  TypeRules(TypeResolver *types, ErrorFn error) : types_(types), error_(std::move(error)) {}

  // Whether `text` names a C type rather than one of the language's own (a pointer, `struct X`,
  // `union X`, `enum X`).
  static bool is_c_type_name(const std::string &text);
  // The type written as `text` ("struct task_struct *", "int8 *", "uint32", "enum pid_type").
  // Reports an unknown type at `loc` and returns none().
  Type from_text(const std::string &text, const SourceRange &loc);
  // The type a bare name stands for (`pid_t`, `uint64_t`), if any. Reports nothing.
  std::optional<Type> named(const std::string &name);
  // "struct sockaddr *" (qualifiers and __user allowed) as a typed pointer when the struct or
  // union is known; nullopt for other declarations and unknown records. Reports nothing.
  std::optional<Type> record_pointer(const std::string &c_type);
  // The type of `f` (`base.member` or `base->member`) when `base` is a record or a pointer to
  // one; records the member's offset in `f`.
  Type member(ast::Field &f, const Type &base);
  // `a[i]` (`index` is the index's type).
  Type index(const ast::Index &e, const Type &base, const Type &index);
  // `*p`.
  Type deref(const ast::Unary &u, const Type &pointer);
  // sizeof/offsetof: sets q.value. `operand` is the type of sizeof's expression, if any.
  Type query(ast::TypeQuery &q, const Type &operand);
  // Fills in the members of a struct (and of structs and arrays inside it) so that it can be
  // stored and printed whole. False (with an error at `loc`) when it is too large for that.
  bool make_whole(Type &t, const SourceRange &loc);
  // `curtask`: a `struct task_struct *` when the kernel's types are known, else a uint64.
  Type curtask();
  // The value of a kernel enumerator called `name`, if there is one.
  std::optional<int64_t> enum_value(const std::string &name);
  // The enum that enumerator `name` belongs to (see TypeResolver::enum_of).
  std::shared_ptr<const EnumNames> enum_of(const std::string &name);

private:
  TypeResolver *types_;
  ErrorFn error_;
};

} // namespace bpfscope
