// BEGIN and END: no kernel attach point. The session runs their programs once each with
// BPF_PROG_TEST_RUN (before the first event and after the last), which needs a program type that
// supports test runs: raw tracepoint programs do, and see the current task as bpfscope itself.
#include "runtime/probe_provider.h"

namespace bpfscope {
namespace {

class SpecialProvider : public ProbeProvider {
public:
  explicit SpecialProvider(std::string which) : which_(std::move(which)) {}
  std::string name() const override { return which_; }
  std::vector<std::string> aliases() const override {
    return {which_ == "BEGIN" ? "begin" : "end"};
  }
  bool resolve(const std::vector<std::string> &parts, const ast::AttachPoint &ap,
               std::vector<ProbeTarget> &out, Diagnostics &diags) override {
    if (parts.size() != 1) {
      diags.error(ap.loc, which_ + " probes take no arguments");
      return false;
    }
    ProbeTarget t;
    t.provider = which_;
    t.name = which_;
    t.program_kind = ProgramKind::Special;
    out.push_back(t);
    return true;
  }
  void list(const std::string &, std::vector<std::string> &out) override { out.push_back(which_); }
  bpf_prog_type program_type() const override { return BPF_PROG_TYPE_RAW_TRACEPOINT; }
  bool attach(const ProbeTarget &, int, std::vector<Attachment> &, std::string &) override {
    return true; // run by the session, not attached
  }

private:
  std::string which_;
};

} // namespace

std::unique_ptr<ProbeProvider> make_special_provider(const std::string &which) {
  return std::make_unique<SpecialProvider>(which);
}

} // namespace bpfscope
