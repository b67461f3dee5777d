// Where values too large for the BPF stack live while a probe runs.
//
// The BPF stack has 512 bytes per program (the callbacks of bpf_loop included), which one
// 1024-byte string already overflows. As bpftrace v0.26 (config `on_stack_limit`), a value
// larger than the limit lives instead in a per-CPU scratch area: one element of an array map per
// possible CPU, which a program looks up once per run (by its CPU id) before its body starts.
// Each allocation site of a program gets its own slot in that element, the way each site gets
// its own alloca; the element is as large as the largest program's slots together.
//
// A program interrupted on its CPU by another one that uses the same element (a probe firing in
// NMI context, say) can find its slots overwritten; bpftrace v0.26 accepts the same risk with its
// per-CPU buffers, and such nesting is rare for tracing programs.
#pragma once

#include <cstdint>

namespace bpfscope {

// Whether a value of `bytes` goes to the scratch area rather than on the stack.
inline bool needs_scratch(int bytes, uint64_t on_stack_limit) {
  return bytes > 0 && static_cast<uint64_t>(bytes) > on_stack_limit;
}

// The slots of one program: every slot starts at a multiple of 8 (the word loads and stores of
// the code that fills it need that alignment) and none overlaps another.
class ScratchLayout {
public:
  // The offset of a new slot of `bytes`.
  int allocate(int bytes) {
    int offset = size_;
    size_ += (bytes + 7) / 8 * 8;
    return offset;
  }
  // Bytes the program's slots take together.
  int size() const { return size_; }

private:
  int size_ = 0;
};

} // namespace bpfscope
