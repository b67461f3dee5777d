#include "runtime/session.h"

#include "runtime/clock_offsets.h"

#include "runtime/format_printf.h"
#include "runtime/format_value.h"
#include "runtime/helper_error_report.h"
#include "runtime/loader.h"
#include "runtime/map_reader.h"
#include "runtime/printf_actions.h"
#include "runtime/ring_reader.h"
#include "runtime/stack_format.h"
#include "runtime/user_symbols.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <iostream>
#include <thread>

namespace bpfscope {

namespace {

std::atomic<bool> g_stop{false};

uint64_t monotonic_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ULL + ts.tv_nsec;
}

struct EventContext {
  const ProgramInfo *info;
  const MapSet *maps;
  Output *output;
  bool exit_requested = false;
  bool probes_live = false;            // set while the event loop runs with probes attached
  int exit_status = 0;                 // from exit(code)
  std::vector<PreparedFormat> printfs; // by printf id, parsed once
  std::string line;                    // reused for every printf record
  uint64_t max_cat_bytes = 0;          // SessionOptions::max_cat_bytes
};

void print_map(const EventContext &ec, int map_id, size_t top, uint64_t div) {
  const MapInfo &mi = ec.info->maps[map_id];
  PrintableMap pm;
  std::string error;
  if (!read_map(ec.maps->fds[map_id], mi, pm, error)) {
    std::cerr << "ERROR: " << error << "\n";
    return;
  }
  ec.output->map(pm, top, div);
}

// Returned from the ring buffer callback to make the reader stop consuming.
constexpr int kStopConsuming = -ECANCELED;
// How long the reader sleeps at most while probes print: their records wake it only once per
// 64 KiB of unread data, so this bounds how late a line of a slow trickle appears.
constexpr int kBatchedPollTimeoutMs = 10;

void handle_record(EventContext &ec, const void *data, size_t size);

int handle_event(void *ctx, void *data, size_t size) {
  auto &ec = *static_cast<EventContext *>(ctx);
  handle_record(ec, data, size);
  // While probes run, a stop request must end the loop even if records keep coming (a printf
  // on every write() feeds itself with our own output). the reader has already consumed this record
  // when told to stop, so it is handled first; the final drains after detaching are finite.
  if (ec.probes_live && (g_stop || ec.exit_requested))
    return kStopConsuming;
  return 0;
}

void handle_record(EventContext &ec, const void *data, size_t size) {
  if (size < kEventHeaderSize)
    return;
  const auto *bytes = static_cast<const uint8_t *>(data);
  uint32_t kind, id;
  std::memcpy(&kind, bytes, 4);
  std::memcpy(&id, bytes + 4, 4);
  const uint8_t *payload = bytes + kEventHeaderSize;
  const ProgramInfo &info = *ec.info;
  switch (static_cast<EventKind>(kind)) {
  case EventKind::Printf: {
    if (id >= info.printfs.size())
      break;
    if (ec.printfs.size() != info.printfs.size()) {
      ec.printfs.clear();
      for (const PrintfInfo &pi : info.printfs)
        ec.printfs.emplace_back(pi.format, pi.args);
    }
    ec.line.clear();
    ec.printfs[id].append(ec.line, payload, size - kEventHeaderSize);
    if (!info.printfs[id].json_type.empty() && ec.output->json()) { // errorf/warnf
      const PrintfInfo &p = info.printfs[id];
      ec.output->json_message(p.json_type, ec.line, "", p.where_file, p.where_line, p.where_col);
      break;
    }
    if (!info.printfs[id].stderr_prefix.empty()) { // errorf/warnf
      std::cerr << info.printfs[id].stderr_prefix << ec.line
                << (ec.line.empty() || ec.line.back() != '\n' ? "\n" : "") << std::flush;
      break;
    }
    if (info.printfs[id].action != PrintfAction::Print) { // cat(), system()
      run_printf_action(info.printfs[id].action, ec.line, *ec.output, ec.max_cat_bytes);
      break;
    }
    ec.output->printf_text(ec.line);
    break;
  }
  case EventKind::PrintValue:
    if (id < info.value_prints.size())
      ec.output->value(info.value_prints[id], payload);
    break;
  case EventKind::Time:
    if (id < info.time_formats.size())
      ec.output->time(format_time(info.time_formats[id]));
    break;
  case EventKind::PrintMap:
    if (id < info.map_prints.size()) {
      const MapPrintInfo &mp = info.map_prints[id];
      print_map(ec, mp.map_id, mp.top, mp.div);
    }
    break;
  case EventKind::ClearMap:
    if (id < info.maps.size())
      clear_map(ec.maps->fds[id], info.maps[id]);
    break;
  case EventKind::ZeroMap:
    if (id < info.maps.size())
      zero_map(ec.maps->fds[id], info.maps[id]);
    break;
  case EventKind::Join:
    if (id < info.join_separators.size())
      print_join(info.join_separators[id], static_cast<size_t>(info.join_arg_size), payload,
                 size - kEventHeaderSize, *ec.output);
    break;
  case EventKind::Exit:
    if (!ec.exit_requested && size >= kEventHeaderSize + 8) {
      int64_t status;
      std::memcpy(&status, payload, 8);
      ec.exit_status = static_cast<int>(status);
    }
    ec.exit_requested = true;
    break;
  }
}

// Closing a tracepoint's perf event waits for an RCU grace period (~0.1 s). Closed one after
// another, 360 syscall tracepoints took 36 s to detach; closed from several threads at once, the
// waits overlap and share grace periods.
void detach_all(std::vector<Attachment> &list) {
  constexpr size_t kPerThread = 8;
  if (list.size() <= kPerThread) {
    for (auto &a : list)
      close_attachment(a);
    return;
  }
  std::vector<std::thread> threads;
  for (size_t start = 0; start < list.size(); start += kPerThread) {
    size_t end = std::min(list.size(), start + kPerThread);
    threads.emplace_back([&list, start, end] {
      for (size_t i = start; i < end; i++)
        close_attachment(list[i]);
    });
  }
  for (auto &t : threads)
    t.join();
}

const char *program_type_name(bpf_prog_type t) {
  switch (t) {
  case BPF_PROG_TYPE_TRACEPOINT:
    return "tracepoint";
  case BPF_PROG_TYPE_PERF_EVENT:
    return "perf_event";
  case BPF_PROG_TYPE_RAW_TRACEPOINT:
    return "raw_tracepoint";
  case BPF_PROG_TYPE_KPROBE:
    return "kprobe";
  case BPF_PROG_TYPE_TRACING:
    return "tracing";
  default:
    return "other";
  }
}

// Runs a BEGIN/END program once, in this process's context.
bool run_once(int prog_fd, std::string &error) {
  uint64_t args[1] = {0};
  LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = args, .ctx_size_in = sizeof(args));
  if (bpf_prog_test_run_opts(prog_fd, &opts) != 0) {
    error = std::string("cannot run the program: ") + strerror(errno);
    return false;
  }
  return true;
}

struct LoadedProgram {
  const CompiledProgram *compiled;
  ProbeProvider *provider;
  int fd = -1;
};

} // namespace

void request_stop() { g_stop = true; }

int run_session(const ast::Program &program, const ProgramInfo &info, const CompiledObject &object,
                ProviderRegistry &providers, Output &output, const SessionOptions &opts) {
  (void)program;
  MapSet maps;
  std::string error;
  if (!create_maps(info, object.internal, opts.max_map_keys, maps, error, opts.ring_buffer_bytes)) {
    std::cerr << "ERROR: " << error << "\n";
    return 1;
  }
  // Printing a kstack/ustack value reads its frames from these maps (see stack_format.h).
  struct StackMaps {
    StackMaps(const ProgramInfo &info, const InternalMaps &internal, const MapSet &maps) {
      for (size_t i = 0; i < internal.stacks.size(); i++)
        register_stack_map(info.stack_limits[i], maps.fds[internal.stacks[i]]);
    }
    ~StackMaps() { reset_stack_maps(); }
  } stack_maps{info, object.internal, maps};
  uint32_t start_slot = kGlobalStartTime;
  uint64_t start = monotonic_ns();
  bpf_map_update_elem(maps.fds[object.internal.globals], &start_slot, &start, BPF_ANY);
  // Measured now, before any program runs, rather than baked into the (possibly cached) object.
  const std::pair<uint32_t, int64_t> offsets[] = {{kGlobalSwTaiOffset, sw_tai_offset()},
                                                  {kGlobalBootToWall, boot_to_wall_offset()}};
  for (const auto &[slot, value] : offsets)
    bpf_map_update_elem(maps.fds[object.internal.globals], &slot, &value, BPF_ANY);

  std::vector<LoadedProgram> loaded;
  struct CloseAll {
    std::vector<LoadedProgram> &progs;
    ~CloseAll() {
      for (auto &p : progs)
        if (p.fd >= 0)
          close(p.fd);
    }
  } close_programs{loaded};

  for (const CompiledProgram &cp : object.programs) {
    const ProbeTarget &first = info.probes[cp.probe_index].targets[cp.target_indices[0]];
    ProbeProvider *provider = providers.find(first.provider);
    LoadAttributes attributes = provider->load_attributes(first);
    attributes.license = opts.license;
    attributes.log_size = opts.log_size;
    LoadResult r = load_program(cp, attributes, maps.fds, opts.dump_verifier_log);
    if (opts.dump_verifier_log && !r.log.empty())
      std::cerr << "Verifier log for " << cp.name << ":\n" << r.log << "\n";
    if (r.fd < 0) {
      size_t index = static_cast<size_t>(&cp - object.programs.data());
      std::cerr << explain_rejection(index, r, attributes, maps.fds, opts.rejection);
      return 1;
    }
    if (opts.verbose) {
      std::cerr << "Program " << cp.name << ": type " << program_type_name(attributes.type) << ", "
                << cp.instructions.size() << " instructions\n";
      for (int t : cp.target_indices)
        if (const std::string &note = info.probes[cp.probe_index].targets[t].note; !note.empty())
          std::cerr << "  " << note << "\n";
    }
    loaded.push_back({&cp, provider, r.fd});
  }
  if (opts.dry_run)
    return 0;

  std::vector<Attachment> attachments;
  struct DetachAll {
    std::vector<Attachment> &list;
    void now() {
      detach_all(list);
      list.clear();
    }
    ~DetachAll() { now(); }
  } detach{attachments};

  // BEGIN runs before any other probe is attached (so that its output, typically a header,
  // comes first) and END after all of them are detached, as in bpftrace.
  struct PendingAttach {
    ProbeProvider *provider;
    const ProbeTarget *target;
    int fd;
  };
  std::vector<PendingAttach> pending;
  std::vector<int> begin_fds, end_fds;
  for (auto &lp : loaded) {
    const ProbeInfo &pi = info.probes[lp.compiled->probe_index];
    for (int t : lp.compiled->target_indices) {
      const ProbeTarget &target = pi.targets[t];
      if (target.provider == "BEGIN")
        begin_fds.push_back(lp.fd);
      else if (target.provider == "END")
        end_fds.push_back(lp.fd);
      else
        pending.push_back({lp.provider, &target, lp.fd});
    }
  }

  EventContext ec{&info, &maps, &output, false, false, 0, {}, {}, opts.max_cat_bytes};
  std::unique_ptr<RingReader> rb =
      RingReader::open(maps.fds[object.internal.ring_buffer], handle_event, &ec);
  if (!rb) {
    std::cerr << "ERROR: cannot read the event ring buffer: " << strerror(errno) << "\n";
    return 1;
  }
  // Helper failures the probes recorded: warned about at every wake-up, after the output
  // printed before them.
  HelperErrorReporter helper_errors(
      object.internal.helper_errors >= 0 ? maps.fds[object.internal.helper_errors] : -1,
      object.helper_error_sites, info, opts.rejection.source, opts.max_map_keys);
  auto report_helper_errors = [&] {
    helper_errors.report(
        std::cerr, [&] { output.flush(); }, output.json() ? &output : nullptr);
  };

  // "Attached N probes" means every probe is live: a user (or a test) may start the workload
  // as soon as it appears. With nothing to attach after BEGIN, it comes first, as in bpftrace.
  const size_t probe_count = pending.size() + begin_fds.size() + end_fds.size();
  if (pending.empty())
    output.attached_probes(probe_count);
  for (int fd : begin_fds) {
    if (!run_once(fd, error)) {
      std::cerr << "ERROR: BEGIN: " << error << "\n";
      return 1;
    }
  }
  rb->consume();
  output.end_batch();
  report_helper_errors();

  if (!ec.exit_requested && !g_stop) {
    // For the tests only: BPFSCOPE_TEST_FAIL_ATTACH=N makes the Nth attach fail, as a probe that
    // vanished since it was resolved would (tests/e2e/runtime_faults.sh).
    const char *fail_env = getenv("BPFSCOPE_TEST_FAIL_ATTACH");
    size_t fail_at = fail_env ? strtoul(fail_env, nullptr, 10) : 0;
    size_t attempt = 0;
    for (auto &p : pending) {
      bool injected = ++attempt == fail_at;
      if (injected)
        error = "injected failure (BPFSCOPE_TEST_FAIL_ATTACH)";
      if (injected || !p.provider->attach(*p.target, p.fd, attachments, error)) {
        std::cerr << "ERROR: cannot attach " << p.target->name << ": " << error << "\n";
        return 1; // DetachAll releases what was attached so far
      }
    }
  }
  if (!pending.empty())
    output.attached_probes(probe_count);

  // The child's user stacks are named when printed, often after it has exited: its memory map
  // is copied right after its exec (before it runs), then at every wake-up while it runs.
  auto remember_child = [](int pid) { remember_process_memory_map(pid, false); };
  if (opts.child && !ec.exit_requested && !g_stop && !opts.child->release(&error, remember_child)) {
    std::cerr << "ERROR: -c: " << error << "\n";
    return 1;
  }
  // With -p, the target's exit ends the run like the child's: a pidfd becomes readable when the
  // process exits (zombies included). Without pidfd_open, kill(pid, 0) tells the same, later.
  int target_pidfd = -1;
  if (opts.target_pid > 0)
    target_pidfd = static_cast<int>(syscall(SYS_pidfd_open, opts.target_pid, 0));
  auto target_exited = [&]() {
    if (opts.target_pid <= 0)
      return false;
    if (target_pidfd >= 0) {
      struct pollfd pfd = {target_pidfd, POLLIN, 0};
      return poll(&pfd, 1, 0) > 0;
    }
    return kill(opts.target_pid, 0) != 0 && errno == ESRCH;
  };
  if (!info.only_special_probes || opts.child) {
    // With -c, the child's exit ends the run (noticed within one poll period, shorter then).
    // printf records from probes do not wake the reader one by one (see submit_flags in
    // probe_compiler.cpp): the timeout is then how long a trickle of lines may wait.
    const int poll_timeout_ms = info.prints_from_probes ? kBatchedPollTimeoutMs
                                : opts.child            ? 10
                                                        : 100;
    while (!ec.exit_requested && !g_stop && !(opts.child && opts.child->exited()) &&
           !target_exited()) {
      if (opts.child)
        remember_process_memory_map(static_cast<uint32_t>(opts.child->pid()), true);
      ec.probes_live = true;
      int n = rb->poll(poll_timeout_ms);
      // A timeout reads nothing: read what arrived without a wake-up.
      if (n == 0 && info.prints_from_probes)
        n = rb->consume();
      ec.probes_live = false;
      output.end_batch();
      report_helper_errors();
      if (n < 0 && n != -EINTR && n != kStopConsuming) {
        std::cerr << "ERROR: reading events: " << strerror(-n) << "\n";
        break;
      }
    }
  }
  if (target_pidfd >= 0)
    close(target_pidfd);
  // Stop the probes first so that the maps printed are the ones END sees.
  detach.now();
  rb->consume();
  for (int fd : end_fds) {
    if (!run_once(fd, error))
      std::cerr << "ERROR: END: " << error << "\n";
  }
  rb->consume();
  report_helper_errors();

  std::vector<const MapInfo *> sorted;
  if (opts.print_maps_on_exit) {
    output.exit_separator();
    for (auto &m : info.maps)
      sorted.push_back(&m);
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const MapInfo *a, const MapInfo *b) { return a->name < b->name; });
  for (const MapInfo *m : sorted)
    print_map(ec, m->id, 0, 1);

  uint32_t lost_slot = kGlobalLostEvents;
  uint64_t lost = 0;
  if (bpf_map_lookup_elem(maps.fds[object.internal.globals], &lost_slot, &lost) == 0 && lost)
    output.lost_events(lost);
  output.flush();
  return ec.exit_status;
}

} // namespace bpfscope
