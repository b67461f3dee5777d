// fentry:FUNCTION / fexit:FUNCTION (aliases kfunc/kretfunc, f/fr), fentry:MODULE:FUNCTION,
// wildcards. BPF_PROG_TYPE_TRACING programs attached through BTF: the function's parameters are
// `args.NAME` (typed from BTF) and arg0..N; fexit also has `retval`. One program per function,
// since the kernel ties each program to its BTF id at load time.
#include "runtime/btf_tracing.h"
#include "runtime/function_probe_spec.h"
#include "runtime/kernel_functions.h"
#include "runtime/kprobe_pmu.h"
#include "runtime/probe_provider.h"
#include "runtime/suggest.h"
#include "runtime/tracepoint_format.h"

#include <algorithm>

namespace bpfscope {
namespace {

class FentryProvider : public ProbeProvider {
public:
  explicit FentryProvider(bool is_exit) : exit_(is_exit) {}
  std::string name() const override { return exit_ ? "fexit" : "fentry"; }
  std::vector<std::string> aliases() const override {
    return {exit_ ? "kretfunc" : "kfunc", exit_ ? "fr" : "f"};
  }

  bool resolve(const std::vector<std::string> &parts, const ast::AttachPoint &ap,
               std::vector<ProbeTarget> &out, Diagnostics &diags) override {
    FunctionProbeSpec spec;
    std::string error;
    if (!parse_function_probe(parts, false, spec, &error)) {
      diags.error(ap.loc, error);
      return false;
    }
    KernelBtf &btf = KernelBtf::running();
    if (!btf.available(&error)) {
      diags.error(ap.loc, name() + " probes need BTF, and " + error);
      return false;
    }
    std::vector<BtfFunction> functions;
    if (!find_functions(spec, ap, functions, diags))
      return false;
    for (BtfFunction &f : functions) {
      std::string refusal = fentry_refusal(f);
      if (!refusal.empty()) {
        diags.error(ap.loc,
                    "this kernel refuses " + name() + " programs (" +
                        function_probe_name(name(), f.module, f.name) + ": " + refusal + ")",
                    kprobe_pmu_available()
                        ? (exit_ ? "kretprobe:" : "kprobe:") + f.name + " may work instead"
                        : "");
        return false;
      }
      ProbeTarget t;
      fill_btf_tracing_target(f, exit_, t);
      t.provider = name();
      t.name = function_probe_name(name(), f.module, f.name);
      out.push_back(std::move(t));
    }
    return true;
  }

  void list(const std::string &pattern, std::vector<std::string> &out) override {
    std::string error;
    const BtfView *view = KernelBtf::running().view("", &error);
    if (!view || !fentry_works())
      return;
    std::vector<std::string> names = view->function_names();
    std::sort(names.begin(), names.end());
    for (auto &n : names)
      out.push_back(name() + ":" + n);
    // 'fentry:MODULE:FUNC' (a module named without wildcards): that module's functions too, from
    // its BTF. Listing every module's would parse the BTF of each.
    std::vector<std::string> parts = split_attach_point(pattern);
    if (parts.size() == 3 && !has_glob_chars(parts[1]) && parts[1] != "vmlinux") {
      if (const BtfView *module = KernelBtf::running().view(parts[1], nullptr)) {
        names = module->function_names();
        std::sort(names.begin(), names.end());
        for (auto &n : names)
          out.push_back(function_probe_name(name(), parts[1], n));
      }
    }
  }

  bpf_prog_type program_type() const override { return BPF_PROG_TYPE_TRACING; }

  LoadAttributes load_attributes(const ProbeTarget &t) const override {
    return btf_tracing_load_attributes(t, exit_ ? BPF_TRACE_FEXIT : BPF_TRACE_FENTRY);
  }

  bool attach(const ProbeTarget &, int prog_fd, std::vector<Attachment> &out,
              std::string &error) override {
    return attach_btf_tracing(prog_fd, out, error);
  }

private:
  // BTF descriptions of the functions `spec` names. A wildcard matches the BTF functions that are
  // also probe-able (the kernel's list), since BTF also describes inlined and notrace ones.
  bool find_functions(const FunctionProbeSpec &spec, const ast::AttachPoint &ap,
                      std::vector<BtfFunction> &out, Diagnostics &diags) {
    KernelBtf &btf = KernelBtf::running();
    std::string module = spec.module == "vmlinux" ? "" : spec.module;
    std::string error;
    if (!spec.is_glob()) {
      if (module.empty() && !btf.view("", &error)->function(spec.function)) {
        // Not in vmlinux: a loaded module may have it.
        for (const KernelFunction &f : kernel_functions())
          if (f.name == spec.function && !f.module.empty()) {
            module = f.module;
            break;
          }
      }
      const BtfView *view = btf.view(module, &error);
      if (!view) {
        diags.error(ap.loc, error);
        return false;
      }
      auto f = view->function(spec.function);
      if (!f) {
        std::string where = module.empty() ? "" : " in module " + module;
        diags.error(ap.loc,
                    "No BTF description of a kernel function named " + spec.function + where,
                    did_you_mean(closest_names(spec.function, view->function_names(), 3)));
        return false;
      }
      f->module = module;
      f->btf_obj_fd = btf.module_fd(module);
      out.push_back(std::move(*f));
      return true;
    }
    if (has_glob_chars(module)) {
      diags.error(ap.loc,
                  "wildcards in the module name of " + name() + " probes are not supported");
      return false;
    }
    const BtfView *view = btf.view(module, &error);
    if (!view) {
      diags.error(ap.loc, error);
      return false;
    }
    const auto &probeable = kernel_functions();
    std::vector<std::string> names = view->function_names();
    std::sort(names.begin(), names.end());
    for (const std::string &n : names) {
      if (!glob_match(spec.function, n))
        continue;
      if (!probeable.empty() && !is_kernel_function(module, n))
        continue;
      auto f = view->function(n);
      if (!f)
        continue;
      f->module = module;
      f->btf_obj_fd = btf.module_fd(module);
      out.push_back(std::move(*f));
    }
    if (out.empty()) {
      diags.error(ap.loc, "No kernel functions with BTF match " + ap.raw,
                  "list them with: bpfscope -l '" + name() + ":*'");
      return false;
    }
    return true;
  }

  bool exit_;
};

} // namespace

std::unique_ptr<ProbeProvider> make_fentry_provider(bool is_exit) {
  return std::make_unique<FentryProvider>(is_exit);
}

} // namespace bpfscope
