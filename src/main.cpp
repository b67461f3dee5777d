// The command line: options -> read the script -> parse -> analyse -> compile -> run.
#include "codegen/codegen.h"
#include "parser/parse.h"
#include "parser/script.h"
#include "parser/semantic.h"
#include "runtime/btf_types.h"
#include "runtime/capabilities.h"
#include "runtime/child_process.h"
#include "runtime/dwarf_args.h"
#include "runtime/elf_symbols.h"
#include "runtime/format_printf.h"
#include "runtime/format_value.h"
#include "runtime/kernel_btf.h"
#include "runtime/kernel_symbols.h"
#include "runtime/missing_probes.h"
#include "runtime/object_cache.h"
#include "runtime/output.h"
#include "runtime/pid_namespace.h"
#include "runtime/probe_details.h"
#include "runtime/probe_provider.h"
#include "runtime/process_maps.h"
#include "runtime/run_limits.h"
#include "runtime/session.h"
#include "runtime/stack_format.h"
#include "runtime/task_kfuncs_allowed.h"
#include "runtime/task_offsets.h"
#include "runtime/tracefs.h"
#include "runtime/user_symbols.h"

#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <sstream>
#include <sys/stat.h>

using namespace bpfscope;

namespace {

constexpr const char *kVersion = "bpfscope v0.1.0";

void usage(std::ostream &out) {
  out << "USAGE:\n"
         "    bpfscope [options] FILENAME [ARG...]\n"
         "    bpfscope [options] -e 'program' [ARG...]\n"
         "    bpfscope [options] FILENAME [ARG...] -- [--NAME=VALUE | --NAME | ARG]...\n"
         "    bpfscope -l [SEARCH]\n"
         "\n"
         "OPTIONS:\n"
         "    -e PROGRAM     run PROGRAM (use '-' as FILENAME to read it from stdin)\n"
         "    -l [SEARCH]    list probes matching SEARCH (a glob, e.g. 'tracepoint:sched:*')\n"
         "    -f FORMAT      output format: text (default) or json\n"
         "    -o FILE        write the script's output to FILE\n"
         "    -q             quiet: do not print 'Attached N probes'\n"
         "    -v             verbose: program types, instruction counts, phase timings\n"
         "    -d STAGE       debug output: ast, ir, verifier or all\n"
         "    -k             warn when a probe_read or map helper fails, at the call's location\n"
         "    -B MODE        output buffering: line (default), full or none\n"
         "    -p PID         trace only process PID (uprobe:FUNC then searches its binaries)\n"
         "    -c 'CMD'       run CMD, trace it (cpid = its pid), exit when it exits\n"
         "    --dry-run      compile and load the programs, attach nothing\n"
         "    --no-cache     compile even when a cached object exists, and store none\n"
         "    --unsafe       allow unsafe functions (system, signal, signal_thread)\n"
         "    -h, --help     show this help\n"
         "    -V, --version  print the version\n"
         "\n"
         "EXAMPLES:\n"
         "    bpfscope -e 'tracepoint:syscalls:sys_enter_openat { @[comm] = count(); }'\n"
         "    bpfscope -e 'BEGIN { printf(\"hello\\n\"); exit(); }'\n";
}

void on_signal(int) { request_stop(); }

void install_signal_handlers() {
  struct sigaction sa;
  std::memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  // No SA_RESTART: the event loop's poll must return at once to stop.
  for (int sig : {SIGINT, SIGTERM, SIGHUP})
    sigaction(sig, &sa, nullptr);
}

bool read_file(const std::string &path, std::string &out, std::string &error) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    error = "cannot read " + path + ": " + strerror(errno);
    return false;
  }
  if (S_ISDIR(st.st_mode)) {
    error = "cannot read " + path + ": it is a directory";
    return false;
  }
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = "cannot read " + path + ": " + strerror(errno);
    return false;
  }
  out.clear();
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      error = "cannot read " + path + ": " + strerror(errno);
      close(fd);
      return false;
    }
    if (n == 0)
      break;
    out.append(buf, n);
  }
  close(fd);
  return true;
}

struct Timer {
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  double lap_ms() {
    auto now = std::chrono::steady_clock::now();
    double ms = std::chrono::duration<double, std::milli>(now - start).count();
    start = now;
    return ms;
  }
};

} // namespace

int main(int argc, char **argv) {
  std::string program_text, filename;
  bool have_program = false, list_mode = false, verbose = false, quiet = false, dry_run = false;
  bool json = false, want_ast = false, dump_ir = false, dump_verifier = false;
  bool helper_errors = false; // -k
  std::string output_path, buffering = "line";
  std::string child_command;
  bool have_child = false;
  int target_pid = 0;

  enum { kDryRun = 1000, kNoCache, kUnsafe };
  bool unsafe = false;
  bool use_cache = true;
  static const option long_options[] = {
      {"help", no_argument, nullptr, 'h'},        {"version", no_argument, nullptr, 'V'},
      {"dry-run", no_argument, nullptr, kDryRun}, {"no-cache", no_argument, nullptr, kNoCache},
      {"unsafe", no_argument, nullptr, kUnsafe},  {nullptr, 0, nullptr, 0}};
  opterr = 0;
  int c;
  // '+': stop at the first non-option, so that script arguments may look like options.
  while ((c = getopt_long(argc, argv, "+e:lvqkd:o:f:B:p:c:hV", long_options, nullptr)) != -1) {
    switch (c) {
    case 'e':
      program_text = optarg;
      filename = "stdin";
      have_program = true;
      break;
    case 'l':
      list_mode = true;
      break;
    case 'v':
      verbose = true;
      break;
    case 'q':
      quiet = true;
      break;
    case 'k':
      helper_errors = true;
      break;
    case 'd': {
      std::string stage = optarg;
      if (stage == "ast" || stage == "all")
        want_ast = true;
      if (stage == "ir" || stage == "codegen" || stage == "all")
        dump_ir = true;
      if (stage == "verifier" || stage == "all")
        dump_verifier = true;
      if (!want_ast && !dump_ir && !dump_verifier) {
        std::cerr << "ERROR: -d: unknown stage '" << stage
                  << "' (expected ast, ir, verifier or all)\n";
        return 1;
      }
      break;
    }
    case 'o':
      output_path = optarg;
      break;
    case 'f':
      if (std::string(optarg) == "json")
        json = true;
      else if (std::string(optarg) != "text") {
        std::cerr << "ERROR: -f: unknown output format '" << optarg
                  << "' (expected text or json)\n";
        return 1;
      }
      break;
    case 'B':
      buffering = optarg;
      if (buffering != "line" && buffering != "full" && buffering != "none") {
        std::cerr << "ERROR: -B: unknown buffering mode '" << buffering
                  << "' (expected line, full or none)\n";
        return 1;
      }
      break;
    case kDryRun:
      dry_run = true;
      break;
    case kNoCache:
      use_cache = false;
      break;
    case kUnsafe:
      unsafe = true;
      break;
    case 'p': {
      char *end = nullptr;
      long pid = std::strtol(optarg, &end, 10);
      if (!*optarg || *end || pid <= 0 || pid > INT32_MAX) {
        std::cerr << "ERROR: -p: invalid process id '" << optarg << "'\n";
        return 1;
      }
      if (!process_exists(static_cast<int>(pid))) {
        std::cerr << "ERROR: -p: no process with pid " << pid << "\n";
        return 1;
      }
      target_pid = static_cast<int>(pid);
      break;
    }
    case 'c':
      child_command = optarg;
      have_child = true;
      break;
    case 'h':
      usage(std::cout);
      return 0;
    case 'V':
      std::cout << kVersion << "\n";
      return 0;
    case '?':
    default:
      if (optopt && strchr("eodfBpc", optopt))
        std::cerr << "ERROR: option -" << static_cast<char>(optopt) << " requires an argument\n";
      else if (optopt)
        std::cerr << "ERROR: unknown option -" << static_cast<char>(optopt) << "\n";
      else
        std::cerr << "ERROR: unknown option " << argv[optind - 1] << "\n";
      usage(std::cerr);
      return 1;
    }
  }

  ProviderRegistry providers;
  if (list_mode) {
    std::string pattern = optind < argc ? argv[optind] : "";
    for (auto &name : providers.list(pattern)) {
      std::cout << name << "\n";
      if (verbose) { // -lv: the arguments too (uprobes: from DWARF; fentry & co: from BTF)
        std::vector<std::string> lines = providers.details(name);
        for (auto &line : lines)
          std::cout << "    " << line << "\n";
        if (lines.empty())
          std::cout << probe_details(name);
      }
    }
    return 0;
  }

  if (!have_program) {
    if (optind >= argc) {
      std::cerr << "ERROR: no program given: pass a FILENAME or -e 'program'\n";
      usage(std::cerr);
      return 1;
    }
    filename = argv[optind++];
    std::string error;
    if (filename == "-") {
      std::ostringstream ss;
      ss << std::cin.rdbuf();
      program_text = ss.str();
      filename = "stdin";
    } else if (!read_file(filename, program_text, error)) {
      std::cerr << "ERROR: " << error << "\n";
      return 1;
    }
  }
  SemanticOptions sema_opts;
  if (target_pid > 0) {
    sema_opts.process.filter_pid = target_pid;
    providers.set_target_pid(target_pid);
  }
  PidNamespace pidns = current_pid_namespace();
  if (!pidns.initial) {
    sema_opts.process.pidns_dev = pidns.dev;
    sema_opts.process.pidns_ino = pidns.ino;
  }
  // After the script: positional parameters, and after a `--` also named ones (getopt).
  ScriptInput script_input;
  script_input.filename = filename;
  {
    std::string error;
    std::vector<std::string> args(argv + optind, argv + argc);
    // With -e, getopt itself consumed a `--` right after the options: named parameters follow.
    if (have_program && optind > 1 && std::string(argv[optind - 1]) == "--")
      args.insert(args.begin(), "--");
    if (!split_program_args(args, sema_opts.positional_params, script_input.named_args, error)) {
      std::cerr << "ERROR: " << error << "\n";
      return 1;
    }
  }
  sema_opts.check_printf = [](const std::string &fmt, const std::vector<Type> &types) {
    return check_printf_format(fmt, types, "printf");
  };
  sema_opts.kernel_symbol_address = [](const std::string &name) {
    return KernelSymbols::running().address_of(name);
  };
  sema_opts.load_context_fields = load_dwarf_context_fields; // uprobe args, from DWARF
  sema_opts.user_symbol_address = [](const std::string &path,
                                     const std::string &name) -> std::optional<uint64_t> {
    auto symbols = read_elf_symbols(path, nullptr);
    if (!symbols)
      return std::nullopt;
    if (const ElfFunction *f = symbols->find(name))
      return f->address;
    return read_elf_data_symbol(path, name);
  };
  sema_opts.ppid_offsets = ppid_offsets_from_btf;
  sema_opts.unsafe = unsafe;
  sema_opts.pcomm_offsets = pcomm_offsets_from_btf;
  sema_opts.kfunc_btf_id = kfunc_btf_id_from_btf;
  sema_opts.task_kfuncs_allowed = task_kfuncs_allowed; // comm(pid): asks the kernel
  sema_opts.percpu_var_btf_id = percpu_var_btf_id_from_btf;
  BtfTypeResolver kernel_types; // loads vmlinux BTF only if the script names a kernel type
  sema_opts.types = &kernel_types;

  // Without the capabilities, resolving probes (tracefs) and loading would fail later with
  // confusing errors: say which one is missing, before doing anything.
  if (std::string missing = missing_capabilities_message(); !missing.empty()) {
    std::cerr << "ERROR: " << missing << "\n";
    return 1;
  }

  Timer timer;
  Diagnostics diags(filename, program_text);
  Script script;
  if (!load_script(program_text, script_input, script, diags)) {
    diags.print(std::cerr);
    return 1;
  }
  auto &program = script.program;
  const RunConfig &config = script.config;
  sema_opts.max_strlen = config.max_strlen;
  sema_opts.stack_mode = config.stack_mode == "perf"  ? StackMode::Perf
                         : config.stack_mode == "raw" ? StackMode::Raw
                                                      : StackMode::Bpftrace;
  for (const auto &w : script.warnings)
    std::cerr << "WARNING: " << w << "\n";
  if (verbose)
    for (const auto &n : script.notes)
      std::cerr << n << "\n";
  double parse_ms = timer.lap_ms();
  if (want_ast)
    std::cout << dump_ast(*program);

  // The child starts now, waiting until the probes are attached, so that its pid is known to
  // `cpid` and to codegen. Any later error destroys it before it has run anything.
  std::unique_ptr<ChildProcess> child;
  if (have_child) {
    std::string error;
    child = ChildProcess::start(child_command, &error);
    if (!child) {
      std::cerr << "ERROR: -c: " << error << "\n";
      return 1;
    }
    sema_opts.process.has_child = true;
    sema_opts.process.child_pid = child->pid();
  }

  if (drop_missing_probes(*program, providers, config.missing_probes, diags) &&
      program->probes.empty()) {
    diags.error(SourceRange{}, "no probe of the script exists here (missing_probes = " +
                                   config.missing_probes + ")");
    diags.print(std::cerr);
    return 1;
  }
  ProgramInfo info;
  if (!analyse_program(*program, providers, sema_opts, info, diags)) {
    diags.print(std::cerr);
    return 1;
  }
  diags.print(std::cerr); // warnings
  if (info.uses_debugf) {
    // debugf()'s lines are read from tracefs' trace_pipe: make sure there is one to read.
    std::string tracefs_error, tracing_on;
    std::string root = tracefs_root(&tracefs_error);
    if (root.empty())
      std::cerr << "WARNING: debugf() output goes to trace_pipe, but " << tracefs_error << "\n";
    else if (read_text_file(root + "/tracing_on", &tracing_on, nullptr) && tracing_on == "0\n")
      std::cerr << "WARNING: tracing is off (" << root
                << "/tracing_on is 0): the kernel drops debugf()'s lines\n";
  }
  if (size_t before = diags.all().size();
      !check_run_limits(*program, info, {config.max_probes, config.max_bpf_progs}, diags)) {
    for (size_t i = before; i < diags.all().size(); i++)
      std::cerr << diags.render(diags.all()[i]);
    return 1;
  }
  double analyse_ms = timer.lap_ms();

  CompiledObject object;
  CodegenOptions cg_opts;
  cg_opts.keep_ir = dump_ir;
  cg_opts.helper_errors = helper_errors;
  cg_opts.on_stack_limit = config.on_stack_limit;
  // Compiled objects are cached on disk (not with -d ir, which needs the IR codegen makes).
  bool cached = false;
  std::string cache_key, cache_path;
  if (use_cache && !dump_ir) {
    // The object depends on the effective configuration, imported files and getopt() values
    // (substituted in the AST), not only on the script's text; -k adds code.
    std::string named;
    for (const auto &[name, value] : script_input.named_args.values)
      named += "--" + name + (value ? "=" + *value : "") + "\n";
    cache_key = object_cache_key(program_text, info,
                                 config.summary() + script.imported_text + named +
                                     (helper_errors ? "helper_errors\n" : ""));
    cache_path = object_cache_path(object_cache_dir(), cache_key);
    cached = object_cache_load(cache_path, cache_key, object) == CacheLookup::Hit;
  }
  if (!cached) {
    if (!compile_program(*program, info, cg_opts, object, diags)) {
      diags.print(std::cerr);
      return 1;
    }
    std::string cache_error;
    if (!cache_path.empty() && !object_cache_store(cache_path, cache_key, object, cache_error) &&
        verbose)
      std::cerr << "cache: " << cache_error << "\n";
  }
  double codegen_ms = timer.lap_ms();
  if (dump_ir)
    std::cout << object.ir;
  if (verbose)
    std::cerr << "Timings: parse " << parse_ms << " ms, analyse " << analyse_ms << " ms, codegen "
              << codegen_ms << " ms" << (cached ? " (cached)" : "") << "\n";
  if (verbose)
    std::cerr << "codegen: " << (cached ? "cached" : "compiled") << "\n";

  FILE *out = stdout;
  if (!output_path.empty()) {
    out = fopen(output_path.c_str(), "w");
    if (!out) {
      std::cerr << "ERROR: cannot open " << output_path << ": " << strerror(errno) << "\n";
      return 1;
    }
  }
  // Output to a file or pipe goes through a 64 KiB buffer. -B line (the default) flushes after
  // every record on a terminal, and elsewhere whenever bpfscope has caught up with the events
  // (a line never waits while bpfscope waits); -B none flushes after every record, -B full only
  // when the buffer is full.
  static char out_buffer[64 * 1024];
  bool tty = isatty(fileno(out));
  if (!tty && buffering != "none")
    setvbuf(out, out_buffer, _IOFBF, sizeof(out_buffer));
  Output output(out, json);
  output.set_line_buffered(buffering == "none" || (buffering == "line" && tty));
  output.set_flush_after_batch(buffering == "line" && !tty);
  if (quiet && !json)
    output.set_quiet(true);

  install_signal_handlers();
  set_user_frame_symbolizer(symbolize_user_frame); // ustack frames, named from ELF symbols
  SessionOptions session_opts;
  session_opts.dry_run = dry_run;
  session_opts.verbose = verbose;
  session_opts.dump_verifier_log = dump_verifier;
  session_opts.rejection.source = &diags;
  session_opts.rejection.compile_with_line_info = [&](CompiledObject &with_lines) {
    CodegenOptions line_opts = cg_opts;
    line_opts.keep_ir = false;
    line_opts.line_info = true;
    line_opts.filename = filename;
    Diagnostics ignored(filename, program_text);
    return compile_program(*program, info, line_opts, with_lines, ignored);
  };
  session_opts.child = child.get();
  session_opts.target_pid = target_pid;
  session_opts.max_map_keys = config.max_map_keys;
  session_opts.print_maps_on_exit = config.print_maps_on_exit;
  session_opts.max_cat_bytes = config.max_cat_bytes;
  set_str_trunc_trailer(config.str_trunc_trailer);
  session_opts.license = config.license;
  session_opts.log_size = static_cast<uint32_t>(config.log_size);
  if (config.perf_rb_pages) {
    // A ring buffer is a power of two pages.
    uint64_t bytes = static_cast<uint64_t>(getpagesize());
    while (bytes < config.perf_rb_pages * static_cast<uint64_t>(getpagesize()) &&
           bytes < (1u << 30))
      bytes <<= 1;
    session_opts.ring_buffer_bytes = static_cast<uint32_t>(bytes);
  }
  int status = run_session(*program, info, object, providers, output, session_opts);
  if (verbose)
    std::cerr << "Timings: load, run and exit " << timer.lap_ms() << " ms\n";
  if (out != stdout)
    fclose(out);
  return status;
}
