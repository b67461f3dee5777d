#include "runtime/cgroup_paths.h"

#include <ftw.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace bpfscope {

namespace {

// /proc/PID/mounts writes space, tab, newline and backslash in paths as \ooo (octal).
std::string unescape_mount_field(const std::string &field) {
  auto octal = [&](size_t i) { return i < field.size() && field[i] >= '0' && field[i] <= '7'; };
  std::string out;
  for (size_t i = 0; i < field.size(); i++) {
    if (field[i] == '\\' && octal(i + 1) && octal(i + 2) && octal(i + 3)) {
      out += static_cast<char>(std::stoi(field.substr(i + 1, 3), nullptr, 8));
      i += 3;
    } else {
      out += field[i];
    }
  }
  return out;
}

std::string last_component(const std::string &path) {
  size_t end = path.find_last_not_of('/');
  if (end == std::string::npos)
    return "";
  size_t start = path.rfind('/', end);
  return path.substr(start == std::string::npos ? 0 : start + 1,
                     end - (start == std::string::npos ? 0 : start + 1) + 1);
}

// nftw's callback has no user argument: the search's state lives here for its duration.
thread_local uint64_t g_wanted_inode = 0;
thread_local std::string g_found_path;

// Any entry, not only directories: bpftrace v0.26 compares the inode of every file it walks.
int match_inode(const char *path, const struct stat *st, int, struct FTW *) {
  if (st->st_ino != g_wanted_inode)
    return 0;
  g_found_path = path;
  return 1; // stop the walk
}

} // namespace

std::vector<CgroupHierarchy> parse_cgroup_mounts(const std::string &mounts) {
  std::vector<CgroupHierarchy> out;
  std::istringstream lines(mounts);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string source, dir, type;
    if (!(fields >> source >> dir >> type))
      continue;
    if (type != "cgroup" && type != "cgroup2")
      continue;
    CgroupHierarchy h;
    h.root = unescape_mount_field(dir);
    h.unified = type == "cgroup2";
    h.name = h.unified ? "unified" : last_component(h.root);
    out.push_back(h);
  }
  return out;
}

bool cgroup_filter_matches(const std::string &filter, const std::string &name) {
  // Classic greedy matching with backtracking to the last `*`.
  size_t f = 0, n = 0, star = std::string::npos, resume = 0;
  while (n < name.size()) {
    if (f < filter.size() && filter[f] == '*') {
      star = f++;
      resume = n;
    } else if (f < filter.size() && filter[f] == name[n]) {
      f++;
      n++;
    } else if (star != std::string::npos) {
      f = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (f < filter.size() && filter[f] == '*')
    f++;
  return f == filter.size();
}

std::string format_cgroup_paths(uint64_t id, const std::string &filter,
                                const std::vector<CgroupHierarchy> &hierarchies,
                                const CgroupFinder &find) {
  // cgroup2 first, in mount order; then cgroup v1, sorted by name (and path, for equal names).
  std::vector<std::pair<std::string, std::string>> unified, v1;
  for (const CgroupHierarchy &h : hierarchies) {
    if (!cgroup_filter_matches(filter, h.name))
      continue;
    std::string path = find(id, h.root);
    (h.unified ? unified : v1).emplace_back(h.name, path);
  }
  std::sort(v1.begin(), v1.end());
  unified.insert(unified.end(), v1.begin(), v1.end());
  std::string text;
  for (const auto &[name, path] : unified) {
    if (path.empty())
      continue;
    if (!text.empty())
      text += ",";
    text += name + ":" + path;
  }
  return text;
}

std::string find_inode_under(uint64_t id, const std::string &root) {
  struct stat st;
  if (stat(root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return "";
  if (st.st_ino == id)
    return "/";
  g_wanted_inode = id;
  g_found_path.clear();
  // FTW_PHYS: no symbolic links; FTW_MOUNT: stay in the hierarchy's own file system.
  nftw(root.c_str(), match_inode, 16, FTW_PHYS | FTW_MOUNT);
  if (g_found_path.size() <= root.size())
    return "";
  std::string rel = g_found_path.substr(root.size());
  return rel[0] == '/' ? rel : "/" + rel;
}

std::string cgroup_path(uint64_t id, const std::string &filter) {
  std::ifstream in("/proc/self/mounts");
  std::stringstream text;
  text << in.rdbuf();
  return format_cgroup_paths(id, filter, parse_cgroup_mounts(text.str()), find_inode_under);
}

} // namespace bpfscope
