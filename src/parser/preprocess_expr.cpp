#include "parser/preprocess_expr.h"

#include <cctype>
#include <cstdlib>

namespace bpfscope {

namespace {

// Recursive descent over the text, one C precedence level per function.
class Evaluator {
public:
  explicit Evaluator(const std::string &s) : s_(s) {}

  bool run(int64_t &v, std::string &error) {
    v = conditional();
    skip();
    if (error_.empty() && p_ < s_.size())
      error_ = "unexpected '" + s_.substr(p_, 1) + "'";
    error = error_;
    return error_.empty();
  }

private:
  void skip() {
    while (p_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[p_])))
      p_++;
  }
  // Consumes `op` when it comes next (and is not the start of a longer operator in `unless`).
  bool take(const char *op, const char *unless = nullptr) {
    skip();
    std::string o(op);
    if (s_.compare(p_, o.size(), o) != 0)
      return false;
    if (unless && p_ + o.size() < s_.size() &&
        std::string(unless).find(s_[p_ + o.size()]) != std::string::npos)
      return false;
    p_ += o.size();
    return true;
  }
  void fail(const std::string &msg) {
    if (error_.empty())
      error_ = msg;
  }

  int64_t conditional() {
    int64_t c = logical_or();
    if (!take("?"))
      return c;
    int64_t a = conditional();
    if (!take(":")) {
      fail("expected ':' in '?:'");
      return 0;
    }
    int64_t b = conditional();
    return c ? a : b;
  }
  int64_t logical_or() {
    int64_t v = logical_and();
    while (take("||")) {
      int64_t r = logical_and();
      v = (v || r) ? 1 : 0;
    }
    return v;
  }
  int64_t logical_and() {
    int64_t v = bit_or();
    while (take("&&")) {
      int64_t r = bit_or();
      v = (v && r) ? 1 : 0;
    }
    return v;
  }
  int64_t bit_or() {
    int64_t v = bit_xor();
    while (take("|", "|"))
      v |= bit_xor();
    return v;
  }
  int64_t bit_xor() {
    int64_t v = bit_and();
    while (take("^"))
      v ^= bit_and();
    return v;
  }
  int64_t bit_and() {
    int64_t v = equality();
    while (take("&", "&"))
      v &= equality();
    return v;
  }
  int64_t equality() {
    int64_t v = relational();
    for (;;) {
      if (take("=="))
        v = v == relational();
      else if (take("!="))
        v = v != relational();
      else
        return v;
    }
  }
  int64_t relational() {
    int64_t v = shift();
    for (;;) {
      if (take("<=", nullptr))
        v = v <= shift();
      else if (take(">=", nullptr))
        v = v >= shift();
      else if (take("<", "<"))
        v = v < shift();
      else if (take(">", ">"))
        v = v > shift();
      else
        return v;
    }
  }
  int64_t shift() {
    int64_t v = additive();
    for (;;) {
      if (take("<<")) {
        int64_t r = additive();
        v = (r < 0 || r > 63) ? 0 : static_cast<int64_t>(static_cast<uint64_t>(v) << r);
      } else if (take(">>")) {
        int64_t r = additive();
        v = (r < 0 || r > 63) ? (v < 0 ? -1 : 0) : v >> r;
      } else {
        return v;
      }
    }
  }
  int64_t additive() {
    int64_t v = multiplicative();
    for (;;) {
      if (take("+"))
        v = static_cast<int64_t>(static_cast<uint64_t>(v) +
                                 static_cast<uint64_t>(multiplicative()));
      else if (take("-"))
        v = static_cast<int64_t>(static_cast<uint64_t>(v) -
                                 static_cast<uint64_t>(multiplicative()));
      else
        return v;
    }
  }
  int64_t multiplicative() {
    int64_t v = unary();
    for (;;) {
      if (take("*")) {
        v = static_cast<int64_t>(static_cast<uint64_t>(v) * static_cast<uint64_t>(unary()));
      } else if (take("/") || take("%")) {
        bool div = s_[p_ - 1] == '/';
        int64_t r = unary();
        if (r == 0) {
          fail("division by zero");
          return 0;
        }
        if (r == -1) // INT64_MIN / -1 overflows
          v = div ? static_cast<int64_t>(0 - static_cast<uint64_t>(v)) : 0;
        else
          v = div ? v / r : v % r;
      } else {
        return v;
      }
    }
  }
  int64_t unary() {
    if (take("!"))
      return !unary();
    if (take("~"))
      return ~unary();
    if (take("-"))
      return static_cast<int64_t>(0 - static_cast<uint64_t>(unary()));
    if (take("+"))
      return unary();
    return primary();
  }
  int64_t primary() {
    skip();
    if (take("(")) {
      int64_t v = conditional();
      if (!take(")"))
        fail("expected ')'");
      return v;
    }
    if (p_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[p_]))) {
      const char *start = s_.c_str() + p_;
      char *end = nullptr;
      uint64_t v = std::strtoull(start, &end, 0);
      p_ += static_cast<size_t>(end - start);
      while (p_ < s_.size() && std::string("uUlL").find(s_[p_]) != std::string::npos)
        p_++;
      if (p_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[p_])) || s_[p_] == '_'))
        fail("invalid integer '" + std::string(start, s_.c_str() + p_ + 1) + "'");
      return static_cast<int64_t>(v);
    }
    if (p_ < s_.size() && (std::isalpha(static_cast<unsigned char>(s_[p_])) || s_[p_] == '_')) {
      while (p_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[p_])) || s_[p_] == '_'))
        p_++;
      return 0; // an identifier no definition replaced
    }
    fail(p_ < s_.size() ? "unexpected '" + s_.substr(p_, 1) + "'" : "missing expression");
    return 0;
  }

  const std::string &s_;
  size_t p_ = 0;
  std::string error_;
};

} // namespace

bool evaluate_condition(const std::string &text, int64_t &value, std::string &error) {
  Evaluator e(text);
  return e.run(value, error);
}

} // namespace bpfscope
