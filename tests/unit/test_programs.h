// Building the C and C++ programs of tests/programs for tests that need real ELF files: each is
// compiled with the system's cc/c++ into a temporary directory that lives as long as the object.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace bpfscope::testing {

class TestPrograms {
public:
  TestPrograms() {
    char tmpl[] = "/tmp/bpfscope-unit-XXXXXX";
    const char *made = mkdtemp(tmpl);
    dir_ = made ? made : "";
  }
  ~TestPrograms() {
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }
  const std::string &dir() const { return dir_; }
  std::string path(const std::string &name) const { return dir_ + "/" + name; }
  static std::string source(const std::string &name) {
    return std::string(BPFSCOPE_SOURCE_DIR) + "/tests/programs/" + name;
  }

  // Runs `compiler -o DIR/output SOURCES... flags` (sources named relative to tests/programs);
  // returns the output's path, or "" after recording a test failure.
  std::string build(const std::string &compiler, const std::string &output,
                    const std::string &sources, const std::string &flags = "") {
    std::string srcs;
    size_t start = 0;
    while (start < sources.size()) {
      size_t space = sources.find(' ', start);
      if (space == std::string::npos)
        space = sources.size();
      if (space > start)
        srcs += " " + source(sources.substr(start, space - start));
      start = space + 1;
    }
    // Flags last, so that -l options come after the sources that need them.
    std::string cmd = compiler + " -o " + path(output) + srcs + " " + flags + " 2>&1";
    std::string out;
    int status = run(cmd, &out);
    if (status != 0) {
      ADD_FAILURE() << "cannot build " << output << ": " << cmd << "\n" << out;
      return "";
    }
    return path(output);
  }

  // Runs a shell command; returns its exit status and stdout.
  static int run(const std::string &cmd, std::string *out) {
    FILE *p = popen(cmd.c_str(), "r");
    if (!p)
      return -1;
    char buf[4096];
    size_t n;
    out->clear();
    while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
      out->append(buf, n);
    int status = pclose(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

private:
  std::string dir_;
};

} // namespace bpfscope::testing
