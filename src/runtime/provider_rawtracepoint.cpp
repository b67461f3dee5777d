// rawtracepoint:EVENT and rawtracepoint:MODULE:EVENT (alias rt), wildcards: the tracepoint's raw
// arguments, before the format's record is built (cheaper than `tracepoint`).
//
// With BTF, a tp_btf program (BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP) on the `btf_trace_EVENT`
// type: the arguments are typed (`args.NAME`, arg0..N). Without BTF, or if the kernel refuses
// tp_btf, a plain BPF_PROG_TYPE_RAW_TRACEPOINT program attached by name: arg0..N only.
#include "runtime/btf_tracing.h"
#include "runtime/function_probe_spec.h"
#include "runtime/probe_provider.h"
#include "runtime/suggest.h"
#include "runtime/tracepoint_format.h"

#include <bpf/bpf.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

namespace bpfscope {
namespace {

// A raw tracepoint may have up to 12 arguments (MAX_BPF_FUNC_ARGS); without BTF the real count
// is unknown here, and the kernel checks the program's highest one at attach time.
constexpr int kMaxRawArgs = 12;

// "" when this kernel loads a tp_btf program on `tp`, else why not.
std::string tp_btf_refusal(const BtfFunction &tp) {
  static std::map<std::pair<std::string, std::string>, std::string> cache;
  auto key = std::make_pair(tp.module, tp.name);
  if (auto it = cache.find(key); it != cache.end())
    return it->second;
  const uint64_t insns[2] = {0x00000000000000b7ULL, 0x0000000000000095ULL}; // r0 = 0; exit
  LIBBPF_OPTS(bpf_prog_load_opts, opts);
  opts.expected_attach_type = BPF_TRACE_RAW_TP;
  opts.attach_btf_id = tp.btf_id;
  opts.attach_btf_obj_fd = tp.btf_obj_fd >= 0 ? tp.btf_obj_fd : 0;
  int fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "tp_btf_check", "GPL",
                         reinterpret_cast<const bpf_insn *>(insns), 2, &opts);
  std::string why = fd >= 0 ? "" : strerror(errno);
  if (fd >= 0)
    close(fd);
  cache[key] = why;
  return why;
}

// Event names without their category, from tracefs ("sched:sched_switch" -> "sched_switch").
std::vector<std::string> tracefs_event_names() {
  std::string error;
  std::vector<std::string> names;
  for (auto &tp : list_tracepoints(&error))
    names.push_back(tp.substr(tp.find(':') + 1));
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

class RawTracepointProvider : public ProbeProvider {
public:
  std::string name() const override { return "rawtracepoint"; }
  std::vector<std::string> aliases() const override { return {"rt"}; }

  bool resolve(const std::vector<std::string> &parts, const ast::AttachPoint &ap,
               std::vector<ProbeTarget> &out, Diagnostics &diags) override {
    FunctionProbeSpec spec;
    std::string error;
    if (!parse_function_probe(parts, false, spec, &error)) {
      diags.error(ap.loc, error);
      return false;
    }
    std::string module = spec.module == "vmlinux" ? "" : spec.module;
    KernelBtf &btf = KernelBtf::running();
    const BtfView *view = btf.available() ? btf.view(module, &error) : nullptr;
    std::vector<std::string> names = view ? view->raw_tracepoint_names() : tracefs_event_names();
    std::sort(names.begin(), names.end());
    std::vector<std::string> events;
    if (spec.is_glob()) {
      for (auto &n : names)
        if (glob_match(spec.function, n))
          events.push_back(n);
    } else if (names.empty() || std::binary_search(names.begin(), names.end(), spec.function)) {
      events.push_back(spec.function);
    }
    if (events.empty()) {
      diags.error(ap.loc, "No raw tracepoint matches " + ap.raw,
                  spec.is_glob() ? "list them with: bpfscope -l 'rawtracepoint:*'"
                                 : did_you_mean(closest_names(spec.function, names, 3)));
      return false;
    }
    for (auto &event : events)
      out.push_back(target(module, event, view));
    return true;
  }

  void list(const std::string &, std::vector<std::string> &out) override {
    std::string error;
    KernelBtf &btf = KernelBtf::running();
    const BtfView *view = btf.available() ? btf.view("", &error) : nullptr;
    std::vector<std::string> names = view ? view->raw_tracepoint_names() : tracefs_event_names();
    std::sort(names.begin(), names.end());
    for (auto &n : names)
      out.push_back(name() + ":" + n);
  }

  bpf_prog_type program_type() const override { return BPF_PROG_TYPE_RAW_TRACEPOINT; }

  LoadAttributes load_attributes(const ProbeTarget &t) const override {
    if (t.program_kind == ProgramKind::Tracing)
      return btf_tracing_load_attributes(t, BPF_TRACE_RAW_TP);
    return ProbeProvider::load_attributes(t);
  }

  bool attach(const ProbeTarget &t, int prog_fd, std::vector<Attachment> &out,
              std::string &error) override {
    if (t.program_kind == ProgramKind::Tracing)
      return attach_btf_tracing(prog_fd, out, error);
    std::string event = t.name.substr(t.name.rfind(':') + 1);
    int fd = bpf_raw_tracepoint_open(event.c_str(), prog_fd);
    if (fd < 0) {
      int err = errno;
      error = "cannot attach to raw tracepoint " + event + ": " + strerror(err);
      if (err == EINVAL)
        error += " (does the program read more arguments than the tracepoint has?)";
      return false;
    }
    Attachment a;
    a.link_fd = fd;
    out.push_back(a);
    return true;
  }

private:
  ProbeTarget target(const std::string &module, const std::string &event, const BtfView *view) {
    ProbeTarget t;
    t.provider = name();
    t.name = function_probe_name(name(), module, event);
    auto tp = view ? view->raw_tracepoint(event) : std::nullopt;
    if (tp) {
      tp->module = module;
      tp->btf_obj_fd = KernelBtf::running().module_fd(module);
      if (tp_btf_refusal(*tp).empty()) {
        fill_btf_tracing_target(*tp, false, t);
        t.function.clear(); // `func` is for function probes
        t.note = t.name + " runs as tp_btf (typed arguments from BTF)";
        return t;
      }
    }
    t.program_kind = ProgramKind::RawTracepoint;
    t.arg_source = ArgumentSource::U64Array;
    t.max_args = tp ? static_cast<int>(tp->params.size()) : kMaxRawArgs;
    return t;
  }
};

} // namespace

std::unique_ptr<ProbeProvider> make_rawtracepoint_provider() {
  return std::make_unique<RawTracepointProvider>();
}

} // namespace bpfscope
