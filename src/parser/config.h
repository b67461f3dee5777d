// The config variables of a run (bpftrace's "Config Variables"), in one place: their defaults,
// the `config = { key = value; ... }` block of a script, and the BPFTRACE_<KEY> / BPFSCOPE_<KEY>
// environment variables. As in bpftrace, a variable set in the environment wins over the same
// variable in the script's config block.
#pragma once

#include "parser/location.h"
#include "parser/semantic.h"

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace bpfscope {

struct RunConfig {
  // Honoured by bpfscope.
  int max_strlen = kDefaultMaxStrlen;
  // Values larger than this many bytes live off the BPF stack (codegen/scratch_layout.h).
  uint64_t on_stack_limit = 32;
  int max_map_keys = kDefaultMaxMapKeys;
  int max_probes = 1024;
  int max_bpf_progs = 1024;
  bool print_maps_on_exit = true;
  uint64_t perf_rb_pages = 0;   // 0: bpfscope's own ring buffer size
  uint64_t log_size = 4u << 20; // bpftrace: 1000000; bpfscope keeps its larger verifier log
  std::string license = "GPL";
  std::string missing_probes = "error"; // or warn, ignore (runtime/missing_probes.h)
  std::string stack_mode = "bpftrace";  // of kstack/ustack written without a mode
  // Accepted and validated; bpfscope behaves as with bpftrace's default whatever they say (a
  // warning tells when a script asks for something else).
  std::string str_trunc_trailer = "..";
  uint64_t max_cat_bytes = 10240;
  std::string cache_user_symbols = "PER_PID";
  bool cpp_demangle = true;
  bool lazy_symbolication = false;
  bool show_debug_info = true;
  std::string unstable_map_decl = "warn";
  std::string unstable_tseries = "warn";
  std::string unstable_addr = "warn";

  // Canonical names of the variables set by the environment (they win over the script), and of
  // every variable set at all.
  std::set<std::string> from_env;
  std::set<std::string> explicitly_set;
  std::vector<std::string> env_warnings; // about values from the environment

  // One line per variable, `name=value`, for the object cache key: a compiled object depends on
  // the configuration it was compiled with.
  std::string summary() const;
};

// A value as written in a config block: an integer, a bare word (true, perf, warn) or a string.
struct ConfigValue {
  enum class Kind { Integer, Word, String };
  Kind kind = Kind::Integer;
  uint64_t number = 0;
  std::string text; // the word or the decoded string
};

// One `key = value` of a config block, with its place in the script.
struct ConfigAssignment {
  std::string key; // as written
  ConfigValue value;
  SourceRange key_range;   // the key and the `=`, where bpftrace reports a bad assignment
  SourceRange value_range; // the value
};

// The canonical (lower-case, no BPFTRACE_ prefix) name for `key`, or "" when it is no config
// variable. `STACK_MODE`, `BPFTRACE_STACK_MODE` and `stack_mode` all name stack_mode.
std::string canonical_config_key(const std::string &key);

// Sets one variable. On failure returns false with bpftrace's message in `error` and whether
// the key itself (rather than its value) was wrong in `bad_key`.
// A value set but changed gives a `warning` (none does so today).
bool set_config(RunConfig &config, const std::string &key, const ConfigValue &value,
                std::string &error, bool &bad_key, std::string *warning = nullptr);

// Applies BPFSCOPE_<KEY> then BPFTRACE_<KEY> (the first set one) for every variable, and
// BPFTRACE_MAP_KEYS_MAX (bpftrace's older spelling of max_map_keys). False with a message for a
// bad value.
bool apply_config_env(RunConfig &config, std::string &error);

// Warnings for variables set to a value bpfscope does not act on (it behaves as with the
// default), one message each.
std::vector<std::string> config_not_honoured(const RunConfig &config);

} // namespace bpfscope
