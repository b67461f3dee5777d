// Codegen: the typed AST and ProgramInfo -> one LLVM module -> BPF bytecode for each program.
//
// Maps are referenced by index, not by file descriptor: every map reference is an `ld_imm64`
// with src_reg BPF_PSEUDO_MAP_FD and the map's index as immediate, which the loader replaces by
// the real fd. Compiled bytecode therefore does not depend on the running process and can be
// cached.
#pragma once

#include "parser/ast.h"
#include "parser/diagnostics.h"
#include "parser/probe_target.h"
#include "parser/semantic.h"

#include <cstdint>
#include <string>
#include <vector>

namespace bpfscope {

// Maps the codegen adds after the script's own (whose indexes are their MapInfo::id).
struct InternalMaps {
  int ring_buffer = -1; // BPF_MAP_TYPE_RINGBUF carrying every event record
  int globals = -1;     // array of u64: [0] start time (ns), [1] lost events
  // BPF_MAP_TYPE_STACK_TRACE maps for kstack/ustack, parallel to ProgramInfo::stack_limits.
  std::vector<int> stacks;
  // BPF_MAP_TYPE_ARRAY of one element: a u64 per helper error site
  // (CompiledObject::helper_error_sites), the errno of that site's first failure (helper_errors.h).
  int helper_errors = -1;
  int helper_error_slots = 0; // CompiledObject::helper_error_sites.size()
  // BPF_MAP_TYPE_ARRAY with an element per possible CPU of `scratch_bytes`: the values too large
  // for the BPF stack (scratch_layout.h). Created only when a program uses it.
  int scratch = -1;
  int scratch_bytes = 0;
  int count() const {
    int before = globals + 1 + static_cast<int>(stacks.size());
    int n = helper_errors >= before ? helper_errors + 1 : before;
    return scratch >= n ? scratch + 1 : n;
  }
};
constexpr int kGlobalStartTime = 0;
constexpr int kGlobalLostEvents = 1;
// Clock offsets that user space measures when the run starts (not when the script is compiled,
// since a compiled object may come from the on-disk cache): nsecs(sw_tai)'s TAI minus the boot
// clock, and tseries()'s wall clock minus the boot clock.
constexpr int kGlobalSwTaiOffset = 2;
constexpr int kGlobalBootToWall = 3;
constexpr int kGlobalSlots = 4;

// Where a run of instructions came from in the script (only with CodegenOptions::line_info).
struct LineInfoEntry {
  uint32_t insn = 0; // the first instruction it applies to (until the next entry)
  int line = 0;      // as recorded in BTF (column: 10 bits)
  int col = 0;
  std::string file;  // the DIFile's name in BTF (SourceLines names one per source)
  SourceRange range; // the AST node that starts there, when known
};

struct CompiledProgram {
  std::string name;                // e.g. "tracepoint:syscalls:sys_enter_openat" (first target)
  int probe_index = 0;             // into Program::probes / ProgramInfo::probes
  std::vector<int> target_indices; // targets of that probe this program serves
  ProgramKind kind = ProgramKind::Special;
  std::vector<uint64_t> instructions;   // raw struct bpf_insn, 8 bytes each
  std::vector<LineInfoEntry> line_info; // in instruction order; empty unless asked for
};

// A call whose failure the probes report (helper_errors.h), with what the warning says.
struct HelperErrorSite {
  int helper = 0;    // BPF_FUNC_*
  int map_id = -1;   // the script's map it updates or deletes from
  SourceRange where; // the statement or expression that made the call
};

struct CompiledObject {
  std::vector<CompiledProgram> programs;
  InternalMaps internal;
  std::vector<HelperErrorSite> helper_error_sites; // by slot of InternalMaps::helper_errors
  std::string ir;                                  // textual LLVM IR, kept only when asked for (-d)
};

struct CodegenOptions {
  bool keep_ir = false;
  // Compile with debug info and fill CompiledProgram::line_info, naming `filename`. Used only
  // to explain a program the kernel refused (see runtime/verifier_location.h).
  bool line_info = false;
  // -k: report failures of the probe_read helpers and of map updates and deletes, not only
  // full maps.
  bool helper_errors = false;
  // Values larger than this many bytes live in the per-CPU scratch map (config on_stack_limit).
  uint64_t on_stack_limit = 32;
  std::string filename = "stdin";
};

// The BPF programs one probe compiles to, as lists of the target indices each serves: all
// targets of one kind share a program unless the body depends on which one fired.
std::vector<std::vector<int>> program_groups(const ProbeInfo &probe);

// Returns false (with diagnostics) when the program cannot be compiled.
bool compile_program(const ast::Program &program, const ProgramInfo &info,
                     const CodegenOptions &opts, CompiledObject &out, Diagnostics &diags);

} // namespace bpfscope
