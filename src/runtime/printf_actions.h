// What cat() and system() do with their formatted text, in user space: print a file, or run a
// command (--unsafe) and print what it writes to stdout.
#pragma once

#include "parser/semantic.h"
#include "runtime/output.h"

#include <string>

namespace bpfscope {

// cat() prints at most `max_cat_bytes` bytes of the file (config max_cat_bytes).
void run_printf_action(PrintfAction action, const std::string &text, Output &output,
                       uint64_t max_cat_bytes);

// A join() record's payload: the strings (`arg_size` bytes each) joined with `sep`, as one line
// (JSON record "join").
void print_join(const std::string &sep, size_t arg_size, const uint8_t *payload, size_t size,
                Output &output);

} // namespace bpfscope
