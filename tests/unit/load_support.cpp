#include "load_support.h"

#include "runtime/loader.h"

#include <unistd.h>

namespace bpfscope::testing {

namespace {

bpf_prog_type type_for(ProgramKind kind, bpf_prog_type other_type) {
  switch (kind) {
  case ProgramKind::Tracepoint:
    return BPF_PROG_TYPE_TRACEPOINT;
  case ProgramKind::PerfEvent:
    return BPF_PROG_TYPE_PERF_EVENT;
  case ProgramKind::Kprobe:
    return BPF_PROG_TYPE_KPROBE;
  default:
    return other_type;
  }
}

} // namespace

std::string load_every_program(const ProgramInfo &info, const CompiledObject &object,
                               bpf_prog_type other_type, int max_map_keys) {
  MapSet maps;
  std::string error;
  if (!create_maps(info, object.internal, max_map_keys, maps, error))
    return error;
  for (auto &p : object.programs) {
    LoadAttributes attributes;
    attributes.type = type_for(p.kind, other_type);
    LoadResult r = load_program(p, attributes, maps.fds, false);
    if (r.fd < 0)
      return r.error;
    close(r.fd);
  }
  return "";
}

} // namespace bpfscope::testing
