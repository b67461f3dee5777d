// Whether the running kernel lets a program of a given kind call the task kfuncs
// (bpf_task_from_pid / bpf_task_release) that comm(pid) uses. Which program types may call
// kfuncs changed over kernel releases (tracepoint and perf_event programs only since Linux 6.12;
// raw_tracepoint and kprobe programs, which BEGIN/END and uprobes are, not even on 6.18), so the
// kernel is asked: a tiny program calling them is loaded once per program type.
#pragma once

#include "parser/probe_target.h"

namespace bpfscope {

bool task_kfuncs_allowed(ProgramKind kind);

} // namespace bpfscope
