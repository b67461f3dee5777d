#include "codegen/codegen.h"

#include "codegen/helper_errors.h"
#include "codegen/kfunc_calls.h"
#include "codegen/local_calls.h"
#include "codegen/probe_compiler.h"
#include "codegen/source_lines.h"

#include <algorithm>
#include <llvm/IR/DiagnosticInfo.h>
#include <llvm/IR/DiagnosticPrinter.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Verifier.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Object/ObjectFile.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>

#include <map>
#include <mutex>
#include <set>

extern "C" {
void LLVMInitializeBPFTargetInfo();
void LLVMInitializeBPFTarget();
void LLVMInitializeBPFTargetMC();
void LLVMInitializeBPFAsmPrinter();
}

namespace bpfscope {

namespace {

constexpr const char *kTriple = "bpfel-unknown-none";

llvm::TargetMachine *bpf_target_machine(std::string &error) {
  static std::once_flag once;
  std::call_once(once, [] {
    LLVMInitializeBPFTargetInfo();
    LLVMInitializeBPFTarget();
    LLVMInitializeBPFTargetMC();
    LLVMInitializeBPFAsmPrinter();
  });
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(kTriple, error);
  if (!target)
    return nullptr;
  llvm::TargetOptions options;
  // cpu v3: 32-bit jumps and ALU ops, supported since Linux 5.1; v4 (signed division) would
  // exclude the 6.1 kernels still common in production.
  return target->createTargetMachine(kTriple, "v3", "", options, llvm::Reloc::PIC_, std::nullopt,
                                     llvm::CodeGenOptLevel::Aggressive);
}

void optimise(llvm::Module &module, llvm::TargetMachine *tm) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PassBuilder pb(tm);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::ModulePassManager mpm = pb.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O2);
  mpm.run(module, mam);
}

std::string section_name(size_t index) { return "prog_" + std::to_string(index); }

// LLVM reports what the BPF backend cannot do (a stack over 512 bytes, a memset it cannot
// inline) through the context's diagnostic handler; without one it prints and exits. Collect
// them instead, to report against the probe that caused them.
struct BackendErrors {
  std::vector<std::string> messages;
  static void handle(const llvm::DiagnosticInfo *info, void *context) {
    if (info->getSeverity() != llvm::DS_Error)
      return;
    std::string text;
    llvm::raw_string_ostream os(text);
    llvm::DiagnosticPrinterRawOStream printer(os);
    info->print(printer);
    static_cast<BackendErrors *>(context)->messages.push_back(os.str());
  }
};

std::string backend_hint(const std::string &message) {
  if (message.find("stack") != std::string::npos || message.find("memset") != std::string::npos ||
      message.find("memcpy") != std::string::npos)
    return "the probe needs more than the 512 bytes of BPF stack: use fewer or shorter strings, "
           "tuples and map keys in one probe";
  return "";
}

} // namespace

std::vector<std::vector<int>> program_groups(const ProbeInfo &pi) {
  std::vector<std::vector<int>> groups;
  for (size_t t = 0; t < pi.targets.size(); t++) {
    const ProbeTarget &target = pi.targets[t];
    // BEGIN/END run separately; fentry-style programs are loaded for one BTF id each.
    // USDT sites each have their own argument locations.
    bool alone = pi.program_per_target || target.program_kind == ProgramKind::Special ||
                 target.program_kind == ProgramKind::Tracing ||
                 target.arg_source == ArgumentSource::Usdt;
    bool joined = false;
    if (!alone) {
      for (auto &g : groups) {
        const ProbeTarget &first = pi.targets[g[0]];
        if (first.program_kind == target.program_kind && first.provider == target.provider &&
            first.arg_source == target.arg_source) {
          g.push_back(static_cast<int>(t));
          joined = true;
          break;
        }
      }
    }
    if (!joined)
      groups.push_back({static_cast<int>(t)});
  }
  return groups;
}

bool compile_program(const ast::Program &program, const ProgramInfo &info,
                     const CodegenOptions &opts, CompiledObject &out, Diagnostics &diags) {
  std::string error;
  llvm::TargetMachine *tm = bpf_target_machine(error);
  if (!tm) {
    diags.error({}, "cannot set up LLVM's BPF target: " + error);
    return false;
  }
  std::unique_ptr<llvm::TargetMachine> owned_tm(tm);
  llvm::LLVMContext context;
  BackendErrors backend_errors;
  context.setDiagnosticHandlerCallBack(BackendErrors::handle, &backend_errors);
  llvm::Module module("bpfscope", context);
  module.setTargetTriple(kTriple);
  module.setDataLayout(tm->createDataLayout());
  HelperErrorSites error_sites(opts.helper_errors);
  std::unique_ptr<SourceLines> source_lines;
  if (opts.line_info)
    source_lines = std::make_unique<SourceLines>(module, opts.filename);

  out.internal.ring_buffer = static_cast<int>(info.maps.size());
  out.internal.globals = out.internal.ring_buffer + 1;
  for (size_t i = 0; i < info.stack_limits.size(); i++)
    out.internal.stacks.push_back(out.internal.globals + 1 + static_cast<int>(i));
  out.internal.helper_errors =
      out.internal.globals + 1 + static_cast<int>(out.internal.stacks.size());
  out.internal.scratch = out.internal.helper_errors + 1;

  for (size_t p = 0; p < program.probes.size(); p++) {
    const ProbeInfo &pi = info.probes[p];
    std::vector<std::vector<int>> groups = program_groups(pi);
    for (auto &group : groups) {
      const ProbeTarget &target = pi.targets[group[0]];
      CompiledProgram cp;
      cp.name = target.name;
      cp.probe_index = static_cast<int>(p);
      cp.target_indices = group;
      cp.kind = target.program_kind;
      std::string section = section_name(out.programs.size());
      ProbeCompiler compiler(module, info, out.internal, *program.probes[p], pi, target);
      compiler.set_source_lines(source_lines.get());
      compiler.set_helper_error_sites(&error_sites);
      compiler.set_on_stack_limit(opts.on_stack_limit);
      compiler.compile("fn_" + section, section);
      out.internal.scratch_bytes = std::max(out.internal.scratch_bytes, compiler.scratch_bytes());
      out.programs.push_back(std::move(cp));
    }
  }

  out.helper_error_sites = error_sites.take();
  out.internal.helper_error_slots = static_cast<int>(out.helper_error_sites.size());
  if (source_lines)
    source_lines->finish();
  std::string verify_errors;
  llvm::raw_string_ostream verify_stream(verify_errors);
  if (llvm::verifyModule(module, &verify_stream)) {
    if (opts.keep_ir)
      module.print(llvm::errs(), nullptr);
    diags.error({}, "internal error: generated LLVM IR is invalid: " + verify_errors);
    return false;
  }
  optimise(module, tm);
  if (opts.keep_ir) {
    llvm::raw_string_ostream ir(out.ir);
    module.print(ir, nullptr);
  }

  llvm::SmallVector<char, 0> object;
  {
    llvm::raw_svector_ostream os(object);
    llvm::legacy::PassManager pm;
    if (tm->addPassesToEmitFile(pm, os, nullptr, llvm::CodeGenFileType::ObjectFile)) {
      diags.error({}, "internal error: LLVM cannot emit BPF objects");
      return false;
    }
    pm.run(module);
  }
  if (!backend_errors.messages.empty()) {
    std::set<std::string> reported; // the backend repeats a complaint for every instruction
    for (const std::string &message : backend_errors.messages) {
      if (!reported.insert(message).second)
        continue;
      // Messages name the function ("in function fn_prog_3 ..."): point at its probe.
      SourceRange where;
      std::string probe_name;
      size_t at = message.find("fn_prog_");
      if (at != std::string::npos) {
        size_t index = std::strtoul(message.c_str() + at + 8, nullptr, 10);
        if (index < out.programs.size()) {
          where = program.probes[out.programs[index].probe_index]->loc;
          probe_name = out.programs[index].name;
        }
      }
      std::string text =
          message.substr(message.rfind(": ") == std::string::npos ? 0 : message.rfind(": ") + 2);
      text = text.substr(0, text.find('\n'));
      if (size_t sentence = text.find(". "); sentence != std::string::npos)
        text = text.substr(0, sentence + 1); // LLVM's advice about other targets is noise here
      diags.error(where, "cannot compile probe " + probe_name + ": " + text, backend_hint(message));
    }
    return false;
  }

  auto buffer = llvm::MemoryBufferRef(llvm::StringRef(object.data(), object.size()), "bpf");
  auto obj = llvm::object::ObjectFile::createObjectFile(buffer);
  if (!obj) {
    diags.error({},
                "internal error: cannot read the BPF object: " + llvm::toString(obj.takeError()));
    return false;
  }
  for (const auto &section : (*obj)->sections()) {
    auto name = section.getName();
    if (!name || !name->starts_with("prog_"))
      continue;
    size_t index = std::stoul(name->substr(5).str());
    auto contents = section.getContents();
    if (!contents || index >= out.programs.size()) {
      diags.error({}, "internal error: unreadable program section " + name->str());
      return false;
    }
    auto &insns = out.programs[index].instructions;
    insns.resize(contents->size() / 8);
    std::memcpy(insns.data(), contents->data(), insns.size() * 8);
    std::string link_error;
    if (!link_local_functions(section, insns, link_error)) {
      diags.error({}, "internal error: program " + name->str() + ": " + link_error);
      return false;
    }
    patch_kfunc_calls(insns, info);
  }
  if (source_lines) {
    std::map<std::string, std::vector<LineInfoEntry>> by_section;
    if (!read_line_info(**obj, by_section, error)) {
      diags.error({}, "internal error: " + error);
      return false;
    }
    for (size_t i = 0; i < out.programs.size(); i++) {
      auto &entries = out.programs[i].line_info;
      entries = std::move(by_section[section_name(i)]);
      for (auto &e : entries)
        e.range = source_lines->range_at(e.file, e.line, e.col);
    }
  }
  for (auto &p : out.programs) {
    if (p.instructions.empty()) {
      diags.error({}, "internal error: no code was generated for " + p.name);
      return false;
    }
  }
  return true;
}

} // namespace bpfscope
