#include "runtime/map_reader.h"

#include "runtime/format_tseries.h"
#include "runtime/format_value.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <thread>

namespace bpfscope {

namespace {

// Hashes this large are read by two threads (below), each walking half of the buckets.
constexpr uint32_t kTwoThreadsFrom = 1u << 16;

int possible_cpus() {
  static int n = libbpf_num_possible_cpus();
  return n > 0 ? n : 1;
}

// Value bytes as the kernel returns them: per-CPU maps give one 8-byte-aligned slot per
// possible CPU.
size_t value_buffer_size(const MapInfo &info) {
  size_t size = info.bpf_value_size();
  if (!info.per_cpu())
    return size;
  return (size + 7) / 8 * 8 * possible_cpus();
}

// Every key of the map, by batches where the kernel supports them.
std::vector<std::vector<uint8_t>> all_keys(int fd, const MapInfo &info) {
  std::vector<std::vector<uint8_t>> keys;
  size_t key_size = info.bpf_key_size();
  std::vector<uint8_t> key(key_size), next(key_size);
  void *prev = nullptr;
  while (bpf_map_get_next_key(fd, prev, next.data()) == 0) {
    keys.push_back(next);
    key = next;
    prev = key.data();
  }
  return keys;
}

void combine(const MapInfo &info, const uint8_t *raw, MapEntry &entry, bool &seen) {
  const TypeKind kind = info.value_type.kind;
  int cpus = info.per_cpu() ? possible_cpus() : 1;
  size_t stride = (info.bpf_value_size() + 7) / 8 * 8;
  for (int cpu = 0; cpu < cpus; cpu++) {
    const uint8_t *slot = raw + cpu * stride;
    int64_t first, second;
    std::memcpy(&first, slot, 8);
    std::memcpy(&second, slot + (info.bpf_value_size() >= 16 ? 8 : 0), 8);
    switch (kind) {
    case TypeKind::Count:
    case TypeKind::Sum:
      entry.scalar += first;
      seen = true;
      break;
    case TypeKind::Avg:
    case TypeKind::Stats:
      entry.count += static_cast<uint64_t>(first);
      entry.total += second;
      seen = true;
      break;
    case TypeKind::Min:
    case TypeKind::Max: {
      if (!second)
        break; // this CPU never saw a value
      bool better;
      if (info.value_type.is_signed)
        better = kind == TypeKind::Min ? first < entry.scalar : first > entry.scalar;
      else
        better = kind == TypeKind::Min
                     ? static_cast<uint64_t>(first) < static_cast<uint64_t>(entry.scalar)
                     : static_cast<uint64_t>(first) > static_cast<uint64_t>(entry.scalar);
      if (!seen || better)
        entry.scalar = first;
      seen = true;
      break;
    }
    default:
      break;
    }
  }
}

size_t bucket_count(const Type &t) {
  if (t.kind == TypeKind::Hist)
    return static_cast<size_t>(log2_hist_buckets(t.hist_bits));
  if (t.kind == TypeKind::Tseries)
    return 0; // its slots are `points`
  return static_cast<size_t>((t.lhist_max - t.lhist_min) / t.lhist_step) + 2;
}

} // namespace

namespace {

// Reads a map by batches (BPF_MAP_LOOKUP_BATCH) from `start` (nullptr: the beginning) and
// hands each to `batch(keys, values, count, next)`, `next` being the token the following batch
// would start from, or nullptr after the last one. Stops after the batch for which
// `done(next)` holds. Returns 0 at the end, or the errno of a failed call.
template <typename Batch, typename Done>
int read_batches(int fd, size_t key_size, size_t value_size, uint32_t chunk, const uint8_t *start,
                 Batch batch, Done done) {
  std::vector<uint8_t> keys, values;
  // The batch token: a bucket index for hashes, a key for arrays; key_size (at least 8) holds
  // either.
  std::vector<uint8_t> in_token(std::max<size_t>(key_size, 8)), out_token(in_token.size());
  if (start)
    std::memcpy(in_token.data(), start, in_token.size());
  bool first = !start;
  while (true) {
    keys.resize(chunk * key_size);
    values.resize(chunk * value_size);
    uint32_t count = chunk;
    LIBBPF_OPTS(bpf_map_batch_opts, opts);
    int err = bpf_map_lookup_batch(fd, first ? nullptr : in_token.data(), out_token.data(),
                                   keys.data(), values.data(), &count, &opts);
    int e = err ? errno : 0;
    if (err && e == ENOSPC && chunk < (1u << 20)) {
      chunk *= 4; // one hash bucket holds more elements than fit
      continue;
    }
    if (err && e != ENOENT)
      return e;
    batch(keys.data(), values.data(), count, err ? nullptr : out_token.data());
    if (err || done(out_token.data())) // ENOENT: that was the last batch
      return 0;
    first = false;
    in_token = out_token;
  }
}

uint32_t bucket_of(const uint8_t *token) {
  uint32_t bucket;
  std::memcpy(&bucket, token, sizeof(bucket));
  return bucket;
}

// A large hash map read by two threads at once, the first from bucket 0, the second from the
// middle bucket (a hash's batch token is a bucket index): the kernel's walk touches a few
// cache lines per element (bucket, element, each CPU's value) and takes most of the time, and
// two walks overlap on two CPUs. The first thread's last batch may run past the middle; the
// elements it has from there on are the first ones the second thread read, in the same order,
// so they are found by the second thread's first key (keys are unique) and dropped. Returns
// false, having visited nothing, if the kernel has no batch reads.
template <typename Visit>
bool read_hash_in_halves(int fd, size_t key_size, size_t value_size, uint32_t chunk,
                         uint32_t buckets, Visit visit) {
  const uint32_t middle = buckets / 2;
  struct Part {
    std::vector<uint8_t> keys, values;
    size_t count = 0;
    void add(const uint8_t *k, const uint8_t *v, uint32_t n, size_t ks, size_t vs) {
      keys.insert(keys.end(), k, k + n * ks);
      values.insert(values.end(), v, v + n * vs);
      count += n;
    }
  };
  Part second, last;
  int second_error = 0;
  std::vector<uint8_t> start(std::max<size_t>(key_size, 8), 0);
  std::memcpy(start.data(), &middle, sizeof(middle));
  std::thread helper([&] {
    second_error = read_batches(
        fd, key_size, value_size, chunk, start.data(),
        [&](const uint8_t *k, const uint8_t *v, uint32_t n, const uint8_t *) {
          second.add(k, v, n, key_size, value_size);
        },
        [](const uint8_t *) { return false; });
  });
  std::vector<uint8_t> resume; // where the first thread stopped, if not at the end
  bool read_any = false;
  int first_error = read_batches(
      fd, key_size, value_size, chunk, nullptr,
      [&](const uint8_t *k, const uint8_t *v, uint32_t n, const uint8_t *next) {
        read_any = true;
        if (next && bucket_of(next) < middle) {
          for (uint32_t i = 0; i < n; i++)
            visit(k + i * key_size, v + i * value_size);
          return;
        }
        last.add(k, v, n, key_size, value_size); // held back until the second half is known
        if (next)
          resume.assign(next, next + start.size());
      },
      [&](const uint8_t *next) { return bucket_of(next) >= middle; });
  helper.join();
  if (first_error && !read_any)
    return false; // the kernel has no batch reads for this map: nothing was visited
  if (first_error)
    return true; // a kernel error part way: what was read is what there is, as before
  size_t keep = last.count;
  if (!second_error && second.count) {
    for (size_t i = 0; i < last.count; i++)
      if (std::memcmp(last.keys.data() + i * key_size, second.keys.data(), key_size) == 0) {
        keep = i;
        break;
      }
  }
  for (size_t i = 0; i < keep; i++)
    visit(last.keys.data() + i * key_size, last.values.data() + i * value_size);
  if (second_error) {
    // The second walk failed: the first one carries on from where it stopped.
    if (keep == last.count && !resume.empty())
      read_batches(
          fd, key_size, value_size, chunk, resume.data(),
          [&](const uint8_t *k, const uint8_t *v, uint32_t n, const uint8_t *) {
            for (uint32_t i = 0; i < n; i++)
              visit(k + i * key_size, v + i * value_size);
          },
          [](const uint8_t *) { return false; });
    return true;
  }
  for (size_t i = 0; i < second.count; i++)
    visit(second.keys.data() + i * key_size, second.values.data() + i * value_size);
  return true;
}

bool is_hash(uint32_t type) {
  return type == BPF_MAP_TYPE_HASH || type == BPF_MAP_TYPE_PERCPU_HASH ||
         type == BPF_MAP_TYPE_LRU_HASH || type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

// Calls `visit(key, value)` for every element of the map. Reads by batches
// (BPF_MAP_LOOKUP_BATCH: one system call per few thousand elements), large hashes from two
// threads, and falls back to get_next_key + lookup, one key at a time, on kernels or map types
// without batch support.
template <typename Visit> void for_each_element(int fd, const MapInfo &info, Visit visit) {
  const size_t key_size = info.bpf_key_size();
  const size_t value_size = value_buffer_size(info);
  // Large batches: the kernel walks every hash bucket either way, and fewer, larger calls took
  // 0.66 to 1.3 s instead of 0.81 to 1.5 s for a million keys. Up to 4 MiB of buffers.
  uint32_t chunk =
      static_cast<uint32_t>(std::clamp<size_t>((4u << 20) / (key_size + value_size), 4096, 65536));
  bpf_map_info mi{};
  uint32_t len = sizeof(mi);
  if (bpf_obj_get_info_by_fd(fd, &mi, &len) == 0 && is_hash(mi.type) &&
      mi.max_entries >= kTwoThreadsFrom) {
    // The kernel gives a hash a power of two buckets, at least as many as its elements; a
    // wrong guess costs only balance between the threads.
    uint32_t buckets = 1;
    while (buckets < mi.max_entries && buckets < (1u << 31))
      buckets <<= 1;
    if (read_hash_in_halves(fd, key_size, value_size, chunk, buckets, visit))
      return;
  } else {
    bool read_any = false;
    int err = read_batches(
        fd, key_size, value_size, chunk, nullptr,
        [&](const uint8_t *k, const uint8_t *v, uint32_t n, const uint8_t *) {
          read_any = true;
          for (uint32_t i = 0; i < n; i++)
            visit(k + i * key_size, v + i * value_size);
        },
        [](const uint8_t *) { return false; });
    // A failure after some batches is a kernel error, not missing support: what was read is
    // what there is. The first call failing (nothing visited) is what the fallback is for.
    if (err == 0 || read_any)
      return;
  }
  std::vector<uint8_t> value(value_size);
  for (auto &key : all_keys(fd, info)) {
    if (bpf_map_lookup_elem(fd, key.data(), value.data()) != 0)
      continue; // deleted since the key was listed
    visit(key.data(), value.data());
  }
}

// Byte-wise order of keys. (std::less on vectors made GCC 12 warn, falsely, about a memcmp
// bound once the reads were inlined here.)
struct BytesLess {
  bool operator()(const std::vector<uint8_t> &a, const std::vector<uint8_t> &b) const {
    size_t n = std::min(a.size(), b.size());
    int c = n ? std::memcmp(a.data(), b.data(), n) : 0;
    return c ? c < 0 : a.size() < b.size();
  }
};

} // namespace

bool read_map(int fd, const MapInfo &info, PrintableMap &out, std::string &error) {
  out.name = info.name;
  out.key_type = info.key_type;
  out.value_type = info.value_type;
  out.entries.clear();
  out.compact.clear();
  const bool compact = compact_form(info.key_type, info.value_type);
  size_t user_key_size = info.keyless() ? 0 : info.key_type.size;
  const size_t key_size = info.bpf_key_size();

  std::map<std::vector<uint8_t>, size_t, BytesLess> hist_index; // user key -> entry
  MapInfo counter = info;
  counter.value_type = Type::aggregation(TypeKind::Count);
  Type kt = info.bpf_key_type();
  if (!info.is_histogram()) {
    // Room for a full map up front: a vector that doubles while it is filled briefly holds
    // both copies (1.5 times the memory); pages reserved but never filled are never resident.
    bpf_map_info mi{};
    uint32_t len = sizeof(mi);
    if (bpf_obj_get_info_by_fd(fd, &mi, &len) == 0) {
      if (compact)
        out.compact.reserve(mi.max_entries);
      else
        out.entries.reserve(mi.max_entries);
    }
  }
  for_each_element(fd, info, [&](const uint8_t *key, const uint8_t *value) {
    if (info.is_histogram()) {
      std::vector<uint8_t> user_key(key, key + user_key_size);
      uint64_t bucket = 0;
      std::memcpy(&bucket, key + kt.field_offsets.back(), kt.fields.back().size);
      auto it = hist_index.find(user_key);
      if (it == hist_index.end()) {
        MapEntry e;
        e.key = user_key;
        e.buckets.assign(bucket_count(info.value_type), 0);
        out.entries.push_back(std::move(e));
        it = hist_index.emplace(user_key, out.entries.size() - 1).first;
      }
      if (info.value_type.kind == TypeKind::Tseries) {
        auto &points = out.entries[it->second].points;
        points.resize(static_cast<size_t>(info.value_type.tseries_count));
        if (bucket < points.size())
          points[bucket] =
              merge_tseries_slot(info.value_type, value, info.per_cpu() ? possible_cpus() : 1);
        return;
      }
      MapEntry entry;
      bool seen = false;
      combine(counter, value, entry, seen);
      if (bucket < out.entries[it->second].buckets.size())
        out.entries[it->second].buckets[bucket] += entry.scalar;
      return;
    }
    MapEntry entry;
    if (info.value_type.is_aggregation()) {
      bool seen = false;
      combine(info, value, entry, seen);
      // An array slot always exists; one never updated is all zeroes.
      if (info.is_array() && entry.scalar == 0 && entry.count == 0 &&
          info.value_type.kind != TypeKind::Min && info.value_type.kind != TypeKind::Max)
        seen = false;
      if (!seen)
        return;
    } else {
      entry.value.assign(value, value + info.bpf_value_size());
    }
    if (compact) {
      uint8_t bytes[8] = {};
      std::memcpy(bytes, key, std::min<size_t>(key_size, sizeof(bytes)));
      out.compact.push_back(
          {read_integer_bits(info.key_type, bytes), static_cast<uint64_t>(entry.scalar)});
      return;
    }
    if (!info.keyless())
      entry.key.assign(key, key + key_size);
    out.entries.push_back(std::move(entry));
  });
  (void)error;
  return true;
}

void clear_map(int fd, const MapInfo &info) {
  if (info.is_array()) {
    zero_map(fd, info);
    return;
  }
  for (auto &key : all_keys(fd, info))
    bpf_map_delete_elem(fd, key.data());
}

void zero_map(int fd, const MapInfo &info) {
  std::vector<uint8_t> zeros(value_buffer_size(info), 0);
  for (auto &key : all_keys(fd, info))
    bpf_map_update_elem(fd, key.data(), zeros.data(), BPF_EXIST);
}

} // namespace bpfscope
