// cgroup_path's resolution: the hierarchies read from a mounts text, the wildcard filter, the
// order and format of the joined paths (with a fake finder), and the inode search on a real
// directory tree.
#include "runtime/cgroup_paths.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

using namespace bpfscope;

namespace {

// A host like this one: cgroup v1 controllers under /sys/fs/cgroup, cgroup2 at .../unified.
const char *kMounts = "proc /proc proc rw,nosuid 0 0\n"
                      "tmpfs /sys/fs/cgroup tmpfs rw,mode=755 0 0\n"
                      "cgroup /sys/fs/cgroup/memory cgroup rw,memory 0 0\n"
                      "cgroup /sys/fs/cgroup/cpu cgroup rw,cpu 0 0\n"
                      "none /sys/fs/cgroup/unified cgroup2 rw 0 0\n"
                      "cgroup /sys/fs/cgroup/name\\040with\\040space cgroup rw,name=x 0 0\n"
                      "cgroup /sys/fs/cgroup/cpu,cpuacct cgroup rw,cpu,cpuacct 0 0\n";

// Paths by (id, root), as a real walk would find them.
CgroupFinder fake_finder(std::map<std::pair<uint64_t, std::string>, std::string> paths) {
  return [paths](uint64_t id, const std::string &root) {
    auto it = paths.find({id, root});
    return it == paths.end() ? std::string() : it->second;
  };
}

} // namespace

TEST(CgroupPaths, HierarchiesFromMounts) {
  auto h = parse_cgroup_mounts(kMounts);
  ASSERT_EQ(h.size(), 5u);
  EXPECT_EQ(h[0].name, "memory");
  EXPECT_EQ(h[0].root, "/sys/fs/cgroup/memory");
  EXPECT_FALSE(h[0].unified);
  EXPECT_EQ(h[2].name, "unified"); // whatever its mount point or source
  EXPECT_EQ(h[2].root, "/sys/fs/cgroup/unified");
  EXPECT_TRUE(h[2].unified);
  EXPECT_EQ(h[3].root, "/sys/fs/cgroup/name with space");
  EXPECT_EQ(h[3].name, "name with space");
  EXPECT_EQ(h[4].name, "cpu,cpuacct");
}

TEST(CgroupPaths, WildcardFilter) {
  EXPECT_TRUE(cgroup_filter_matches("*", "unified"));
  EXPECT_TRUE(cgroup_filter_matches("*", ""));
  EXPECT_TRUE(cgroup_filter_matches("cpu*", "cpu"));
  EXPECT_TRUE(cgroup_filter_matches("cpu*", "cpu,cpuacct"));
  EXPECT_TRUE(cgroup_filter_matches("*acct", "cpu,cpuacct"));
  EXPECT_TRUE(cgroup_filter_matches("c*u*t", "cpu,cpuacct"));
  EXPECT_TRUE(cgroup_filter_matches("unified", "unified"));
  EXPECT_FALSE(cgroup_filter_matches("unified", "unified2"));
  EXPECT_FALSE(cgroup_filter_matches("cpu*", "memory"));
  EXPECT_FALSE(cgroup_filter_matches("", "cpu"));
  // Only `*` is special, as in bpftrace: `?` and `[` stand for themselves.
  EXPECT_FALSE(cgroup_filter_matches("cp?", "cpu"));
  EXPECT_TRUE(cgroup_filter_matches("cp?", "cp?"));
  EXPECT_FALSE(cgroup_filter_matches("[c]pu", "cpu"));
}

TEST(CgroupPaths, UnifiedFirstThenV1ByNameSkippingTheAbsent) {
  auto h = parse_cgroup_mounts(kMounts);
  auto find = fake_finder({
      {{42, "/sys/fs/cgroup/memory"}, "/app/worker"},
      {{42, "/sys/fs/cgroup/cpu"}, "/app"},
      {{42, "/sys/fs/cgroup/unified"}, "/system.slice/app.service"},
      {{42, "/sys/fs/cgroup/cpu,cpuacct"}, "/"},
      {{7, "/sys/fs/cgroup/cpu"}, "/only/here"},
  });
  EXPECT_EQ(format_cgroup_paths(42, "*", h, find),
            "unified:/system.slice/app.service,cpu:/app,cpu,cpuacct:/,memory:/app/worker");
  EXPECT_EQ(format_cgroup_paths(42, "cpu*", h, find), "cpu:/app,cpu,cpuacct:/");
  EXPECT_EQ(format_cgroup_paths(42, "unified", h, find), "unified:/system.slice/app.service");
  EXPECT_EQ(format_cgroup_paths(7, "*", h, find), "cpu:/only/here");
  EXPECT_EQ(format_cgroup_paths(99, "*", h, find), "");
  EXPECT_EQ(format_cgroup_paths(42, "blkio", h, find), "");
}

TEST(CgroupPaths, FindsAnInodeInARealTree) {
  char tmpl[] = "/tmp/bpfscope-cgroup-paths-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  std::string root = tmpl;
  std::filesystem::create_directories(root + "/a/b");
  std::ofstream(root + "/a/file") << "x";
  auto inode = [](const std::string &p) {
    struct stat st;
    stat(p.c_str(), &st);
    return static_cast<uint64_t>(st.st_ino);
  };
  EXPECT_EQ(find_inode_under(inode(root + "/a/b"), root), "/a/b");
  EXPECT_EQ(find_inode_under(inode(root + "/a/file"), root), "/a/file"); // files too, as v0.26
  EXPECT_EQ(find_inode_under(inode(root), root), "/");
  EXPECT_EQ(find_inode_under(inode(root + "/a/b"), root + "/a"), "/b");
  EXPECT_EQ(find_inode_under(1, root + "/missing"), "");
  std::filesystem::remove_all(root);
}
