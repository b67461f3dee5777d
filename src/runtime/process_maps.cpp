#include "runtime/process_maps.h"

#include "runtime/tracefs.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>

namespace bpfscope {

namespace {

std::string proc_path(int pid, const char *what) {
  return "/proc/" + std::to_string(pid) + "/" + what;
}

bool same_mount_namespace(int pid) {
  struct stat mine, theirs;
  if (stat("/proc/self/ns/mnt", &mine) != 0 || stat(proc_path(pid, "ns/mnt").c_str(), &theirs) != 0)
    return true; // cannot tell: assume the common case
  return mine.st_ino == theirs.st_ino && mine.st_dev == theirs.st_dev;
}

} // namespace

std::vector<MemoryMapping> parse_process_maps(const std::string &text) {
  std::vector<MemoryMapping> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    // start-end perms offset dev inode [path]; the path may contain spaces.
    std::istringstream fields(line);
    std::string range, perms, offset, dev, inode;
    if (!(fields >> range >> perms >> offset >> dev >> inode))
      continue;
    size_t dash = range.find('-');
    if (dash == std::string::npos || perms.size() < 3)
      continue;
    MemoryMapping m;
    m.start = std::strtoull(range.substr(0, dash).c_str(), nullptr, 16);
    m.end = std::strtoull(range.substr(dash + 1).c_str(), nullptr, 16);
    m.offset = std::strtoull(offset.c_str(), nullptr, 16);
    m.executable = perms[2] == 'x';
    std::string rest;
    std::getline(fields, rest);
    size_t start = rest.find_first_not_of(' ');
    if (start != std::string::npos)
      m.path = rest.substr(start);
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<MemoryMapping> read_process_maps(int pid, std::string *error) {
  std::string text, err;
  if (!read_text_file(proc_path(pid, "maps"), &text, &err)) {
    if (error)
      *error = process_exists(pid) ? err : "process " + std::to_string(pid) + " does not exist";
    return {};
  }
  return parse_process_maps(text);
}

std::string path_in_process_root(int pid, const std::string &path) {
  if (path.empty() || path[0] != '/' || same_mount_namespace(pid))
    return path;
  return proc_path(pid, "root") + path;
}

std::vector<std::string> process_code_files(int pid, std::string *error) {
  std::vector<MemoryMapping> maps = read_process_maps(pid, error);
  if (maps.empty())
    return {};
  std::vector<std::string> files;
  char exe[4096];
  ssize_t n = readlink(proc_path(pid, "exe").c_str(), exe, sizeof(exe) - 1);
  if (n > 0)
    files.push_back(std::string(exe, n));
  for (auto &m : maps) {
    // Deleted files (" (deleted)") cannot be probed by path; special mappings are not files.
    if (!m.executable || m.path.empty() || m.path[0] != '/' ||
        m.path.find(" (deleted)") != std::string::npos)
      continue;
    if (std::find(files.begin(), files.end(), m.path) == files.end())
      files.push_back(m.path);
  }
  for (auto &f : files)
    f = path_in_process_root(pid, f);
  return files;
}

bool process_exists(int pid) {
  struct stat st;
  return pid > 0 && stat(proc_path(pid, "").c_str(), &st) == 0;
}

std::optional<std::string> find_mapped_library(int pid, const std::string &name) {
  std::string error;
  for (auto &file : process_code_files(pid, &error)) {
    size_t slash = file.rfind('/');
    std::string base = slash == std::string::npos ? file : file.substr(slash + 1);
    if (base == name || base.rfind(name + ".so", 0) == 0 || base.rfind(name + "-", 0) == 0)
      return file;
  }
  return std::nullopt;
}

} // namespace bpfscope
