// On-disk cache of compiled BPF objects, so that running an unchanged script again skips LLVM.
//
// An entry is found by a key: a text describing everything codegen's output depends on (the
// script, its parameters, the options and process facts that reach the programs, the probe facts
// the analysis resolved such as tracepoint field layouts, the kernel's release and version, and
// the identity of the bpfscope binary itself). The file is named by a hash of the key and holds
// the whole key text, so that a hash collision or a stale entry is never used:
//
//   "BPFSCOPE-OBJ\0\0\0\0"  magic (16 bytes)
//   u32 format version, u32 key length, key bytes
//   u32 payload length, payload (the serialised CompiledObject)
//   u64 checksum (FNV-1a 64) of every byte before it
//
// A missing, stale, truncated or corrupt entry reads as a miss; the caller compiles and stores
// a fresh one (written to a temporary file and renamed, so readers never see half an entry).
#pragma once

#include "codegen/codegen.h"
#include "parser/semantic.h"

#include <ctime>
#include <string>

namespace bpfscope {

// The key text for a run (see above); `options` holds the codegen options as text.
std::string object_cache_key(const std::string &script, const ProgramInfo &info,
                             const std::string &options);

// Where entries live: $BPFSCOPE_CACHE_DIR, else $XDG_CACHE_HOME/bpfscope, else
// /var/cache/bpfscope.
std::string object_cache_dir();

// Path of the entry for `key` in `dir`.
std::string object_cache_path(const std::string &dir, const std::string &key);

enum class CacheLookup { Hit, Miss, Stale, Corrupt };

CacheLookup object_cache_load(const std::string &path, const std::string &key, CompiledObject &out);
// False (with `error`) when the entry could not be written; running goes on without it.
bool object_cache_store(const std::string &path, const std::string &key,
                        const CompiledObject &object, std::string &error);

// Bounds on the cache directory. Pruning runs after an entry is stored, so only a run that
// compiled pays for it (one readdir of a small directory); a cache hit never does.
struct ObjectCacheLimits {
  size_t max_entries = 256;
  uint64_t max_bytes = 64ull << 20;
  time_t max_age_seconds = 30 * 24 * 3600; // unused for 30 days
  time_t stale_temporary_seconds = 3600;   // a temporary file of a run that died
};
// Removes entries unused for longer than max_age, then the least recently used beyond
// max_entries or max_bytes (the newest entry always stays), and old temporary files. Returns
// how many files it removed.
size_t object_cache_prune(const std::string &dir, const ObjectCacheLimits &limits, time_t now);

// The serialised form alone (for tests).
std::string serialize_compiled_object(const CompiledObject &object);
bool deserialize_compiled_object(const std::string &bytes, CompiledObject &out);

} // namespace bpfscope
