// The integer constant expressions of `#if` and `#elif`, evaluated as C's preprocessor does:
// intmax_t arithmetic, every C operator but assignment and comma, `?:`, and identifiers left over
// after macro substitution reading as 0. `defined NAME` and `defined(NAME)` must already have been
// replaced by 1 or 0.
#pragma once

#include <cstdint>
#include <string>

namespace bpfscope {

// False with `error` set (a short description) when `text` is not such an expression.
bool evaluate_condition(const std::string &text, int64_t &value, std::string &error);

} // namespace bpfscope
