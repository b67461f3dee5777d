// kprobe:FUNCTION[+OFFSET], kprobe:MODULE:FUNCTION and kretprobe:... (aliases k, kr), wildcards
// expanded over the kernel's probe-able functions (kprobe blacklist left out).
//
// Attached through the perf kprobe PMU (never tracefs' kprobe_events). On a kernel without
// kprobes whose BTF allows fentry, kprobe/kretprobe run as fentry/fexit on the same function
// (`-v` says so); with neither, the error names what this kernel lacks and, for system call
// functions, the tracepoint that sees the same calls.
#include "runtime/btf_tracing.h"
#include "runtime/function_probe_spec.h"
#include "runtime/kernel_functions.h"
#include "runtime/kprobe_pmu.h"
#include "runtime/probe_provider.h"
#include "runtime/suggest.h"
#include "runtime/tracefs.h"
#include "runtime/tracepoint_format.h"

#include <unistd.h>

namespace bpfscope {
namespace {

constexpr int kPtRegsArgs = 6; // x86-64 System V: rdi rsi rdx rcx r8 r9

// "HINT" text for a function that cannot be probed here: the syscall tracepoints, when the
// function implements a system call this kernel has tracepoints for.
std::string syscall_hint(const std::string &function) {
  std::string syscall = syscall_name_of_function(function);
  if (syscall.empty())
    return "";
  std::string error, root = tracefs_root(&error);
  if (root.empty() || access((root + "/events/syscalls/sys_enter_" + syscall).c_str(), F_OK) != 0)
    return "";
  return "trace the system call with tracepoint:syscalls:sys_enter_" + syscall +
         " (and tracepoint:syscalls:sys_exit_" + syscall + " for its return value)";
}

class KprobeProvider : public ProbeProvider {
public:
  explicit KprobeProvider(bool is_return) : return_(is_return) {}
  std::string name() const override { return return_ ? "kretprobe" : "kprobe"; }
  std::vector<std::string> aliases() const override { return {return_ ? "kr" : "k"}; }

  bool resolve(const std::vector<std::string> &parts, const ast::AttachPoint &ap,
               std::vector<ProbeTarget> &out, Diagnostics &diags) override {
    FunctionProbeSpec spec;
    std::string error;
    if (!parse_function_probe(parts, !return_, spec, &error)) {
      diags.error(ap.loc, error);
      return false;
    }
    std::vector<KernelFunction> functions;
    if (!match_functions(spec, ap, functions, diags))
      return false;
    if (kprobe_pmu_available()) {
      for (auto &f : functions)
        out.push_back(kprobe_target(f, spec.offset));
      return true;
    }
    return resolve_as_fentry(spec, functions, ap, out, diags);
  }

  void list(const std::string &, std::vector<std::string> &out) override {
    if (!kprobe_pmu_available() && !fentry_works())
      return; // nothing could be attached
    const auto &blacklist = kprobe_blacklist();
    for (const KernelFunction &f : kernel_functions())
      if (!blacklist.count(f.name))
        out.push_back(function_probe_name(name(), f.module, f.name));
  }

  bpf_prog_type program_type() const override { return BPF_PROG_TYPE_KPROBE; }

  LoadAttributes load_attributes(const ProbeTarget &t) const override {
    if (t.program_kind == ProgramKind::Tracing)
      return btf_tracing_load_attributes(t, return_ ? BPF_TRACE_FEXIT : BPF_TRACE_FENTRY);
    return ProbeProvider::load_attributes(t);
  }

  bool attach(const ProbeTarget &t, int prog_fd, std::vector<Attachment> &out,
              std::string &error) override {
    if (t.program_kind == ProgramKind::Tracing)
      return attach_btf_tracing(prog_fd, out, error);
    std::vector<int> cpus = online_cpus(&error);
    if (cpus.empty())
      return false;
    // Like a tracepoint, one kprobe perf event runs the program on every CPU.
    std::string function = t.path.empty() ? t.function : t.path + ":" + t.function;
    int fd = open_kprobe_event(function, t.address, return_, cpus.front(), &error);
    if (!attach_opened_perf_event(prog_fd, fd, out, &error))
      return false;
    return true;
  }

private:
  // The functions `spec` names: every match of a wildcard (blacklist excluded), or the one
  // function, checked to exist.
  bool match_functions(const FunctionProbeSpec &spec, const ast::AttachPoint &ap,
                       std::vector<KernelFunction> &out, Diagnostics &diags) {
    const auto &all = kernel_functions();
    const auto &blacklist = kprobe_blacklist();
    std::string module = spec.module == "vmlinux" ? "" : spec.module;
    if (spec.is_glob()) {
      for (const KernelFunction &f : all) {
        bool module_ok =
            spec.module.empty() || glob_match(spec.module, f.module.empty() ? "vmlinux" : f.module);
        if (module_ok && glob_match(spec.function, f.name) && !blacklist.count(f.name))
          out.push_back(f);
      }
      if (out.empty()) {
        diags.error(ap.loc, "No kernel functions match " + ap.raw,
                    "list them with: bpfscope -l '" + name() + ":*'");
        return false;
      }
      return true;
    }
    if (!all.empty() && !is_kernel_function(module, spec.function) &&
        !is_kernel_text_symbol(module, spec.function)) {
      std::vector<std::string> names;
      for (const KernelFunction &f : all)
        names.push_back(f.name);
      std::string where = module.empty() ? "" : " in module " + module;
      diags.error(ap.loc, "No kernel function named " + spec.function + where,
                  did_you_mean(closest_names(spec.function, names, 3)));
      return false;
    }
    if (blacklist.count(spec.function)) {
      diags.error(ap.loc, spec.function + " cannot be probed: it is on the kernel's kprobe "
                                          "blacklist (the kprobe machinery itself uses it)");
      return false;
    }
    out.push_back({spec.function, module});
    return true;
  }

  ProbeTarget kprobe_target(const KernelFunction &f, uint64_t offset) const {
    ProbeTarget t;
    t.provider = name();
    t.name = function_probe_name(name(), f.module, f.name, offset);
    t.program_kind = ProgramKind::Kprobe;
    t.arg_source = ArgumentSource::PtRegs;
    t.max_args = return_ ? 0 : kPtRegsArgs; // a return probe's argument registers are gone
    t.has_retval = return_;
    t.function = f.name;
    t.path = f.module;
    t.address = offset;
    return t;
  }

  // No kprobes in this kernel: the same functions as fentry/fexit programs, when BTF describes
  // them and the kernel accepts fentry.
  bool resolve_as_fentry(const FunctionProbeSpec &spec, const std::vector<KernelFunction> &fns,
                         const ast::AttachPoint &ap, std::vector<ProbeTarget> &out,
                         Diagnostics &diags) {
    const std::string missing = "kprobes are not available: this kernel was built without "
                                "CONFIG_KPROBES (no " +
                                std::string(kKprobePmuDir) + ")";
    if (spec.has_offset) {
      diags.error(ap.loc, missing + ", and an offset inside a function needs a kprobe",
                  syscall_hint(spec.function));
      return false;
    }
    std::string why;
    KernelBtf &btf = KernelBtf::running();
    if (!btf.available(&why)) {
      diags.error(ap.loc, missing + ", and " + why + " to run it as fentry instead",
                  syscall_hint(spec.function));
      return false;
    }
    size_t before = out.size();
    for (const KernelFunction &f : fns) {
      std::string error;
      const BtfView *view = btf.view(f.module, &error);
      auto fn = view ? view->function(f.name) : std::nullopt;
      if (!fn) {
        if (spec.is_glob())
          continue; // not every function has BTF (assembly, some static ones)
        diags.error(ap.loc,
                    missing + ", and " + f.name +
                        " has no BTF description to run it "
                        "as fentry instead",
                    syscall_hint(f.name));
        return false;
      }
      fn->module = f.module;
      fn->btf_obj_fd = btf.module_fd(f.module);
      std::string refusal = fentry_refusal(*fn);
      if (!refusal.empty()) {
        diags.error(ap.loc,
                    missing + ", and it refuses fentry programs (fentry:" + f.name + ": " +
                        refusal + ")",
                    syscall_hint(f.name));
        return false;
      }
      ProbeTarget t;
      fill_btf_tracing_target(*fn, return_, t);
      t.provider = name();
      t.name = function_probe_name(name(), f.module, f.name);
      t.note = "this kernel has no kprobes: " + t.name + " runs as " +
               function_probe_name(return_ ? "fexit" : "fentry", f.module, f.name);
      out.push_back(std::move(t));
    }
    if (out.size() == before) {
      diags.error(ap.loc, missing + ", and none of the functions matching " + ap.raw +
                              " has a BTF description to run it as fentry instead");
      return false;
    }
    return true;
  }

  bool return_;
};

} // namespace

std::unique_ptr<ProbeProvider> make_kprobe_provider(bool is_return) {
  return std::make_unique<KprobeProvider>(is_return);
}

} // namespace bpfscope
