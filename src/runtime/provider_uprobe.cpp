// uprobe:PATH:FUNC and uretprobe:PATH:FUNC (aliases u, ur): user-space function entry and
// return. FUNC may be a glob, a C++ name (mangled, demangled, or demangled without parameters
// for every overload), NAME+OFFSET or a 0xADDRESS; PATH a path, a library name (`libc`) or an
// executable in $PATH. With -p, `uprobe:FUNC` searches the process's executable and libraries,
// and every probe fires for that process only. Attached through the perf uprobe PMU, so the
// kernel removes the probes when bpfscope exits, however it exits.
#include "runtime/binary_path.h"
#include "runtime/dwarf_args.h"
#include "runtime/elf_symbols.h"
#include "runtime/go_binary.h"
#include "runtime/hex_address.h"
#include "runtime/probe_provider.h"
#include "runtime/probed_files.h"
#include "runtime/process_maps.h"
#include "runtime/suggest.h"
#include "runtime/tracepoint_format.h"
#include "runtime/uprobe_attach.h"
#include "runtime/uprobe_spec.h"

#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <set>

namespace bpfscope {
namespace {

constexpr int kMaxUprobeArgs = 6; // x86-64 System V: rdi, rsi, rdx, rcx, r8, r9
constexpr int kMaxGoArgs = 9;     // Go's register ABI: ax, bx, cx, di, si, r8, r9, r10, r11

bool is_return_probe(const std::string &written) {
  return written == "uretprobe" || written == "ur";
}

std::string join_from(const std::vector<std::string> &parts, size_t first) {
  std::string s;
  for (size_t i = first; i < parts.size(); i++)
    s += (i > first ? ":" : "") + parts[i];
  return s;
}

class UprobeProvider : public ProbeProvider {
public:
  explicit UprobeProvider(const ProviderSettings &settings) : settings_(settings) {}

  std::string name() const override { return "uprobe"; }
  std::vector<std::string> aliases() const override { return {"u", "uretprobe", "ur"}; }

  bool resolve(const std::vector<std::string> &parts, const ast::AttachPoint &ap,
               std::vector<ProbeTarget> &out, Diagnostics &diags) override {
    const std::string kind = is_return_probe(parts[0]) ? "uretprobe" : "uprobe";
    const std::string usage = kind + ":PATH:FUNC (or " + kind + ":FUNC with -p PID)";
    if (parts.size() < 2) {
      diags.error(ap.loc, kind + " probe needs a function: " + usage);
      return false;
    }
    // A C++ name written without quotes was split at its "::": join it back.
    std::string binary = parts.size() == 2 ? "" : parts[1];
    std::string function = parts.size() == 2 ? parts[1] : join_from(parts, 2);
    UprobeFunctionSpec spec;
    std::string error;
    if (!parse_uprobe_function_spec(function, spec, &error)) {
      diags.error(ap.loc, "Invalid " + kind + " probe " + ap.raw + ": " + error, usage);
      return false;
    }

    std::vector<std::string> files;
    bool whole_process = binary.empty();
    if (!probed_files(binary, settings_.target_pid, ap, kind + ":" + function,
                      "write " + kind + ":PATH:" + function +
                          ", or give -p PID to search that process's executable and libraries",
                      kind, files, diags))
      return false;

    size_t before = out.size();
    std::vector<std::string> candidates;
    for (auto &file : files) {
      auto symbols = read_elf_symbols(file, &error);
      if (!symbols) {
        if (whole_process)
          continue; // e.g. a mapped file that is not ELF: not where the function is
        diags.error(ap.loc, kind + ": " + error);
        return false;
      }
      if (!add_targets(kind, spec, function, *symbols, ap, out, diags))
        return false;
      if (out.size() > before && whole_process && !has_glob_chars(function))
        break; // an exact name: the first object defining it, as the dynamic linker binds it
      for (auto &f : symbols->functions)
        candidates.push_back(strip_parameters(display_name(f)));
    }
    if (out.size() > before)
      return true;
    std::string where = whole_process ? "process " + std::to_string(settings_.target_pid) +
                                            " (its executable and libraries)"
                                      : files.front();
    std::string name = spec.kind == UprobeFunctionSpec::Kind::Address ? function : spec.name;
    if (has_glob_chars(name)) {
      diags.error(ap.loc, "No functions matching '" + name + "' in " + where,
                  "list them with: bpfscope -l '" + kind + ":" + files.front() + ":*'");
      return false;
    }
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    diags.error(ap.loc, "No function '" + name + "' in " + where,
                did_you_mean(closest_names(name, candidates, 3)));
    return false;
  }

  // `pattern` is the whole -l argument: "uprobe:PATH[:FUNCGLOB]".
  void list(const std::string &pattern, std::vector<std::string> &out) override {
    std::vector<std::string> parts = split_attach_point(pattern);
    if (parts.size() < 2)
      return; // listing every binary of the system is not on offer
    const std::string kind = is_return_probe(parts[0]) ? "uretprobe" : "uprobe";
    std::string glob = parts.size() >= 3 ? join_from(parts, 2) : "*";
    std::string error;
    auto path = find_binary(parts[1], &error);
    std::shared_ptr<const ElfSymbols> symbols;
    if (path)
      symbols = read_elf_symbols(*path, &error);
    if (!symbols) {
      std::cerr << "ERROR: " << kind << ": " << error << "\n";
      return;
    }
    std::set<std::string> names;
    for (auto &f : symbols->functions)
      if (glob_match(glob, f.name) || glob_match(glob, f.demangled))
        names.insert(display_name(f));
    for (auto &n : names)
      out.push_back(kind + ":" + *path + ":" + n);
  }

  // -lv: a uprobe's parameters as its DWARF declares them, "TYPE NAME" each.
  std::vector<std::string> details(const std::string &name) override {
    std::vector<std::string> parts = split_attach_point(name);
    if (parts.size() < 3 || is_return_probe(parts[0]))
      return {};
    std::string error;
    auto symbols = read_elf_symbols(parts[1], &error);
    const ElfFunction *f = symbols ? symbols->find(join_from(parts, 2)) : nullptr;
    if (!f)
      return {};
    if (!has_dwarf(parts[1])) {
      if (no_dwarf_warned_.insert(parts[1]).second)
        std::cerr << "WARNING: No DWARF found for " << parts[1] << ", cannot show parameter info\n";
      return {};
    }
    auto fn = read_dwarf_function(parts[1], f->name, &error);
    std::vector<std::string> lines;
    if (fn)
      for (auto &p : fn->parameters)
        lines.push_back(p.type_name + (p.name.empty() ? "" : " " + p.name));
    return lines;
  }

  bpf_prog_type program_type() const override { return BPF_PROG_TYPE_KPROBE; }

  bool attach(const ProbeTarget &target, int prog_fd, std::vector<Attachment> &out,
              std::string &error) override {
    bool retprobe = target.provider == "uretprobe" && !target.uprobe_at_return;
    int fd = open_uprobe_event(target.path, target.address, retprobe, settings_.target_pid, &error);
    if (!attach_opened_perf_event(prog_fd, fd, out, &error))
      return false;
    return true;
  }

private:
  std::optional<std::string> find_binary(const std::string &name, std::string *error) const {
    return find_probed_binary(name, settings_.target_pid, error);
  }

  ProbeTarget make_target(const std::string &kind, const ElfSymbols &symbols,
                          const std::string &shown, const std::string &function,
                          uint64_t file_offset) const {
    ProbeTarget t;
    t.provider = kind;
    t.name = kind + ":" + symbols.path + ":" + shown;
    t.program_kind = ProgramKind::Kprobe;
    t.arg_source = ArgumentSource::PtRegs;
    t.max_args = kMaxUprobeArgs;
    t.has_retval = kind == "uretprobe";
    t.function = function;
    t.path = symbols.path;
    t.address = file_offset;
    if (is_go_binary(symbols.path)) {
      t.arg_source = ArgumentSource::GoRegs;
      t.max_args = kMaxGoArgs;
    }
    return t;
  }

  // A uretprobe on a function of a Go binary: a plain uprobe on each of its RET instructions
  // (see runtime/go_binary.h), reading the return value from AX.
  bool add_go_return_targets(const ElfSymbols &symbols, const ElfFunction &f, uint64_t file_offset,
                             const ast::AttachPoint &ap, std::vector<ProbeTarget> &out,
                             Diagnostics &diags) const {
    std::string shown = display_name(f);
    std::string error;
    std::vector<uint8_t> code;
    std::vector<uint64_t> rets;
    if (f.size == 0) {
      error = "its symbol has no size";
    } else if (read_file_bytes(symbols.path, file_offset, f.size, code, &error)) {
      find_return_instructions(code, rets, &error);
    }
    if (!error.empty() || rets.empty()) {
      diags.error(ap.loc,
                  "Cannot place a uretprobe on Go function " + shown + " in " + symbols.path +
                      ": " + (error.empty() ? "it has no RET instruction" : error),
                  "kernel return probes crash Go programs whose stacks grow, so bpfscope "
                  "probes the function's RET instructions instead");
      return false;
    }
    for (uint64_t ret : rets) {
      ProbeTarget t = make_target("uretprobe", symbols, shown, shown, file_offset + ret);
      t.uprobe_at_return = true;
      t.note = "Go function " + shown + ": uprobe on its RET instruction at +" +
               std::to_string(ret) + " (file offset " + hex_address(file_offset + ret) +
               ") instead of a kernel uretprobe, retval from AX";
      out.push_back(std::move(t));
    }
    return true;
  }

  // Appends the targets `spec` selects in `symbols` (none is not an error here).
  bool add_targets(const std::string &kind, const UprobeFunctionSpec &spec,
                   const std::string &written, const ElfSymbols &symbols,
                   const ast::AttachPoint &ap, std::vector<ProbeTarget> &out,
                   Diagnostics &diags) const {
    if (spec.kind == UprobeFunctionSpec::Kind::Address) {
      auto offset = symbols.file_offset(spec.address);
      if (!offset) {
        diags.error(ap.loc,
                    "Address " + written + " is not in a loaded segment of " + symbols.path);
        return false;
      }
      const ElfFunction *f = symbols.containing(spec.address);
      std::string function =
          !f ? written
          : f->address == spec.address
              ? display_name(*f)
              : display_name(*f) + "+" + std::to_string(spec.address - f->address);
      if (kind == "uretprobe" && is_go_binary(symbols.path)) {
        diags.error(ap.loc, "uretprobe at an address is not supported in Go binary " + symbols.path,
                    "write the function's name: uretprobe:" + symbols.path + ":FUNCTION");
        return false;
      }
      out.push_back(make_target(kind, symbols, written, function, *offset));
      return true;
    }
    for (const ElfFunction *f : match_functions(symbols, spec.name)) {
      uint64_t vaddr = f->address;
      std::string shown = display_name(*f);
      if (spec.kind == UprobeFunctionSpec::Kind::NameOffset) {
        if (f->size > 0 && spec.offset >= f->size) {
          diags.error(ap.loc, "Offset " + std::to_string(spec.offset) + " is beyond the end of " +
                                  shown + " (" + std::to_string(f->size) + " bytes) in " +
                                  symbols.path);
          return false;
        }
        vaddr += spec.offset;
        shown += '+';
        shown += std::to_string(spec.offset);
      }
      auto offset = symbols.file_offset(vaddr);
      if (!offset) {
        diags.error(ap.loc, "Function " + display_name(*f) + " at " + hex_address(vaddr) +
                                " is not in a loaded segment of " + symbols.path);
        return false;
      }
      if (kind == "uretprobe" && is_go_binary(symbols.path)) {
        if (spec.kind == UprobeFunctionSpec::Kind::NameOffset) {
          diags.error(ap.loc,
                      "uretprobe at FUNCTION+OFFSET is not supported in Go binary " + symbols.path);
          return false;
        }
        if (!add_go_return_targets(symbols, *f, *offset, ap, out, diags))
          return false;
        continue;
      }
      out.push_back(make_target(kind, symbols, shown, display_name(*f), *offset));
      if (kind == "uprobe" && spec.kind == UprobeFunctionSpec::Kind::Name &&
          out.back().arg_source == ArgumentSource::PtRegs)
        out.back().dwarf_function = f->name; // read if the program uses args
      else
        out.back().args_error = "args (DWARF-typed arguments) are available only in uprobes "
                                "on a function's entry, not in " +
                                out.back().name;
      if (out.back().arg_source == ArgumentSource::GoRegs && kind == "uprobe" &&
          spec.kind == UprobeFunctionSpec::Kind::Name) {
        // Past the stack-growth check, so that a call that grows its stack (and restarts the
        // function from its first instruction) is seen once.
        std::vector<uint8_t> code;
        uint64_t skip = 0;
        if (f->size > 0 &&
            read_file_bytes(symbols.path, *offset, std::min<uint64_t>(f->size, 64), code, nullptr))
          skip = go_entry_after_stack_check(code);
        out.back().address += skip;
        out.back().note =
            "Go function " + shown + ": arguments from Go's register ABI" +
            (skip ? ", uprobe after its stack-growth check at +" + std::to_string(skip) +
                        " (file offset " + hex_address(*offset + skip) + ")"
                  : "");
      }
    }
    return true;
  }

  const ProviderSettings &settings_;
  std::set<std::string> no_dwarf_warned_; // -lv warns once per binary
};

} // namespace

std::unique_ptr<ProbeProvider> make_uprobe_provider(const ProviderSettings &settings) {
  return std::make_unique<UprobeProvider>(settings);
}

} // namespace bpfscope
