#include "runtime/object_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace bpfscope {

namespace {

constexpr char kMagic[16] = {'B', 'P', 'F', 'S', 'C', 'O', 'P', 'E',
                             '-', 'O', 'B', 'J', 0,   0,   0,   0};
// 2: helper error sites and their map; 3: clock offsets read from the globals map at run time;
// 4: the scratch map
constexpr uint32_t kFormatVersion = 4;

uint64_t fnv1a(const void *data, size_t n, uint64_t h = 1469598103934665603ULL) {
  const auto *p = static_cast<const uint8_t *>(data);
  for (size_t i = 0; i < n; i++) {
    h ^= p[i];
    h *= 1099511628211ULL;
  }
  return h;
}

void put_u32(std::string &s, uint32_t v) { s.append(reinterpret_cast<const char *>(&v), 4); }
void put_u64(std::string &s, uint64_t v) { s.append(reinterpret_cast<const char *>(&v), 8); }
void put_str(std::string &s, const std::string &v) {
  put_u32(s, static_cast<uint32_t>(v.size()));
  s += v;
}

struct Reader {
  const std::string &s;
  size_t pos = 0;
  bool ok = true;
  bool u32(uint32_t &v) { return raw(&v, 4); }
  bool u64(uint64_t &v) { return raw(&v, 8); }
  bool raw(void *out, size_t n) {
    if (!ok || s.size() - pos < n)
      return ok = false;
    std::memcpy(out, s.data() + pos, n);
    pos += n;
    return true;
  }
  bool str(std::string &v) {
    uint32_t n;
    if (!u32(n) || s.size() - pos < n)
      return ok = false;
    v.assign(s, pos, n);
    pos += n;
    return true;
  }
};

// What identifies the running binary: a rebuilt bpfscope may generate different code.
std::string exe_identity() {
  struct stat st {};
  if (stat("/proc/self/exe", &st) != 0)
    return "unknown";
  std::ostringstream o;
  o << st.st_dev << ":" << st.st_ino << ":" << st.st_size << ":" << st.st_mtim.tv_sec << "."
    << st.st_mtim.tv_nsec;
  return o.str();
}

std::string hex64(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

} // namespace

std::string object_cache_key(const std::string &script, const ProgramInfo &info,
                             const std::string &options) {
  std::ostringstream k;
  utsname u{};
  uname(&u);
  k << "bpfscope-cache " << kFormatVersion << "\nexe " << exe_identity() << "\nkernel " << u.release
    << " " << u.version << " " << u.machine << "\noptions " << options << "\n";
  k << "params " << info.positional_params.size() << "\n";
  for (const auto &p : info.positional_params)
    k << p.size() << ":" << p << "\n";
  const ProcessScope &ps = info.process;
  k << "process " << ps.filter_pid << " " << ps.has_child << " " << ps.child_pid << " "
    << ps.pidns_dev << " " << ps.pidns_ino << "\n";
  k << "stacks";
  for (int l : info.stack_limits)
    k << " " << l;
  k << "\nkaddr";
  for (uint64_t a : info.kernel_addresses)
    k << " " << a;
  k << "\nppid "
    << (info.ppid_offsets ? std::to_string(info.ppid_offsets->first) + " " +
                                std::to_string(info.ppid_offsets->second)
                          : std::string("-"))
    << "\n";
  // The probe facts codegen reads (attach-only facts such as file descriptors are left out).
  for (const ProbeInfo &p : info.probes) {
    k << "probe " << p.program_per_target << " " << p.targets.size() << "\n";
    for (const ProbeTarget &t : p.targets) {
      k << " target " << t.provider << "|" << t.name << "|" << static_cast<int>(t.program_kind)
        << "|" << t.tracepoint_id << "|" << t.period_ns << "|" << t.frequency << "|" << t.every_cpu
        << "|" << t.perf_config << "|" << t.sample_period << "|" << static_cast<int>(t.arg_source)
        << "|" << t.max_args << "|" << t.has_retval << "|" << t.retval_index << "|" << t.retval_size
        << "|" << t.retval_signed << "|" << t.function << "|" << t.path << "|" << t.address << "|"
        << t.btf_id << "|" << t.uprobe_at_return << "|" << t.ref_ctr_offset << "\n";
      for (const ContextField &f : t.fields)
        k << "  field " << f.name << " " << static_cast<int>(f.kind) << " " << f.offset << " "
          << f.size << " " << f.is_signed << "\n";
      for (const UsdtArgument &a : t.usdt_args)
        k << "  usdt " << static_cast<int>(a.kind) << " " << a.size << " " << a.is_signed << " "
          << a.reg_offset << " " << a.value << "\n";
    }
  }
  k << "script " << script.size() << "\n" << script;
  return k.str();
}

std::string object_cache_dir() {
  if (const char *d = getenv("BPFSCOPE_CACHE_DIR"); d && *d)
    return d;
  if (const char *x = getenv("XDG_CACHE_HOME"); x && *x)
    return std::string(x) + "/bpfscope";
  return "/var/cache/bpfscope";
}

std::string object_cache_path(const std::string &dir, const std::string &key) {
  uint64_t a = fnv1a(key.data(), key.size());
  uint64_t b = fnv1a(key.data(), key.size(), 0x9e3779b97f4a7c15ULL);
  return dir + "/" + hex64(a) + hex64(b) + ".bpfo";
}

std::string serialize_compiled_object(const CompiledObject &object) {
  std::string s;
  put_u32(s, static_cast<uint32_t>(object.internal.ring_buffer));
  put_u32(s, static_cast<uint32_t>(object.internal.globals));
  put_u32(s, static_cast<uint32_t>(object.internal.stacks.size()));
  for (int m : object.internal.stacks)
    put_u32(s, static_cast<uint32_t>(m));
  put_u32(s, static_cast<uint32_t>(object.internal.helper_errors));
  put_u32(s, static_cast<uint32_t>(object.internal.scratch));
  put_u32(s, static_cast<uint32_t>(object.internal.scratch_bytes));
  put_u32(s, static_cast<uint32_t>(object.helper_error_sites.size()));
  for (const HelperErrorSite &site : object.helper_error_sites) {
    put_u32(s, static_cast<uint32_t>(site.helper));
    put_u32(s, static_cast<uint32_t>(site.map_id));
    put_u32(s, static_cast<uint32_t>(site.where.begin_line));
    put_u32(s, static_cast<uint32_t>(site.where.begin_col));
    put_u32(s, static_cast<uint32_t>(site.where.end_line));
    put_u32(s, static_cast<uint32_t>(site.where.end_col));
    put_u32(s, static_cast<uint32_t>(site.where.file));
  }
  put_u32(s, static_cast<uint32_t>(object.programs.size()));
  for (const CompiledProgram &p : object.programs) {
    put_str(s, p.name);
    put_u32(s, static_cast<uint32_t>(p.probe_index));
    put_u32(s, static_cast<uint32_t>(p.target_indices.size()));
    for (int t : p.target_indices)
      put_u32(s, static_cast<uint32_t>(t));
    put_u32(s, static_cast<uint32_t>(p.kind));
    put_u32(s, static_cast<uint32_t>(p.instructions.size()));
    for (uint64_t insn : p.instructions)
      put_u64(s, insn);
  }
  return s;
}

bool deserialize_compiled_object(const std::string &bytes, CompiledObject &out) {
  Reader r{bytes};
  CompiledObject o;
  uint32_t v = 0, n = 0;
  r.u32(v);
  o.internal.ring_buffer = static_cast<int>(v);
  r.u32(v);
  o.internal.globals = static_cast<int>(v);
  if (!r.u32(n) || n > 4096)
    return false;
  for (uint32_t i = 0; i < n && r.u32(v); i++)
    o.internal.stacks.push_back(static_cast<int>(v));
  r.u32(v);
  o.internal.helper_errors = static_cast<int>(v);
  r.u32(v);
  o.internal.scratch = static_cast<int>(v);
  r.u32(v);
  o.internal.scratch_bytes = static_cast<int>(v);
  if (!r.u32(n) || n > 1000000)
    return false;
  for (uint32_t i = 0; i < n && r.ok; i++) {
    uint32_t f[7] = {};
    for (uint32_t &x : f)
      r.u32(x);
    HelperErrorSite site;
    site.helper = static_cast<int>(f[0]);
    site.map_id = static_cast<int>(f[1]);
    site.where.begin_line = static_cast<int>(f[2]);
    site.where.begin_col = static_cast<int>(f[3]);
    site.where.end_line = static_cast<int>(f[4]);
    site.where.end_col = static_cast<int>(f[5]);
    site.where.file = static_cast<int>(f[6]);
    o.helper_error_sites.push_back(site);
  }
  o.internal.helper_error_slots = static_cast<int>(o.helper_error_sites.size());
  if (!r.u32(n) || n > 1000000)
    return false;
  for (uint32_t i = 0; i < n && r.ok; i++) {
    CompiledProgram p;
    uint32_t count;
    r.str(p.name);
    r.u32(v);
    p.probe_index = static_cast<int>(v);
    if (!r.u32(count) || count > bytes.size())
      return false;
    for (uint32_t j = 0; j < count && r.u32(v); j++)
      p.target_indices.push_back(static_cast<int>(v));
    r.u32(v);
    p.kind = static_cast<ProgramKind>(v);
    if (!r.u32(count) || count > bytes.size() / 8)
      return false;
    p.instructions.resize(count);
    r.raw(p.instructions.data(), count * 8ull);
    o.programs.push_back(std::move(p));
  }
  if (!r.ok || r.pos != bytes.size())
    return false;
  out = std::move(o);
  return true;
}

CacheLookup object_cache_load(const std::string &path, const std::string &key,
                              CompiledObject &out) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return CacheLookup::Miss;
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (data.size() < sizeof(kMagic) + 8 + 8 || std::memcmp(data.data(), kMagic, sizeof(kMagic)) != 0)
    return CacheLookup::Corrupt;
  uint64_t stored;
  std::memcpy(&stored, data.data() + data.size() - 8, 8);
  if (fnv1a(data.data(), data.size() - 8) != stored)
    return CacheLookup::Corrupt;
  std::string body = data.substr(sizeof(kMagic), data.size() - 8 - sizeof(kMagic));
  Reader r{body};
  uint32_t version;
  std::string stored_key, payload;
  if (!r.u32(version) || !r.str(stored_key) || !r.str(payload) || r.pos != body.size())
    return CacheLookup::Corrupt;
  if (version != kFormatVersion || stored_key != key)
    return CacheLookup::Stale;
  if (!deserialize_compiled_object(payload, out))
    return CacheLookup::Corrupt;
  return CacheLookup::Hit;
}

bool object_cache_store(const std::string &path, const std::string &key,
                        const CompiledObject &object, std::string &error) {
  std::string dir = path.substr(0, path.rfind('/'));
  // Create the directory (and its parent, for $XDG_CACHE_HOME/bpfscope) when missing.
  std::string parent = dir.substr(0, dir.rfind('/'));
  if (!parent.empty())
    mkdir(parent.c_str(), 0755);
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    error = "cannot create " + dir + ": " + strerror(errno);
    return false;
  }
  std::string data(kMagic, sizeof(kMagic));
  put_u32(data, kFormatVersion);
  put_str(data, key);
  put_str(data, serialize_compiled_object(object));
  put_u64(data, fnv1a(data.data(), data.size()));
  std::string tmp = path + ".tmp." + std::to_string(getpid());
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    error = "cannot write " + tmp + ": " + strerror(errno);
    return false;
  }
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n <= 0) {
      error = "cannot write " + tmp + ": " + strerror(errno);
      close(fd);
      unlink(tmp.c_str());
      return false;
    }
    done += static_cast<size_t>(n);
  }
  close(fd);
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    error = "cannot rename " + tmp + ": " + strerror(errno);
    unlink(tmp.c_str());
    return false;
  }
  object_cache_prune(dir, ObjectCacheLimits{}, time(nullptr));
  return true;
}

} // namespace bpfscope
