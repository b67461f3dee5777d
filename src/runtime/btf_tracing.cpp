#include "runtime/btf_tracing.h"

#include <bpf/bpf.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

namespace bpfscope {

void fill_btf_tracing_target(const BtfFunction &f, bool with_retval, ProbeTarget &t) {
  t.program_kind = ProgramKind::Tracing;
  t.arg_source = ArgumentSource::U64Array;
  t.function = f.name;
  t.path = f.module;
  t.btf_id = f.btf_id;
  t.btf_obj_fd = f.btf_obj_fd;
  t.max_args = static_cast<int>(f.params.size());
  t.fields.clear();
  for (size_t i = 0; i < f.params.size(); i++) {
    const BtfValue &p = f.params[i];
    ContextField cf;
    cf.name = p.name.empty() ? "arg" + std::to_string(i) : p.name;
    cf.kind = p.kind;
    // Every argument fills an 8-byte slot; narrower integers are read at their own width (the
    // slot's low bytes) so that an `int` of -1 reads as -1, whatever the upper half holds.
    cf.offset = 8 * static_cast<int>(i);
    cf.size = p.kind == ContextField::Kind::Pointer ? 8 : p.size;
    cf.is_signed = p.is_signed;
    cf.type = p.type;
    t.fields.push_back(cf);
  }
  t.has_retval = with_retval;
  t.retval_index = with_retval ? static_cast<int>(f.params.size()) : -1;
  if (with_retval && !f.returns_void && f.ret.kind == ContextField::Kind::Integer) {
    t.retval_size = f.ret.size;
    t.retval_signed = f.ret.is_signed;
  }
  if (with_retval && !f.returns_void && f.ret.type.is_ptr())
    t.retval_type = f.ret.type;
}

LoadAttributes btf_tracing_load_attributes(const ProbeTarget &t, bpf_attach_type attach_type) {
  LoadAttributes a;
  a.type = BPF_PROG_TYPE_TRACING;
  a.expected_attach_type = attach_type;
  a.attach_btf_id = t.btf_id;
  a.attach_btf_obj_fd = t.btf_obj_fd >= 0 ? t.btf_obj_fd : 0;
  return a;
}

bool attach_btf_tracing(int prog_fd, std::vector<Attachment> &out, std::string &error) {
  // With no name, RAW_TRACEPOINT_OPEN attaches a tracing program to the target it was loaded
  // for (fentry/fexit or tp_btf) and returns a link; every kernel with fentry has it.
  int fd = bpf_raw_tracepoint_open(nullptr, prog_fd);
  if (fd < 0) {
    error = std::string("cannot attach the program: ") + strerror(errno);
    return false;
  }
  Attachment a;
  a.link_fd = fd;
  out.push_back(a);
  return true;
}

std::string fentry_refusal(const BtfFunction &f) {
  static std::map<std::pair<std::string, std::string>, std::string> cache;
  auto key = std::make_pair(f.module, f.name);
  auto it = cache.find(key);
  if (it != cache.end())
    return it->second;
  // r0 = 0; exit
  const uint64_t insns[2] = {0x00000000000000b7ULL, 0x0000000000000095ULL};
  LIBBPF_OPTS(bpf_prog_load_opts, opts);
  opts.expected_attach_type = BPF_TRACE_FENTRY;
  opts.attach_btf_id = f.btf_id;
  opts.attach_btf_obj_fd = f.btf_obj_fd >= 0 ? f.btf_obj_fd : 0;
  int fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "fentry_check", "GPL",
                         reinterpret_cast<const bpf_insn *>(insns), 2, &opts);
  std::string why;
  if (fd >= 0)
    close(fd);
  else
    why = errno == 524 ? "Operation not supported" : strerror(errno);
  cache[key] = why;
  return why;
}

bool fentry_works() {
  std::string error;
  const BtfView *view = KernelBtf::running().view("", &error);
  if (!view)
    return false;
  for (const char *candidate : {"do_sys_openat2", "vfs_read", "schedule"})
    if (auto fn = view->function(candidate))
      return fentry_refusal(*fn).empty();
  return false;
}

} // namespace bpfscope
