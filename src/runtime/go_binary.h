// Go binaries: detecting them, and the RET instructions of a function, for uretprobes that do
// not use the kernel's return probes. A uretprobe replaces the return address on the stack with a
// trampoline's; when a goroutine's stack grows, Go copies it and walks its frames, finds that
// address and aborts ("unexpected return pc"). A plain uprobe on every RET instruction of the
// function sees the same return value (in AX, per Go's register ABI) without touching the stack.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bpfscope {

// Whether `path` was built by the Go toolchain: it has a .go.buildinfo section or a Go build-id
// note (.note.go.buildid). false when the file cannot be read.
bool is_go_binary(const std::string &path);

// Offsets (from the function's start) of the RET instructions among `code`, the bytes of an
// x86-64 function, decoded with LLVM's disassembler. false and *error when it cannot decode.
bool find_return_instructions(const std::vector<uint8_t> &code, std::vector<uint64_t> &out,
                              std::string *error);

// Where a Go function's body starts after its stack-growth check (`cmp 0x10(%r14),%rsp; jbe
// morestack`, or the same through %r12 for large frames), as an offset from its start; 0 when
// it has none. After growing the stack, runtime.morestack jumps back to the function's first
// instruction: an entry uprobe there would fire twice for that one call, one placed after the
// check fires once, with the arguments still in their registers.
uint64_t go_entry_after_stack_check(const std::vector<uint8_t> &code);

// Reads `size` bytes at `file_offset` of `path`. false and *error on failure.
bool read_file_bytes(const std::string &path, uint64_t file_offset, uint64_t size,
                     std::vector<uint8_t> &out, std::string *error);

} // namespace bpfscope
