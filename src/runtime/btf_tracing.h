// What fentry/fexit and tp_btf programs have in common (BPF_PROG_TYPE_TRACING, context = the
// arguments as an array of u64, attach target fixed at load time by a BTF id): building their
// ProbeTarget from a BtfFunction, their load attributes, attaching them, and finding out whether
// this kernel accepts fentry programs at all. Used by the fentry, kprobe (fallback) and
// rawtracepoint providers.
#pragma once

#include "runtime/kernel_btf.h"
#include "runtime/probe_provider.h"

#include <string>
#include <vector>

namespace bpfscope {

// Fills `t` for a program on `f`: Tracing kind, args.NAME fields at offset 8*i, arg0..N,
// `func`, the BTF id (and module BTF fd). `with_retval` (fexit) adds `retval`, the slot after the
// arguments.
void fill_btf_tracing_target(const BtfFunction &f, bool with_retval, ProbeTarget &t);

// BPF_PROG_TYPE_TRACING with `attach_type` (BPF_TRACE_FENTRY/FEXIT/RAW_TP) on t.btf_id.
LoadAttributes btf_tracing_load_attributes(const ProbeTarget &t, bpf_attach_type attach_type);

// Attaches a loaded tracing program to the target it was loaded for (a BPF link).
bool attach_btf_tracing(int prog_fd, std::vector<Attachment> &out, std::string &error);

// "" when this kernel loads an fentry program on `f`, else why not ("Operation not permitted").
// Tries once per function and process, with a two-instruction program.
std::string fentry_refusal(const BtfFunction &f);

// Whether this kernel runs fentry programs at all (tried on one well-known function), for `-l`:
// what cannot be attached is not listed.
bool fentry_works();

} // namespace bpfscope
