#include "parser/semantic_enums.h"

namespace bpfscope {

std::shared_ptr<const EnumNames> context_enum_names(const ContextField &cf, TypeRules &types) {
  if (cf.type.kind == TypeKind::Integer && cf.type.enum_names)
    return cf.type.enum_names;
  if (cf.c_type.rfind("enum ", 0) == 0)
    if (auto t = types.named(cf.c_type); t && t->kind == TypeKind::Integer)
      return t->enum_names;
  return nullptr;
}

std::string enum_cast_error(const ast::Cast &cast, const Type &to) {
  if (!to.enum_names || !cast.operand || cast.operand->kind != ast::ExprKind::Integer)
    return "";
  uint64_t value = static_cast<const ast::IntegerLit &>(*cast.operand).value;
  if (to.enum_names->find(value))
    return "";
  std::string name = to.enum_names->name;
  if (name.rfind("enum ", 0) == 0)
    name = name.substr(5);
  return "Enum: " + name + " doesn't contain a variant value of " + std::to_string(value);
}

} // namespace bpfscope
