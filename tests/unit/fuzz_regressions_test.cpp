// Replays every input the fuzzer once crashed on (tests/fuzz/regressions) and the seed corpus
// (tests/fuzz/corpus) through the fuzzer's own entry point: parse -> analyse -> codegen must
// return, whatever it decides, without crashing.
#include "../fuzz/fuzz_pipeline.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::vector<std::filesystem::path> inputs(const std::string &sub) {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  for (auto &e :
       std::filesystem::directory_iterator(std::string(BPFSCOPE_FUZZ_DIR) + "/" + sub, ec))
    if (e.is_regular_file() && e.path().filename().string() != "README.md")
      out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::string read(const std::filesystem::path &p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(FuzzRegressions, RegressionInputsRunThroughThePipeline) {
  auto files = inputs("regressions");
  for (auto &f : files) {
    SCOPED_TRACE(f.string());
    bpfscope::fuzz::run_pipeline(read(f));
  }
}

TEST(FuzzRegressions, SeedCorpusRunsThroughThePipeline) {
  auto files = inputs("corpus");
  EXPECT_GT(files.size(), 100u);
  for (auto &f : files) {
    SCOPED_TRACE(f.string());
    bpfscope::fuzz::run_pipeline(read(f));
  }
}

std::string sum_of_ones(int n) {
  std::string s = "1";
  for (int i = 1; i < n; i++)
    s += " + 1";
  return s;
}

// Found by the fuzzer: `!!!!…` about a thousand deep (under the parser's limit of 1000 levels)
// overflowed the semantic pass's stack under ASan. The semantic pass now stops at 256 levels.
TEST(FuzzRegressions, DeeplyNestedExpressionsAreAnErrorNotACrash) {
  for (const std::string &e : {std::string(300, '!') + "1", sum_of_ones(300),
                               std::string(990, '!') + "1", sum_of_ones(990)}) {
    auto a = bpfscope::testing::analyse("BEGIN { @x = " + e + "; }");
    EXPECT_FALSE(a.ok);
    size_t at = a.errors.find("expression nested too deeply (more than 256 levels)");
    EXPECT_NE(at, std::string::npos) << a.errors;
    EXPECT_EQ(a.errors.find("nested too deeply", at + 30), std::string::npos) << "reported once";
  }
  // Deeper still: the parser refuses it first.
  for (const std::string &e : {std::string(5000, '!') + "1", sum_of_ones(5000)}) {
    auto a = bpfscope::testing::analyse("BEGIN { @x = " + e + "; }");
    EXPECT_FALSE(a.ok);
    EXPECT_NE(a.errors.find("nesting too deep"), std::string::npos) << a.errors;
  }
  // Nesting that real scripts use stays fine.
  auto ok = bpfscope::testing::analyse("BEGIN { @x = " + std::string(50, '!') + "1 + " +
                                       sum_of_ones(100) + "; exit(); }");
  EXPECT_TRUE(ok.ok) << ok.errors;
}

} // namespace
