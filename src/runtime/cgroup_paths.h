// cgroup_path(id[, filter]): the paths a cgroup id has in the mounted cgroup hierarchies, as
// bpftrace v0.26 prints them: "name:/path" for each hierarchy where a directory (or file) has
// the id as its inode number, joined by commas; the cgroup2 hierarchy first, named "unified"
// wherever it is mounted, then the cgroup v1 ones named after their mount point's last
// component ("cpu", "memory", "systemd"), sorted by name. `filter` is a wildcard (`*` only)
// on the name.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace bpfscope {

struct CgroupHierarchy {
  std::string name; // "unified" for cgroup2, else the mount point's last component
  std::string root; // the mount point
  bool unified = false;
};

// The cgroup and cgroup2 mounts of a /proc/PID/mounts text, in its order.
std::vector<CgroupHierarchy> parse_cgroup_mounts(const std::string &mounts);

// bpftrace's wildcard match: `*` stands for any run of characters, every other one for itself.
bool cgroup_filter_matches(const std::string &filter, const std::string &name);

// Where `id` is in hierarchy `root`: "/" for the root itself, "/a/b" below it, "" when absent.
using CgroupFinder = std::function<std::string(uint64_t id, const std::string &root)>;

// The text of cgroup_path(id, filter) for these hierarchies, with `find` looking in each.
std::string format_cgroup_paths(uint64_t id, const std::string &filter,
                                const std::vector<CgroupHierarchy> &hierarchies,
                                const CgroupFinder &find);

// Walks the file tree under `root` (not leaving its file system) for inode number `id`.
std::string find_inode_under(uint64_t id, const std::string &root);

// cgroup_path on the running system: the hierarchies of /proc/self/mounts, searched on disk.
std::string cgroup_path(uint64_t id, const std::string &filter);

} // namespace bpfscope
