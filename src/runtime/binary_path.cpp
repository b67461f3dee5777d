#include "runtime/binary_path.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace bpfscope {

namespace {

constexpr const char kNewMagic[] = "glibc-ld.so.cache1.1";
constexpr size_t kNewMagicLen = sizeof(kNewMagic) - 1; // 17 magic + 3 version bytes
constexpr size_t kNewHeaderSize = 48; // magic, nlibs, len_strings, flags, extension, unused[3]
constexpr size_t kNewEntrySize = 24;  // flags, key, value, osversion, hwcap
constexpr const char kOldMagic[] = "ld.so-1.7.0";
constexpr size_t kOldMagicLen = sizeof(kOldMagic) - 1;
constexpr size_t kOldHeaderSize = 16; // magic (11) padded to 12, nlibs
constexpr size_t kOldEntrySize = 12;  // flags, key, value

constexpr uint32_t kFlagTypeMask = 0x00ff;
constexpr uint32_t kFlagElfLibc6 = 0x0003;
constexpr uint32_t kFlagRequiredMask = 0xff00;
constexpr uint32_t kFlagX8664Lib64 = 0x0300;

uint32_t read_u32(const std::string &b, size_t at) {
  uint32_t v;
  std::memcpy(&v, b.data() + at, 4);
  return v;
}

bool for_this_abi(uint32_t flags) {
  if ((flags & kFlagTypeMask) != kFlagElfLibc6)
    return false;
#if defined(__x86_64__)
  return (flags & kFlagRequiredMask) == kFlagX8664Lib64;
#else
  return true;
#endif
}

// A NUL-terminated string at `at`, or "" when out of range.
std::string string_at(const std::string &b, size_t at) {
  if (at >= b.size())
    return "";
  size_t end = b.find('\0', at);
  return b.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

bool is_file(const std::string &path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool is_executable_file(const std::string &path) {
  return is_file(path) && access(path.c_str(), X_OK) == 0;
}

bool looks_like_library(const std::string &name) {
  return name.rfind("lib", 0) == 0 || name.find(".so") != std::string::npos;
}

// "libc.so.6" is a versioned form of "libc": NAME.so.DIGITS...
bool is_versioned_soname(const std::string &soname, const std::string &name) {
  std::string prefix = name + ".so.";
  return soname.rfind(prefix, 0) == 0 && soname.size() > prefix.size() &&
         std::isdigit(static_cast<unsigned char>(soname[prefix.size()]));
}

std::optional<std::string> find_in_directories(const std::string &name) {
  static const char *const dirs[] = {"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib",
                                     "/usr/lib"};
  for (const char *dir : dirs) {
    std::string base = std::string(dir) + "/" + name;
    if (is_file(base))
      return base;
    if (name.find(".so") != std::string::npos)
      continue;
    DIR *d = opendir(dir);
    if (!d)
      continue;
    std::string best;
    while (dirent *e = readdir(d)) {
      std::string entry = e->d_name;
      if (is_versioned_soname(entry, name) && (best.empty() || entry < best))
        best = entry;
    }
    closedir(d);
    if (!best.empty() && is_file(std::string(dir) + "/" + best))
      return std::string(dir) + "/" + best;
    if (is_file(base + ".so"))
      return base + ".so";
  }
  return std::nullopt;
}

std::optional<std::string> find_in_search_path(const std::string &name) {
  const char *env = std::getenv("PATH");
  std::string path = env ? env : "/usr/local/bin:/usr/bin:/bin";
  std::stringstream ss(path);
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    if (dir.empty())
      continue;
    std::string candidate = dir + "/" + name;
    if (is_executable_file(candidate))
      return candidate;
  }
  return std::nullopt;
}

std::string make_absolute(const std::string &path) {
  std::error_code ec;
  auto abs = std::filesystem::absolute(path, ec);
  if (ec)
    return path;
  return abs.lexically_normal().string();
}

} // namespace

std::vector<LdCacheEntry> parse_ld_so_cache(const std::string &bytes, std::string *error) {
  size_t header = std::string::npos;
  if (bytes.compare(0, kNewMagicLen, kNewMagic) == 0) {
    header = 0;
  } else if (bytes.size() >= kOldHeaderSize && bytes.compare(0, kOldMagicLen, kOldMagic) == 0) {
    // The old table comes first; the new one (if any) follows it, 8-byte aligned. Old-format
    // string offsets are relative to the string table, which follows its entries.
    uint32_t nlibs = read_u32(bytes, 12);
    size_t strings = kOldHeaderSize + static_cast<size_t>(nlibs) * kOldEntrySize;
    size_t next = (strings + 7) & ~size_t(7);
    if (next < bytes.size() && bytes.compare(next, kNewMagicLen, kNewMagic) == 0) {
      header = next;
    } else if (strings <= bytes.size()) {
      std::vector<LdCacheEntry> out;
      for (uint32_t i = 0; i < nlibs; i++) {
        size_t e = kOldHeaderSize + static_cast<size_t>(i) * kOldEntrySize;
        if (!for_this_abi(read_u32(bytes, e)))
          continue;
        out.push_back({string_at(bytes, strings + read_u32(bytes, e + 4)),
                       string_at(bytes, strings + read_u32(bytes, e + 8))});
      }
      return out;
    }
  }
  if (header == std::string::npos || bytes.size() < header + kNewHeaderSize) {
    if (error)
      *error = "not an ld.so.cache file";
    return {};
  }
  uint32_t nlibs = read_u32(bytes, header + 20);
  if (header + kNewHeaderSize + static_cast<size_t>(nlibs) * kNewEntrySize > bytes.size()) {
    if (error)
      *error = "truncated ld.so.cache file";
    return {};
  }
  std::vector<LdCacheEntry> out;
  for (uint32_t i = 0; i < nlibs; i++) {
    size_t e = header + kNewHeaderSize + static_cast<size_t>(i) * kNewEntrySize;
    if (!for_this_abi(read_u32(bytes, e)))
      continue;
    // New-format string offsets are relative to the new header.
    LdCacheEntry entry{string_at(bytes, header + read_u32(bytes, e + 4)),
                       string_at(bytes, header + read_u32(bytes, e + 8))};
    if (!entry.soname.empty() && !entry.path.empty())
      out.push_back(std::move(entry));
  }
  return out;
}

std::vector<LdCacheEntry> parse_ldconfig_output(const std::string &text) {
  std::vector<LdCacheEntry> out;
  std::stringstream ss(text);
  std::string line;
  while (std::getline(ss, line)) {
    size_t arrow = line.find(" => ");
    size_t paren = line.find(" (");
    if (arrow == std::string::npos || paren == std::string::npos || paren > arrow)
      continue;
    std::string attrs = line.substr(paren + 2, line.find(')', paren) - paren - 2);
#if defined(__x86_64__)
    if (attrs.find("x86-64") == std::string::npos)
      continue;
#endif
    size_t start = line.find_first_not_of(" \t");
    out.push_back({line.substr(start, paren - start), line.substr(arrow + 4)});
  }
  return out;
}

const std::vector<LdCacheEntry> &system_library_cache() {
  static const std::vector<LdCacheEntry> cache = [] {
    std::ifstream in("/etc/ld.so.cache", std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    std::vector<LdCacheEntry> entries = parse_ld_so_cache(bytes.str(), nullptr);
    if (!entries.empty())
      return entries;
    std::string text;
    if (FILE *p = popen("ldconfig -p 2>/dev/null", "r")) {
      char buf[4096];
      size_t n;
      while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
        text.append(buf, n);
      pclose(p);
    }
    return parse_ldconfig_output(text);
  }();
  return cache;
}

std::optional<std::string> find_library(const std::string &name,
                                        const std::vector<LdCacheEntry> &cache) {
  for (auto &e : cache)
    if (e.soname == name && is_file(e.path))
      return e.path;
  if (name.find(".so") == std::string::npos) {
    for (auto &e : cache)
      if (is_versioned_soname(e.soname, name) && is_file(e.path))
        return e.path;
    for (auto &e : cache)
      if (e.soname == name + ".so" && is_file(e.path))
        return e.path;
  }
  return find_in_directories(name);
}

std::optional<std::string> resolve_binary_path(const std::string &name, std::string *error) {
  if (name.empty()) {
    if (error)
      *error = "empty binary path";
    return std::nullopt;
  }
  if (name.find('/') != std::string::npos) {
    if (is_file(name))
      return make_absolute(name);
    if (error) {
      struct stat st;
      *error = stat(name.c_str(), &st) == 0 ? name + " is not a regular file"
                                            : "cannot find " + name + ": " + strerror(errno);
    }
    return std::nullopt;
  }
  if (looks_like_library(name))
    if (auto lib = find_library(name, system_library_cache()))
      return lib;
  if (auto exe = find_in_search_path(name))
    return make_absolute(*exe);
  if (is_file(name))
    return make_absolute(name);
  if (error)
    *error = "cannot find binary or library '" + name +
             "' (not a path, not in the library cache, the library directories or $PATH)";
  return std::nullopt;
}

} // namespace bpfscope
