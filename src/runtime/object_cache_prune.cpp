#include "runtime/object_cache.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace bpfscope {

namespace {

bool ends_with(const char *name, const char *suffix) {
  size_t n = std::strlen(name), s = std::strlen(suffix);
  return n >= s && std::strcmp(name + n - s, suffix) == 0;
}

struct CacheFile {
  std::string path;
  time_t last_used;
  off_t size;
};

} // namespace

size_t object_cache_prune(const std::string &dir, const ObjectCacheLimits &limits, time_t now) {
  DIR *d = opendir(dir.c_str());
  if (!d)
    return 0;
  std::vector<CacheFile> entries;
  size_t removed = 0;
  auto remove = [&](const std::string &path) {
    if (unlink(path.c_str()) == 0)
      removed++;
  };
  while (dirent *e = readdir(d)) {
    const char *name = e->d_name;
    // Only the cache's own files: entries and temporary files a killed run left behind.
    bool entry = ends_with(name, ".bpfo");
    bool temporary = !entry && std::strstr(name, ".bpfo.tmp.") != nullptr;
    if (!entry && !temporary)
      continue;
    std::string path = dir + "/" + name;
    struct stat st {};
    if (lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
      continue;
    // The access time says when an entry was last used (a hit only reads it; with relatime the
    // kernel updates it at most daily, enough for pruning by days), the modification time when
    // it was written.
    time_t last_used = std::max(st.st_atime, st.st_mtime);
    if (temporary) {
      if (now - st.st_mtime > limits.stale_temporary_seconds)
        remove(path);
      continue;
    }
    if (now - last_used > limits.max_age_seconds) {
      remove(path);
      continue;
    }
    entries.push_back({std::move(path), last_used, st.st_size});
  }
  closedir(d);
  // Newest first; everything past the entry or byte budget goes, oldest first.
  std::sort(entries.begin(), entries.end(), [](const CacheFile &a, const CacheFile &b) {
    return a.last_used != b.last_used ? a.last_used > b.last_used : a.path < b.path;
  });
  uint64_t bytes = 0;
  for (size_t i = 0; i < entries.size(); i++) {
    bytes += static_cast<uint64_t>(entries[i].size);
    // The newest entry (usually the one just written) is always kept.
    if (i > 0 && (i >= limits.max_entries || bytes > limits.max_bytes))
      remove(entries[i].path);
  }
  return removed;
}

} // namespace bpfscope
