// usdt:PATH:PROVIDER:NAME and usdt:PATH:NAME (alias U): USDT probes (<sys/sdt.h>) of an
// executable or library, from its .note.stapsdt notes. PROVIDER and NAME may be globs. Each
// probe site is a uprobe at the note's address; arg0.. are read per the note's argument string
// (registers, memory at register + offset, constants). A probe with a semaphore is attached with
// the uprobe PMU's ref_ctr_offset, so the kernel enables it in every process mapping the file
// while bpfscope runs, and disables it when the probe goes away.
#include "runtime/binary_path.h"
#include "runtime/elf_symbols.h"
#include "runtime/hex_address.h"
#include "runtime/probe_provider.h"
#include "runtime/probed_files.h"
#include "runtime/process_maps.h"
#include "runtime/suggest.h"
#include "runtime/tracepoint_format.h"
#include "runtime/uprobe_attach.h"
#include "runtime/usdt_notes.h"

#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <set>

namespace bpfscope {
namespace {

class UsdtProvider : public ProbeProvider {
public:
  explicit UsdtProvider(const ProviderSettings &settings) : settings_(settings) {}

  std::string name() const override { return "usdt"; }
  std::vector<std::string> aliases() const override { return {"U"}; }

  bool resolve(const std::vector<std::string> &parts, const ast::AttachPoint &ap,
               std::vector<ProbeTarget> &out, Diagnostics &diags) override {
    const std::string usage =
        "usdt:PATH:PROVIDER:NAME or usdt:PATH:NAME (with -p PID: usdt:*:NAME, usdt:::NAME, "
        "usdt:PROVIDER:NAME)";
    if (parts.size() < 3 || parts.size() > 4) {
      diags.error(ap.loc, "Invalid usdt probe " + ap.raw + ": it needs a binary and a probe name",
                  usage);
      return false;
    }
    std::string binary = parts[1];
    std::string provider_glob = parts.size() == 4 && !parts[2].empty() ? parts[2] : "*";
    std::string name_glob = parts.back();
    // With -p, "usdt:PROVIDER:NAME" names no binary when PROVIDER is not one.
    if (parts.size() == 3 && settings_.target_pid >= 0 && !binary.empty() &&
        binary.find('/') == std::string::npos && !find_binary(binary, nullptr)) {
      provider_glob = binary;
      binary.clear();
    }
    // bpftrace's form for "everywhere the process has code": a lone `*` as the binary.
    if (binary == "*")
      binary.clear();
    std::vector<std::string> files;
    std::string error;
    bool whole_process = binary.empty();
    if (!probed_files(binary, settings_.target_pid, ap, ap.raw,
                      "write usdt:PATH:... , or give -p PID to search that process's executable "
                      "and libraries",
                      "usdt", files, diags))
      return false;

    size_t before = out.size();
    std::vector<std::string> candidates;
    bool any_notes = false;
    for (auto &file : files) {
      auto symbols = read_elf_symbols(file, &error);
      std::optional<std::vector<UsdtProbe>> probes;
      if (symbols)
        probes = read_usdt_probes(file, &error);
      if (!probes) {
        if (whole_process)
          continue; // e.g. a mapped file that is not ELF
        diags.error(ap.loc, "usdt: " + error);
        return false;
      }
      any_notes |= !probes->empty();
      for (auto &p : *probes) {
        candidates.push_back(p.provider + ":" + p.name);
        if (!glob_match(provider_glob, p.provider) || !glob_match(name_glob, p.name))
          continue;
        if (!add_target(file, *symbols, p, ap, out, diags))
          return false;
      }
    }
    if (out.size() > before)
      return true;
    std::string where = whole_process ? "process " + std::to_string(settings_.target_pid) +
                                            " (its executable and libraries)"
                                      : files.front();
    std::string wanted = provider_glob == "*" ? name_glob : provider_glob + ":" + name_glob;
    if (!any_notes) {
      diags.error(ap.loc, "No USDT probes in " + where + " (no .note.stapsdt notes)");
      return false;
    }
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    std::string hint = did_you_mean(closest_names(wanted, candidates, 3));
    if (hint.empty() && !whole_process)
      hint = "list them with: bpfscope -l 'usdt:" + files.front() + ":*'";
    diags.error(ap.loc, "No USDT probe matching '" + wanted + "' in " + where, hint);
    return false;
  }

  // `pattern` is the whole -l argument: "usdt:PATH[:PROVIDER[:NAME]]" (globs).
  void list(const std::string &pattern, std::vector<std::string> &out) override {
    std::vector<std::string> parts = split_attach_point(pattern);
    if (parts.size() < 2)
      return;
    std::string provider_glob = parts.size() >= 4 ? parts[2] : "*";
    std::string name_glob = parts.size() >= 3 ? parts.back() : "*";
    std::string error;
    auto path = resolve_binary_path(parts[1], &error);
    std::optional<std::vector<UsdtProbe>> probes;
    if (path)
      probes = read_usdt_probes(*path, &error);
    if (!probes) {
      std::cerr << "ERROR: usdt: " << error << "\n";
      return;
    }
    std::set<std::string> names;
    for (auto &p : *probes) {
      if (parts.size() == 3 && glob_match(name_glob, p.provider + ":" + p.name)) {
        names.insert(p.provider + ":" + p.name); // 'usdt:PATH:*'
        continue;
      }
      if (glob_match(provider_glob, p.provider) && glob_match(name_glob, p.name))
        names.insert(p.provider + ":" + p.name);
    }
    for (auto &n : names)
      out.push_back("usdt:" + *path + ":" + n);
  }

  bpf_prog_type program_type() const override { return BPF_PROG_TYPE_KPROBE; }

  bool attach(const ProbeTarget &target, int prog_fd, std::vector<Attachment> &out,
              std::string &error) override {
    int fd = open_uprobe_event(target.path, target.address, false, settings_.target_pid, &error,
                               target.ref_ctr_offset);
    if (!attach_opened_perf_event(prog_fd, fd, out, &error))
      return false;
    return true;
  }

private:
  std::optional<std::string> find_binary(const std::string &name, std::string *error) const {
    return find_probed_binary(name, settings_.target_pid, error);
  }

  // One probe site of `path`: a uprobe at its note's address, arguments per its note.
  bool add_target(const std::string &path, const ElfSymbols &symbols, const UsdtProbe &p,
                  const ast::AttachPoint &ap, std::vector<ProbeTarget> &out,
                  Diagnostics &diags) const {
    std::string full = "usdt:" + path + ":" + p.provider + ":" + p.name;
    auto offset = symbols.file_offset(p.address);
    if (!offset) {
      diags.error(ap.loc, "USDT probe " + p.provider + ":" + p.name + " at " +
                              hex_address(p.address) + " is not in a loaded segment of " + path);
      return false;
    }
    ProbeTarget t;
    t.provider = "usdt";
    t.name = full;
    t.program_kind = ProgramKind::Kprobe;
    t.arg_source = ArgumentSource::Usdt;
    std::string error;
    if (!parse_usdt_arguments(p.arguments, t.usdt_args, &error)) {
      diags.error(ap.loc, full + ": " + error);
      return false;
    }
    for (auto &a : t.usdt_args) {
      if (a.symbol.empty())
        continue;
      // sym(%rip): the uprobe sees ip at the probe's own address, so the variable is at
      // ip + (sym - probe) whatever address the file is loaded at.
      auto sym = read_elf_data_symbol(path, a.symbol);
      if (!sym)
        if (const ElfFunction *f = symbols.find(a.symbol))
          sym = f->address;
      if (!sym) {
        diags.error(ap.loc, full + ": its argument refers to symbol '" + a.symbol + "', which " +
                                path + " does not define");
        return false;
      }
      a.value += static_cast<int64_t>(*sym - p.address);
      a.symbol.clear();
    }
    t.max_args = static_cast<int>(t.usdt_args.size());
    t.function = p.name;
    t.path = path;
    t.address = *offset;
    if (p.semaphore) {
      auto sem = symbols.file_offset(p.semaphore);
      if (!sem) {
        diags.error(ap.loc, full + ": its semaphore at " + hex_address(p.semaphore) +
                                " is not in a loaded segment of " + path);
        return false;
      }
      t.ref_ctr_offset = *sem;
    }
    t.note = "USDT " + p.provider + ":" + p.name + " at file offset " + hex_address(*offset) +
             (p.semaphore ? ", semaphore at file offset " + hex_address(t.ref_ctr_offset) : "") +
             ", arguments '" + p.arguments + "'";
    out.push_back(std::move(t));
    return true;
  }

  const ProviderSettings &settings_;
};

} // namespace

std::unique_ptr<ProbeProvider> make_usdt_provider(const ProviderSettings &settings) {
  return std::make_unique<UsdtProvider>(settings);
}

} // namespace bpfscope
