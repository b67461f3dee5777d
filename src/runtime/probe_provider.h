// Probe providers: one class per probe kind (BEGIN/END, tracepoint, interval, profile, ...).
// Each knows its names, how to validate and expand an attach point, what to list for `-l`, the
// BPF program type it needs, and how to attach a loaded program. Adding a probe kind means one
// new file and one line in ProviderRegistry's constructor.
#pragma once

#include "parser/probe_target.h"
#include "runtime/loader.h"
#include "runtime/perf_attach.h"

#include <linux/bpf.h>

#include <memory>
#include <string>
#include <vector>

namespace bpfscope {

// A kernel attachment owned by the session: closing the fds detaches (the kernel also cleans up
// when the process dies, as everything goes through BPF links and perf-event fds).
using Attachment = PerfAttachment;

class ProbeProvider {
public:
  virtual ~ProbeProvider() = default;
  virtual std::string name() const = 0;
  virtual std::vector<std::string> aliases() const { return {}; }
  // `parts` is the attach point split at ':' (quotes respected), parts[0] being the provider
  // name as written. Reports errors at ap.loc.
  virtual bool resolve(const std::vector<std::string> &parts, const ast::AttachPoint &ap,
                       std::vector<ProbeTarget> &out, Diagnostics &diags) = 0;
  // Appends the probes matching `glob` ("" for all), as full names, for `-l`.
  virtual void list(const std::string &glob, std::vector<std::string> &out) = 0;
  // What `-lv` prints under the probe `name` (one of list()'s), e.g. a function's parameters.
  virtual std::vector<std::string> details(const std::string & /*name*/) { return {}; }
  virtual bpf_prog_type program_type() const = 0;
  // Load-time attributes for `target`'s program: the program type, plus the attach type and
  // BTF id for providers that need them (fentry/fexit, tp_btf).
  virtual LoadAttributes load_attributes(const ProbeTarget &) const {
    LoadAttributes a;
    a.type = program_type();
    return a;
  }
  virtual bool attach(const ProbeTarget &target, int prog_fd, std::vector<Attachment> &out,
                      std::string &error) = 0;
};

std::unique_ptr<ProbeProvider> make_special_provider(const std::string &which); // BEGIN / END
std::unique_ptr<ProbeProvider> make_tracepoint_provider();
std::unique_ptr<ProbeProvider> make_interval_provider();
std::unique_ptr<ProbeProvider> make_profile_provider();
std::unique_ptr<ProbeProvider> make_kprobe_provider(bool is_return); // kprobe / kretprobe
std::unique_ptr<ProbeProvider> make_fentry_provider(bool is_exit);   // fentry / fexit
std::unique_ptr<ProbeProvider> make_rawtracepoint_provider();
std::unique_ptr<ProbeProvider> make_software_provider();
std::unique_ptr<ProbeProvider> make_hardware_provider();

// Facts from the command line that some providers need.
struct ProviderSettings {
  int target_pid = -1; // -p: uprobes attach to this process only (pid in bpfscope's namespace)
};
// uprobe/uretprobe (aliases u, ur): one provider for both, it tells them apart by parts[0].
std::unique_ptr<ProbeProvider> make_uprobe_provider(const ProviderSettings &settings);
// usdt (alias U): USDT probes of a binary, from its .note.stapsdt notes.
std::unique_ptr<ProbeProvider> make_usdt_provider(const ProviderSettings &settings);

class ProviderRegistry : public ProbeResolver {
public:
  ProviderRegistry();
  bool resolve(const ast::AttachPoint &ap, std::vector<ProbeTarget> &out,
               Diagnostics &diags) override;
  ProbeProvider *find(const std::string &name) const;
  const std::vector<std::unique_ptr<ProbeProvider>> &all() const { return providers_; }
  // Full names of every probe matching `pattern` (a glob over "provider:rest").
  std::vector<std::string> list(const std::string &pattern) const;
  // The lines `-lv` prints under probe `name` (a result of list()), without indentation.
  std::vector<std::string> details(const std::string &name) const;
  void set_target_pid(int pid) { settings_.target_pid = pid; }

private:
  ProviderSettings settings_;
  std::vector<std::unique_ptr<ProbeProvider>> providers_;
};

// Splits "tracepoint:syscalls:sys_enter_*" at ':' outside double quotes (quotes removed).
std::vector<std::string> split_attach_point(const std::string &raw);

} // namespace bpfscope
