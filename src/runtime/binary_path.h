// Finding the file a user-space attach point names, as the dynamic linker and the shell would:
// `/usr/bin/bash` and `./app` are paths (relative ones against the working directory), `libc` and
// `libc.so.6` are libraries found through /etc/ld.so.cache and the standard directories, and `bash`
// is an executable found through $PATH.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace bpfscope {

struct LdCacheEntry {
  std::string soname; // "libc.so.6"
  std::string path;   // "/lib/x86_64-linux-gnu/libc.so.6"
};

// Parses the bytes of an ld.so.cache file (glibc's "glibc-ld.so.cache1.1" format, alone or after
// the old "ld.so-1.7.0" table), keeping the entries for this machine's ABI (x86-64 libc6 on
// x86-64), in file order. Empty result and *error when the data is not a cache file.
std::vector<LdCacheEntry> parse_ld_so_cache(const std::string &bytes, std::string *error);

// Parses `ldconfig -p` output ("\tlibc.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libc.so.6"),
// the fallback when the cache file cannot be parsed.
std::vector<LdCacheEntry> parse_ldconfig_output(const std::string &text);

// The system's library cache, read once per process (/etc/ld.so.cache, else `ldconfig -p`).
const std::vector<LdCacheEntry> &system_library_cache();

// The library `name` ("libc", "libc.so.6", "libssl.so") from `cache`, then from the standard
// directories (/lib/x86_64-linux-gnu, /usr/lib/x86_64-linux-gnu, /lib, /usr/lib). For a name
// without ".so", the first versioned entry "NAME.so.N" wins (what programs load), then "NAME.so".
std::optional<std::string> find_library(const std::string &name,
                                        const std::vector<LdCacheEntry> &cache);

// The file an attach point's PATH part names, made absolute (not canonicalised: symlinks are
// kept, as the user wrote them). Order: a name containing '/' is a path; otherwise a library
// (find_library), then an executable in $PATH, then a file in the working directory.
// nullopt and *error ("cannot find binary or library 'nosuch'") when none exists.
std::optional<std::string> resolve_binary_path(const std::string &name, std::string *error);

} // namespace bpfscope
