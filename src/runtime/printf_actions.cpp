#include "runtime/printf_actions.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

namespace bpfscope {

namespace {

void cat_file(const std::string &path, Output &output, uint64_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "ERROR: failed to open file '" << path << "': " << std::strerror(errno) << "\n";
    return;
  }
  std::string content;
  char buf[4096];
  while (content.size() < max_bytes && in) {
    size_t want = std::min<uint64_t>(sizeof(buf), max_bytes - content.size());
    in.read(buf, static_cast<std::streamsize>(want));
    content.append(buf, static_cast<size_t>(in.gcount()));
  }
  output.typed_text("cat", content);
}

// Runs `command` with /bin/sh, as bpftrace's system() does, and prints its stdout once it ends.
void run_command(const std::string &command, Output &output) {
  output.flush(); // what was printed before comes first, should the command print itself
  FILE *p = popen(command.c_str(), "r");
  if (!p) {
    std::cerr << "ERROR: cannot run '" << command << "': " << std::strerror(errno) << "\n";
    return;
  }
  std::string text;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
    text.append(buf, n);
  pclose(p);
  output.typed_text("syscall", text);
}

} // namespace

void print_join(const std::string &sep, size_t arg_size, const uint8_t *payload, size_t size,
                Output &output) {
  if (size < 8)
    return;
  uint64_t count;
  std::memcpy(&count, payload, 8);
  std::string text;
  for (uint64_t i = 0; i < count && i < kJoinMaxArgs; i++) {
    size_t at = 8 + i * arg_size;
    if (at + arg_size > size)
      break;
    const char *s = reinterpret_cast<const char *>(payload + at);
    if (i)
      text += sep;
    text.append(s, strnlen(s, arg_size));
  }
  output.typed_text("join", output.json() ? text : text + "\n");
}

void run_printf_action(PrintfAction action, const std::string &text, Output &output,
                       uint64_t max_cat_bytes) {
  switch (action) {
  case PrintfAction::Cat:
    cat_file(text, output, max_cat_bytes);
    break;
  case PrintfAction::System:
    run_command(text, output);
    break;
  case PrintfAction::Print:
    output.printf_text(text);
    break;
  }
}

} // namespace bpfscope
