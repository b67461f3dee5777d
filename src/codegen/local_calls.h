// References between the functions of one program section: a `for` loop's callback is a
// function of its own in the same section, and the BPF backend leaves its address (an
// `ld_imm64`) or a call to it as a relocation. The kernel wants these as instruction offsets.
#pragma once

#include <llvm/Object/ObjectFile.h>

#include <cstdint>
#include <string>
#include <vector>

namespace bpfscope {

// Turns every relocation of `section` into a BPF_PSEUDO_FUNC or BPF_PSEUDO_CALL reference with a
// relative offset, patched into `insns` (the section's instructions). Returns false, with
// `error` set, for a relocation that is not to a function of the same section (global data).
bool link_local_functions(const llvm::object::SectionRef &section, std::vector<uint64_t> &insns,
                          std::string &error);

} // namespace bpfscope
