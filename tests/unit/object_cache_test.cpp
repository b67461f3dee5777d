// The on-disk object cache (entries round-trip; corrupt, truncated and stale entries are misses)
// pruning of the cache directory, and the prepared printf formats (same text as format_printf for
// every kind of conversion).
#include <gtest/gtest.h>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>

#include "runtime/format_printf.h"
#include "runtime/object_cache.h"

namespace bpfscope {
namespace {

CompiledObject sample_object() {
  CompiledObject o;
  o.internal.ring_buffer = 3;
  o.internal.globals = 4;
  o.internal.stacks = {5, 6};
  o.internal.helper_errors = 7;
  o.internal.helper_error_slots = 2;
  o.helper_error_sites = {{2, 0, {1, 9, 1, 18}}, {45, -1, {3, 4, 5, 6}}};
  o.helper_error_sites[1].where.file = 2; // an imported file
  CompiledProgram p;
  p.name = "tracepoint:syscalls:sys_enter_openat";
  p.probe_index = 1;
  p.target_indices = {0, 2};
  p.kind = ProgramKind::Tracepoint;
  p.instructions = {0x0000000000000095ULL, 0x1122334455667788ULL, 42};
  o.programs.push_back(p);
  p.name = "BEGIN";
  p.kind = ProgramKind::Special;
  p.instructions = {7};
  o.programs.push_back(p);
  return o;
}

void expect_same(const CompiledObject &a, const CompiledObject &b) {
  EXPECT_EQ(a.internal.ring_buffer, b.internal.ring_buffer);
  EXPECT_EQ(a.internal.globals, b.internal.globals);
  EXPECT_EQ(a.internal.stacks, b.internal.stacks);
  EXPECT_EQ(a.internal.helper_errors, b.internal.helper_errors);
  EXPECT_EQ(a.internal.helper_error_slots, b.internal.helper_error_slots);
  ASSERT_EQ(a.helper_error_sites.size(), b.helper_error_sites.size());
  for (size_t i = 0; i < a.helper_error_sites.size(); i++) {
    const HelperErrorSite &x = a.helper_error_sites[i], &y = b.helper_error_sites[i];
    EXPECT_EQ(x.helper, y.helper);
    EXPECT_EQ(x.map_id, y.map_id);
    EXPECT_EQ(x.where.begin_line, y.where.begin_line);
    EXPECT_EQ(x.where.begin_col, y.where.begin_col);
    EXPECT_EQ(x.where.end_line, y.where.end_line);
    EXPECT_EQ(x.where.end_col, y.where.end_col);
    EXPECT_EQ(x.where.file, y.where.file);
  }
  ASSERT_EQ(a.programs.size(), b.programs.size());
  for (size_t i = 0; i < a.programs.size(); i++) {
    EXPECT_EQ(a.programs[i].name, b.programs[i].name);
    EXPECT_EQ(a.programs[i].probe_index, b.programs[i].probe_index);
    EXPECT_EQ(a.programs[i].target_indices, b.programs[i].target_indices);
    EXPECT_EQ(a.programs[i].kind, b.programs[i].kind);
    EXPECT_EQ(a.programs[i].instructions, b.programs[i].instructions);
  }
}

class ObjectCacheTest : public ::testing::Test {
protected:
  void SetUp() override {
    char tmpl[] = "/tmp/bpfscope-cache-test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::remove(path_.c_str());
    rmdir(dir_.c_str());
  }
  std::string read_all() {
    std::ifstream in(path_, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  void write_all(const std::string &data) {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out << data;
  }
  std::string dir_, path_;
};

TEST_F(ObjectCacheTest, RoundTrip) {
  std::string key = "key text";
  path_ = object_cache_path(dir_, key);
  CompiledObject out;
  EXPECT_EQ(object_cache_load(path_, key, out), CacheLookup::Miss);
  std::string error;
  ASSERT_TRUE(object_cache_store(path_, key, sample_object(), error)) << error;
  ASSERT_EQ(object_cache_load(path_, key, out), CacheLookup::Hit);
  expect_same(sample_object(), out);
}

TEST_F(ObjectCacheTest, DifferentKeysDifferentFiles) {
  EXPECT_NE(object_cache_path(dir_, "a"), object_cache_path(dir_, "b"));
  EXPECT_EQ(object_cache_path(dir_, "a"), object_cache_path(dir_, "a"));
}

TEST_F(ObjectCacheTest, StaleKeyIsNotUsed) {
  std::string key = "kernel 6.18 script A";
  path_ = object_cache_path(dir_, key);
  std::string error;
  ASSERT_TRUE(object_cache_store(path_, key, sample_object(), error)) << error;
  CompiledObject out;
  // The same file, asked for with another key (a hash collision, or a changed fact).
  EXPECT_EQ(object_cache_load(path_, "kernel 6.19 script A", out), CacheLookup::Stale);
  EXPECT_TRUE(out.programs.empty());
}

TEST_F(ObjectCacheTest, CorruptEntriesAreMisses) {
  std::string key = "k";
  path_ = object_cache_path(dir_, key);
  std::string error;
  ASSERT_TRUE(object_cache_store(path_, key, sample_object(), error)) << error;
  std::string good = read_all();
  CompiledObject out;
  // One flipped bit anywhere: the checksum no longer matches.
  for (size_t at : {size_t{0}, size_t{20}, good.size() / 2, good.size() - 1}) {
    std::string bad = good;
    bad[at] ^= 0x10;
    write_all(bad);
    EXPECT_EQ(object_cache_load(path_, key, out), CacheLookup::Corrupt) << "byte " << at;
  }
  // Truncated, and empty.
  write_all(good.substr(0, good.size() - 9));
  EXPECT_EQ(object_cache_load(path_, key, out), CacheLookup::Corrupt);
  write_all("");
  EXPECT_EQ(object_cache_load(path_, key, out), CacheLookup::Corrupt);
  // Rebuilt: a store over the corrupt entry makes it usable again.
  ASSERT_TRUE(object_cache_store(path_, key, sample_object(), error)) << error;
  ASSERT_EQ(object_cache_load(path_, key, out), CacheLookup::Hit);
  expect_same(sample_object(), out);
}

// Pruning: a directory of entries with chosen ages, pruned at a fixed "now".
class ObjectCachePruneTest : public ::testing::Test {
protected:
  static constexpr time_t kNow = 2'000'000'000;
  static constexpr time_t kDay = 24 * 3600;
  void SetUp() override {
    char tmpl[] = "/tmp/bpfscope-prune-test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    for (auto &name : names())
      std::remove((dir_ + "/" + name).c_str());
    rmdir(dir_.c_str());
  }
  // A file of `size` bytes, last read and written `age` seconds before kNow.
  void add(const std::string &name, time_t age, size_t size = 100) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << std::string(size, 'x');
    struct timespec times[2] = {{kNow - age, 0}, {kNow - age, 0}};
    ASSERT_EQ(utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
  }
  std::set<std::string> names() {
    std::set<std::string> out;
    if (DIR *d = opendir(dir_.c_str())) {
      while (dirent *e = readdir(d))
        if (e->d_name[0] != '.')
          out.insert(e->d_name);
      closedir(d);
    }
    return out;
  }
  std::string dir_;
};

TEST_F(ObjectCachePruneTest, RemovesEntriesUnusedForTooLong) {
  add("a.bpfo", 31 * kDay);
  add("b.bpfo", 29 * kDay);
  add("c.bpfo", 0);
  EXPECT_EQ(object_cache_prune(dir_, ObjectCacheLimits{}, kNow), 1u);
  EXPECT_EQ(names(), (std::set<std::string>{"b.bpfo", "c.bpfo"}));
}

TEST_F(ObjectCachePruneTest, KeepsTheNewestWithinTheEntryAndByteBudgets) {
  for (int i = 0; i < 6; i++)
    add("e" + std::to_string(i) + ".bpfo", i * 60); // e0 newest, e5 oldest
  ObjectCacheLimits limits;
  limits.max_entries = 4;
  EXPECT_EQ(object_cache_prune(dir_, limits, kNow), 2u);
  EXPECT_EQ(names(), (std::set<std::string>{"e0.bpfo", "e1.bpfo", "e2.bpfo", "e3.bpfo"}));
  limits.max_bytes = 250; // 100 bytes each: room for two
  EXPECT_EQ(object_cache_prune(dir_, limits, kNow), 2u);
  EXPECT_EQ(names(), (std::set<std::string>{"e0.bpfo", "e1.bpfo"}));
  limits.max_bytes = 10; // the newest entry stays even when it alone is over budget
  EXPECT_EQ(object_cache_prune(dir_, limits, kNow), 1u);
  EXPECT_EQ(names(), (std::set<std::string>{"e0.bpfo"}));
}

TEST_F(ObjectCachePruneTest, LeavesOtherFilesAndFreshTemporaries) {
  add("notes.txt", 400 * kDay);
  add("x.bpfo.tmp.123", 2 * 3600); // left by a run that died
  add("y.bpfo.tmp.456", 10);       // being written by a run right now
  EXPECT_EQ(object_cache_prune(dir_, ObjectCacheLimits{}, kNow), 1u);
  EXPECT_EQ(names(), (std::set<std::string>{"notes.txt", "y.bpfo.tmp.456"}));
}

TEST_F(ObjectCachePruneTest, StoringAnEntryPrunesTheDirectory) {
  add("old.bpfo", 0);
  std::string old_path = dir_ + "/old.bpfo";
  time_t long_ago = time(nullptr) - 400 * kDay; // store prunes at the real time
  struct timespec times[2] = {{long_ago, 0}, {long_ago, 0}};
  ASSERT_EQ(utimensat(AT_FDCWD, old_path.c_str(), times, 0), 0);
  std::string key = "script text";
  std::string path = object_cache_path(dir_, key), error;
  ASSERT_TRUE(object_cache_store(path, key, sample_object(), error)) << error;
  EXPECT_EQ(names(), (std::set<std::string>{path.substr(dir_.size() + 1)}));
}

TEST_F(ObjectCachePruneTest, MissingDirectoryIsNothingToDo) {
  EXPECT_EQ(object_cache_prune(dir_ + "/none", ObjectCacheLimits{}, kNow), 0u);
}

TEST(ObjectCacheKey, DependsOnScriptParamsAndProbeFacts) {
  ProgramInfo info;
  std::string base = object_cache_key("BEGIN { exit(); }", info, "o");
  EXPECT_EQ(base, object_cache_key("BEGIN { exit(); }", info, "o"));
  EXPECT_NE(base, object_cache_key("BEGIN { exit(1); }", info, "o"));
  EXPECT_NE(base, object_cache_key("BEGIN { exit(); }", info, "p"));
  ProgramInfo with_param = info;
  with_param.positional_params = {"1"};
  EXPECT_NE(base, object_cache_key("BEGIN { exit(); }", with_param, "o"));
  ProgramInfo with_field = info;
  ProbeInfo probe;
  ProbeTarget target;
  target.provider = "tracepoint";
  target.fields.push_back({"fd", ContextField::Kind::Integer, 16, 8, true});
  probe.targets.push_back(target);
  with_field.probes.push_back(probe);
  std::string a = object_cache_key("x", with_field, "o");
  with_field.probes[0].targets[0].fields[0].offset = 24; // the format file changed
  EXPECT_NE(a, object_cache_key("x", with_field, "o"));
  ProgramInfo with_kaddr = info;
  with_kaddr.kernel_addresses = {0xffffffff81000000ULL};
  EXPECT_NE(base, object_cache_key("BEGIN { exit(); }", with_kaddr, "o"));
}

// ---- prepared printf formats ----------------------------------------------------------------

std::string prepared(const std::string &fmt, const Type &args, const std::vector<uint8_t> &rec) {
  PreparedFormat p(fmt, args);
  std::string out = "prefix:";
  p.append(out, rec.data(), rec.size());
  return out.substr(7);
}

std::string reference(const std::string &fmt, const Type &args, const std::vector<uint8_t> &rec) {
  std::vector<PrintfArg> list;
  for (size_t i = 0; i < args.fields.size(); i++) {
    const uint8_t *p = rec.data() + args.field_offsets[i];
    list.push_back({args.fields[i], std::vector<uint8_t>(p, p + args.fields[i].size)});
  }
  return format_printf(fmt, list);
}

TEST(PreparedFormat, MatchesFormatPrintf) {
  Type args = Type::tuple(
      {Type::integer(8, true), Type::integer(4, false), Type::string(16), Type::integer(2, true)});
  std::vector<uint8_t> rec(static_cast<size_t>(args.size), 0);
  int64_t a = -1234567890123LL;
  uint32_t b = 4000000000u;
  int16_t d = -7;
  std::memcpy(rec.data() + args.field_offsets[0], &a, 8);
  std::memcpy(rec.data() + args.field_offsets[1], &b, 4);
  std::memcpy(rec.data() + args.field_offsets[2], "hello", 5);
  std::memcpy(rec.data() + args.field_offsets[3], &d, 2);
  for (const char *fmt :
       {"%d %u %s %d\n", "%lld %lu %s %hd", "%ld|%x|%-8s|%05d", "%+ld %#o %10s %hhu",
        "%%%d%% %X %.3s %i", "%20lld %-12u %s %c", "no conversions %%", "%p %u %s %d",
        "%zd %zu %s %jd", "%ld %u %s %d %d", "%y %d"}) {
    EXPECT_EQ(prepared(fmt, args, rec), reference(fmt, args, rec)) << fmt;
  }
}

TEST(PreparedFormat, ShortRecordPrintsZeroes) {
  Type args = Type::tuple({Type::integer(8, true), Type::integer(8, true)});
  std::vector<uint8_t> rec(8, 0);
  int64_t a = 5;
  std::memcpy(rec.data(), &a, 8);
  EXPECT_EQ(prepared("%d %d\n", args, rec), "5 0\n");
}

} // namespace
} // namespace bpfscope
