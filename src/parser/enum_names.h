// The enumerators of one enum, by value: what lets printf's %s, print() and map printing show an
// enum-typed integer as its name (`RED`, `HRTIMER_MODE_REL`), as bpftrace v0.26 does. The value
// travels as a plain integer; the type checker attaches the table to the integer's Type
// (Type::enum_names), and user space looks the value up when it prints it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace bpfscope {

struct EnumNames {
  std::string name; // "enum hrtimer_mode", "enum Color"
  // Sorted by value; one name per value, the first enumerator declared with it (an enum may
  // give one value several names: HRTIMER_MODE_PINNED and HRTIMER_MODE_ABS_PINNED are both 2).
  std::vector<std::pair<uint64_t, std::string>> by_value;

  // Adds an enumerator in declaration order. Values are the integer's bits as the value reads
  // them: sign-extended for negative enumerators.
  void add(int64_t value, const std::string &enumerator);
  // The name of `bits`, or null when no enumerator has that value.
  const std::string *find(uint64_t bits) const;
};

// How an enum-typed value prints as text: its enumerator's name, else the number in decimal
// (signed when the integer is signed), as v0.26 falls back to the number.
std::string enum_value_text(const EnumNames &names, uint64_t bits, bool is_signed);

} // namespace bpfscope
