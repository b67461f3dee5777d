#include "runtime/printf_actions.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

namespace bpfscope {

namespace {

void cat_file(const std::string &path, Output &output) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "ERROR: failed to open file '" << path << "': " << std::strerror(errno) << "\n";
    return;
  }
  std::ostringstream content;
  content << in.rdbuf();
  output.typed_text("cat", content.str());
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

void run_printf_action(PrintfAction action, const std::string &text, Output &output) {
  switch (action) {
  case PrintfAction::Cat:
    cat_file(text, output);
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
