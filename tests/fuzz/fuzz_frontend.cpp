// libFuzzer target: arbitrary bytes as a script through parse -> analyse -> codegen (no kernel).
// Built with -DBPFSCOPE_FUZZ=ON and clang; see tests/fuzz/README.md.
#include "fuzz_pipeline.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 64 * 1024)
    return -1; // scripts are small; huge inputs only slow the search down
  bpfscope::fuzz::run_pipeline(std::string(reinterpret_cast<const char *>(data), size));
  return 0;
}
