#include "runtime/loader.h"
#include "runtime/subprogram_btf.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <sstream>

namespace bpfscope {

MapSet::~MapSet() {
  for (int fd : fds)
    if (fd >= 0)
      close(fd);
}

namespace {

// BPF object names are at most 15 characters of [A-Za-z0-9_.]; '@' becomes "AT_" as bpftrace
// does, so `bpftool map` shows recognisable names.
std::string kernel_map_name(const std::string &name) {
  std::string out = "AT_";
  for (char c : name.substr(1)) {
    if (out.size() >= 15)
      break;
    out += (isalnum(static_cast<unsigned char>(c)) || c == '_') ? c : '_';
  }
  return out;
}

int hist_bucket_count(const Type &t) {
  if (t.kind == TypeKind::Hist)
    return log2_hist_buckets(t.hist_bits);
  if (t.kind == TypeKind::Tseries)
    return static_cast<int>(t.tseries_count);
  return static_cast<int>((t.lhist_max - t.lhist_min) / t.lhist_step) + 2;
}

} // namespace

namespace {
bpf_map_type declared_map_type(MapDeclKind kind) {
  switch (kind) {
  case MapDeclKind::LruHash:
    return BPF_MAP_TYPE_LRU_HASH;
  case MapDeclKind::PercpuHash:
    return BPF_MAP_TYPE_PERCPU_HASH;
  case MapDeclKind::PercpuLruHash:
    return BPF_MAP_TYPE_LRU_PERCPU_HASH;
  default:
    return BPF_MAP_TYPE_HASH;
  }
}
} // namespace

bool create_maps(const ProgramInfo &info, const InternalMaps &internal, int max_map_keys,
                 MapSet &maps, std::string &error, uint32_t ring_buffer_bytes) {
  maps.fds.assign(internal.count(), -1);
  for (const MapInfo &m : info.maps) {
    bpf_map_type type = m.is_array()  ? BPF_MAP_TYPE_PERCPU_ARRAY
                        : m.per_cpu() ? BPF_MAP_TYPE_PERCPU_HASH
                                      : BPF_MAP_TYPE_HASH;
    uint32_t entries = max_map_keys;
    if (m.keyless())
      entries = m.is_histogram() ? hist_bucket_count(m.value_type) : 1;
    else if (m.is_histogram())
      entries = max_map_keys * (m.value_type.kind == TypeKind::Tseries
                                    ? std::max<uint32_t>(8u, m.value_type.tseries_count)
                                    : 8u); // several buckets (or intervals) per key
    if (m.declared_kind != MapDeclKind::None) {
      // `let @m = lruhash(N);`: the declared type and size (semantic_map_decls.cpp checked them).
      type = declared_map_type(m.declared_kind);
      entries = m.max_entries * (m.is_histogram() ? 8u : 1u);
    }
    LIBBPF_OPTS(bpf_map_create_opts, opts);
    int fd = bpf_map_create(type, kernel_map_name(m.name).c_str(), m.bpf_key_size(),
                            m.bpf_value_size(), entries, &opts);
    if (fd < 0) {
      error = "cannot create map " + m.name + ": " + strerror(errno);
      return false;
    }
    maps.fds[m.id] = fd;
  }
  LIBBPF_OPTS(bpf_map_create_opts, opts);
  uint32_t ring_bytes = ring_buffer_bytes         ? ring_buffer_bytes
                        : info.prints_from_probes ? kRingBufferBytes
                                                  : kSmallRingBufferBytes;
  int rb = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "events", 0, 0, ring_bytes, &opts);
  if (rb < 0) {
    error = std::string("cannot create the event ring buffer: ") + strerror(errno);
    return false;
  }
  maps.fds[internal.ring_buffer] = rb;
  int globals = bpf_map_create(BPF_MAP_TYPE_ARRAY, "globals", 4, 8, kGlobalSlots, &opts);
  if (globals < 0) {
    error = std::string("cannot create the globals map: ") + strerror(errno);
    return false;
  }
  maps.fds[internal.globals] = globals;
  if (internal.helper_errors >= 0) {
    // One u64 per helper error site, in one element: a probe looks it up once and then records
    // a failure with one atomic instruction, no branch (helper_errors.h). Per CPU, so that the
    // instruction, run on every map update, never contends for a cache line with other CPUs.
    uint32_t value_size = 8u * static_cast<uint32_t>(std::max(1, internal.helper_error_slots));
    int fd = bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, "helper_errors", 4, value_size, 1, &opts);
    if (fd < 0) {
      error = std::string("cannot create the helper errors map: ") + strerror(errno);
      return false;
    }
    maps.fds[internal.helper_errors] = fd;
  }
  if (internal.scratch >= 0 && internal.scratch_bytes > 0) {
    // The values too large for the BPF stack (codegen/scratch_layout.h): an element per CPU
    // the kernel may run a program on, indexed by bpf_get_smp_processor_id().
    int cpus = libbpf_num_possible_cpus();
    if (cpus <= 0) {
      error = std::string("cannot count the possible CPUs: ") + strerror(-cpus);
      return false;
    }
    int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "scratch", 4,
                            static_cast<uint32_t>(internal.scratch_bytes),
                            static_cast<uint32_t>(cpus), &opts);
    if (fd < 0) {
      error = "cannot create the scratch map (" + std::to_string(internal.scratch_bytes) +
              " bytes per CPU for values larger than on_stack_limit): " + strerror(errno);
      return false;
    }
    maps.fds[internal.scratch] = fd;
  }
  for (size_t i = 0; i < internal.stacks.size(); i++) {
    // Key: the stack id bpf_get_stackid() returns; value: up to `limit` return addresses.
    uint32_t value_size = 8u * static_cast<uint32_t>(info.stack_limits.at(i));
    int fd = bpf_map_create(BPF_MAP_TYPE_STACK_TRACE, "stacks", 4, value_size, max_map_keys, &opts);
    if (fd < 0) {
      error = std::string("cannot create a stack map: ") + strerror(errno);
      return false;
    }
    maps.fds[internal.stacks[i]] = fd;
  }
  return true;
}

std::string verifier_hint(const std::string &log) {
  auto has = [&](const char *s) { return log.find(s) != std::string::npos; };
  if (has("failed to find the address for kernel symbol")) // percpu_kaddr()
    return "the kernel cannot find the addresses of its variables: percpu_kaddr() needs a kernel "
           "built with CONFIG_KALLSYMS_ALL";
  if (has("back-edge") || has("infinite loop") || has("unbounded"))
    return "the program contains a loop the verifier cannot bound; use a constant bound";
  if (has("combined stack size") || has("stack limit") || has("invalid write to stack") ||
      has("exceeds"))
    return "the probe uses more than 512 bytes of BPF stack; use fewer or shorter strings "
           "and tuples in one probe";
  if (has("too large") || has("processed 1000001") || has("is too complex"))
    return "the program is too large for the verifier; split the work across probes";
  if (has("unknown func") || has("not allowed") || has("program of this type cannot use helper"))
    return "a function used here is not available for this probe type on this kernel";
  if (has("invalid mem access") || has("invalid read") || has("R1 invalid") ||
      has("invalid indirect read"))
    return "memory must be read with str() or another reading function, not dereferenced "
           "directly";
  return "";
}

LoadResult load_program(const CompiledProgram &program, const LoadAttributes &attributes,
                        const std::vector<int> &map_fds, bool want_log) {
  LoadResult result;
  std::vector<bpf_insn> insns(program.instructions.size());
  std::memcpy(insns.data(), program.instructions.data(), insns.size() * sizeof(bpf_insn));
  for (size_t i = 0; i < insns.size(); i++) {
    bpf_insn &in = insns[i];
    if (in.code == (BPF_LD | BPF_IMM | BPF_DW) && in.src_reg == BPF_PSEUDO_MAP_FD) {
      if (in.imm < 0 || static_cast<size_t>(in.imm) >= map_fds.size()) {
        result.error = "internal error: program refers to unknown map " + std::to_string(in.imm);
        return result;
      }
      in.imm = map_fds[in.imm];
      i++; // the second half of the 16-byte instruction
    }
  }
  SubprogramBtf subprograms;
  if (!describe_subprograms(insns, subprograms, result.error))
    return result;
  std::string name = program.name.substr(0, 15);
  for (char &c : name)
    if (!isalnum(static_cast<unsigned char>(c)) && c != '_')
      c = '_';

  // Load without a log first (cheaper); ask for the log only to explain a rejection.
  for (int attempt = 0; attempt < 2; attempt++) {
    bool with_log = want_log || attempt == 1;
    std::vector<char> log(with_log ? attributes.log_size : 0);
    LIBBPF_OPTS(bpf_prog_load_opts, opts);
    opts.expected_attach_type = attributes.expected_attach_type;
    opts.attach_btf_id = attributes.attach_btf_id;
    opts.attach_btf_obj_fd = attributes.attach_btf_obj_fd;
    if (subprograms.btf_fd >= 0) {
      opts.prog_btf_fd = subprograms.btf_fd;
      opts.func_info = subprograms.func_info.data();
      opts.func_info_cnt = static_cast<uint32_t>(subprograms.func_info.size());
      opts.func_info_rec_size = sizeof(bpf_func_info);
    }
    if (with_log) {
      opts.log_buf = log.data();
      opts.log_size = log.size();
      opts.log_level = 1;
    }
    int fd = bpf_prog_load(attributes.type, name.c_str(), attributes.license.c_str(), insns.data(),
                           insns.size(), &opts);
    int saved_errno = errno;
    if (with_log)
      result.log = log.data();
    if (fd >= 0) {
      result.fd = fd;
      return result;
    }
    if (attempt == 1 || want_log) {
      std::istringstream lines(result.log);
      std::vector<std::string> all;
      for (std::string line; std::getline(lines, line);)
        if (!line.empty())
          all.push_back(line);
      std::string tail;
      size_t from = all.size() > 8 ? all.size() - 8 : 0;
      for (size_t i = from; i < all.size(); i++)
        tail += "  " + all[i] + "\n";
      result.summary = "the kernel's verifier rejected the program for probe " + program.name +
                       " (" + strerror(saved_errno) + ")";
      if (!tail.empty())
        result.summary += "; its last lines:";
      result.log_tail = tail;
      result.hint = verifier_hint(result.log);
      result.error = result.summary + (tail.empty() ? "" : "\n" + tail);
      if (!result.hint.empty())
        result.error += "HINT: " + result.hint + "\n";
      return result;
    }
  }
  return result;
}

} // namespace bpfscope
