#include "parser/pt_regs.h"

namespace bpfscope {
namespace {

constexpr const char *kRegisters[] = {"r15", "r14",     "r13", "r12", "bp",    "bx", "r11",
                                      "r10", "r9",      "r8",  "ax",  "cx",    "dx", "si",
                                      "di",  "orig_ax", "ip",  "cs",  "flags", "sp", "ss"};

} // namespace

int pt_regs_offset(const std::string &name) {
  int i = 0;
  for (const char *r : kRegisters) {
    if (name == r)
      return i * 8;
    i++;
  }
  return -1;
}

std::string pt_regs_names() {
  std::string s;
  for (const char *r : kRegisters)
    s += (s.empty() ? "" : ", ") + std::string(r);
  return s;
}

} // namespace bpfscope
