#include "codegen/codegen.h"

#include "codegen/probe_compiler.h"

#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Verifier.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Object/ObjectFile.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>

#include <mutex>

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
  return target->createTargetMachine(kTriple, "v3", "", options, llvm::Reloc::PIC_,
                                     std::nullopt, llvm::CodeGenOptLevel::Aggressive);
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

} // namespace

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
  llvm::Module module("bpfscope", context);
  module.setTargetTriple(kTriple);
  module.setDataLayout(tm->createDataLayout());

  out.internal.ring_buffer = static_cast<int>(info.maps.size());
  out.internal.globals = out.internal.ring_buffer + 1;

  for (size_t p = 0; p < program.probes.size(); p++) {
    const ProbeInfo &pi = info.probes[p];
    // Targets served by one program: all of them, or one each when the body depends on which
    // target fired.
    std::vector<std::vector<int>> groups;
    for (size_t t = 0; t < pi.targets.size(); t++) {
      const ProbeTarget &target = pi.targets[t];
      // BEGIN/END run separately; fentry-style programs are loaded for one BTF id each.
      bool alone = pi.program_per_target || target.program_kind == ProgramKind::Special ||
                   target.program_kind == ProgramKind::Tracing;
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
    for (auto &group : groups) {
      const ProbeTarget &target = pi.targets[group[0]];
      CompiledProgram cp;
      cp.name = target.name;
      cp.probe_index = static_cast<int>(p);
      cp.target_indices = group;
      cp.kind = target.program_kind;
      std::string section = section_name(out.programs.size());
      ProbeCompiler compiler(module, info, out.internal, *program.probes[p], pi, target);
      compiler.compile("fn_" + section, section);
      out.programs.push_back(std::move(cp));
    }
  }

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

  auto buffer = llvm::MemoryBufferRef(llvm::StringRef(object.data(), object.size()), "bpf");
  auto obj = llvm::object::ObjectFile::createObjectFile(buffer);
  if (!obj) {
    diags.error({}, "internal error: cannot read the BPF object: " +
                        llvm::toString(obj.takeError()));
    return false;
  }
  for (const auto &section : (*obj)->sections()) {
    auto name = section.getName();
    if (!name || !name->starts_with("prog_"))
      continue;
    size_t index = std::stoul(name->substr(5).str());
    if (section.relocation_begin() != section.relocation_end()) {
      diags.error({}, "internal error: program " + name->str() +
                          " refers to global data, which the loader does not support");
      return false;
    }
    auto contents = section.getContents();
    if (!contents || index >= out.programs.size()) {
      diags.error({}, "internal error: unreadable program section " + name->str());
      return false;
    }
    auto &insns = out.programs[index].instructions;
    insns.resize(contents->size() / 8);
    std::memcpy(insns.data(), contents->data(), insns.size() * 8);
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
