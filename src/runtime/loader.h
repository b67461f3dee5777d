// Creates the BPF maps a program needs and loads its compiled programs into the kernel,
// patching each map reference (an index, see codegen.h) into the map's file descriptor.
#pragma once

#include "codegen/codegen.h"
#include "parser/semantic.h"

#include <linux/bpf.h>

#include <string>
#include <vector>

namespace bpfscope {

// Event ring buffer sizes: large when probes print on every event (bursts must not be lost),
// small otherwise (the buffer's pages are resident for the whole run).
constexpr uint32_t kRingBufferBytes = 8u << 20;
constexpr uint32_t kSmallRingBufferBytes = 256u << 10;

struct MapSet {
  std::vector<int> fds; // by map index: the script's maps, then the internal ones
  ~MapSet();
  MapSet() = default;
  MapSet(const MapSet &) = delete;
  MapSet &operator=(const MapSet &) = delete;
};

// `ring_buffer_bytes`: the event ring buffer's size (a power of 2 pages); 0 for the default.
bool create_maps(const ProgramInfo &info, const InternalMaps &internal, int max_map_keys,
                 MapSet &maps, std::string &error, uint32_t ring_buffer_bytes = 0);

struct LoadResult {
  int fd = -1;
  std::string error; // verifier excerpt and a hint, when fd < 0
  std::string log;   // the whole verifier log, when one was produced
  // The parts of `error`, for callers that render it around a script location.
  std::string summary;  // "the kernel's verifier rejected the program for probe P (errno)"
  std::string log_tail; // the log's last lines, indented
  std::string hint;
};

// What the kernel must know about a program beyond its type (fentry/fexit and tp_btf need their
// attach target at load time).
struct LoadAttributes {
  bpf_prog_type type = BPF_PROG_TYPE_UNSPEC;
  bpf_attach_type expected_attach_type = static_cast<bpf_attach_type>(0);
  int attach_btf_id = 0;
  int attach_btf_obj_fd = 0;
  // Config variables license and log_size (the verifier log buffer).
  std::string license = "GPL";
  uint32_t log_size = 4u << 20;
};

LoadResult load_program(const CompiledProgram &program, const LoadAttributes &attributes,
                        const std::vector<int> &map_fds, bool want_log);

// A sentence telling a user what to change, for the verifier's usual complaints; "" otherwise.
std::string verifier_hint(const std::string &log);

} // namespace bpfscope
