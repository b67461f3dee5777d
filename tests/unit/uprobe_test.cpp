// User-space probing pieces that need no probe attached: the function part of uprobe attach
// points and the functions it selects, the uprobe provider's expansion, -c's command splitting and
// child process, and the process filters codegen emits for -p and PID namespaces (run for real
// with BPF_PROG_TEST_RUN).
#include "codegen/codegen.h"
#include "parser/parse.h"
#include "parser/semantic.h"
#include "runtime/child_process.h"
#include "runtime/loader.h"
#include "runtime/probe_provider.h"
#include "runtime/process_maps.h"
#include "runtime/uprobe_spec.h"
#include "runtime/user_symbols.h"
#include "test_programs.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

using namespace bpfscope;
using bpfscope::testing::TestPrograms;

namespace {

// ---------------------------------------------------------------- attach point function part

TEST(UprobeSpec, NamesOffsetsAndAddresses) {
  UprobeFunctionSpec s;
  std::string error;
  ASSERT_TRUE(parse_uprobe_function_spec("add", s, &error));
  EXPECT_EQ(s.kind, UprobeFunctionSpec::Kind::Name);
  EXPECT_EQ(s.name, "add");
  ASSERT_TRUE(parse_uprobe_function_spec("add+12", s, &error));
  EXPECT_EQ(s.kind, UprobeFunctionSpec::Kind::NameOffset);
  EXPECT_EQ(s.name, "add");
  EXPECT_EQ(s.offset, 12u);
  ASSERT_TRUE(parse_uprobe_function_spec("add+0x10", s, &error));
  EXPECT_EQ(s.offset, 16u);
  ASSERT_TRUE(parse_uprobe_function_spec("0x1139", s, &error));
  EXPECT_EQ(s.kind, UprobeFunctionSpec::Kind::Address);
  EXPECT_EQ(s.address, 0x1139u);
  // A '+' inside a C++ name is not an offset.
  ASSERT_TRUE(parse_uprobe_function_spec("ns::V::operator+(int)", s, &error));
  EXPECT_EQ(s.kind, UprobeFunctionSpec::Kind::Name);
  EXPECT_FALSE(parse_uprobe_function_spec("0xzz", s, &error));
  EXPECT_EQ(error, "invalid address '0xzz'");
  EXPECT_FALSE(parse_uprobe_function_spec("", s, &error));
}

TEST(UprobeSpec, StripParameters) {
  EXPECT_EQ(strip_parameters("ns::Klass::method(int)"), "ns::Klass::method");
  EXPECT_EQ(strip_parameters("ns::Klass::get() const"), "ns::Klass::get");
  EXPECT_EQ(strip_parameters("(anonymous namespace)::f(void (*)(int))"),
            "(anonymous namespace)::f");
  EXPECT_EQ(strip_parameters("plain"), "plain");
}

TEST(UprobeMatch, ExactGlobOverloadsAndAliases) {
  TestPrograms programs;
  std::string cxx = programs.build("c++", "app", "uprobe_cpp.cpp", "-O0");
  ASSERT_FALSE(cxx.empty());
  auto symbols = read_elf_symbols(cxx, nullptr);
  ASSERT_TRUE(symbols);
  auto names = [](const std::string &pattern, const ElfSymbols &in) {
    std::vector<std::string> out;
    for (auto *f : match_functions(in, pattern))
      out.push_back(display_name(*f));
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(names("ns::Klass::method(int)", *symbols), V{"ns::Klass::method(int)"});
  EXPECT_EQ(names("_ZN2ns5Klass6methodEi", *symbols), V{"ns::Klass::method(int)"});
  EXPECT_EQ(names("ns::Klass::method", *symbols),
            (V{"ns::Klass::method(char const*)", "ns::Klass::method(int)"}));
  EXPECT_EQ(names("ns::*", *symbols), (V{"ns::Klass::method(char const*)", "ns::Klass::method(int)",
                                         "ns::free_function(long)"}));
  EXPECT_EQ(names("_ZN2ns13*", *symbols), V{"ns::free_function(long)"});
  EXPECT_TRUE(names("nothing*", *symbols).empty());

  // libc's getpid has aliases at the same address: one probe, under the public name.
  std::string error;
  auto libc = read_elf_symbols("/lib/x86_64-linux-gnu/libc.so.6", &error);
  ASSERT_TRUE(libc) << error;
  V getpids = names("*getpid", *libc);
  EXPECT_EQ(std::count(getpids.begin(), getpids.end(), "getpid"), 1);
  EXPECT_EQ(std::count(getpids.begin(), getpids.end(), "__getpid"), 0);
}

// ---------------------------------------------------------------- the provider's expansion

struct Resolved {
  std::vector<ProbeTarget> targets;
  std::string errors;
};

Resolved resolve(const std::string &attach_point, int pid = -1) {
  std::string source = attach_point + " { }";
  Diagnostics diags("stdin", source);
  auto program = parse_program(source, diags);
  Resolved r;
  if (program) {
    ProviderRegistry registry;
    if (pid > 0)
      registry.set_target_pid(pid);
    registry.resolve(*program->probes[0]->attach_points[0], r.targets, diags);
  }
  for (auto &d : diags.all())
    r.errors += diags.render(d);
  return r;
}

TEST(UprobeProvider, TargetsCarryPathOffsetAndArguments) {
  TestPrograms programs;
  std::string exe = programs.build("cc", "prog", "uprobe_target.c", "-O0 -no-pie");
  ASSERT_FALSE(exe.empty());
  auto symbols = read_elf_symbols(exe, nullptr);
  ASSERT_TRUE(symbols);
  const ElfFunction *add = symbols->find("add");
  ASSERT_NE(add, nullptr);

  Resolved r = resolve("uprobe:" + exe + ":add");
  ASSERT_EQ(r.targets.size(), 1u) << r.errors;
  const ProbeTarget &t = r.targets[0];
  EXPECT_EQ(t.name, "uprobe:" + exe + ":add");
  EXPECT_EQ(t.provider, "uprobe");
  EXPECT_EQ(t.program_kind, ProgramKind::Kprobe);
  EXPECT_EQ(t.arg_source, ArgumentSource::PtRegs);
  EXPECT_EQ(t.max_args, 6);
  EXPECT_FALSE(t.has_retval);
  EXPECT_EQ(t.function, "add");
  EXPECT_EQ(t.path, exe);
  EXPECT_EQ(t.address, *symbols->file_offset(add->address));

  Resolved ret = resolve("ur:" + exe + ":add+1");
  ASSERT_EQ(ret.targets.size(), 1u) << ret.errors;
  EXPECT_EQ(ret.targets[0].provider, "uretprobe");
  EXPECT_TRUE(ret.targets[0].has_retval);
  EXPECT_EQ(ret.targets[0].name, "uretprobe:" + exe + ":add+1");
  EXPECT_EQ(ret.targets[0].address, t.address + 1);

  char address[32];
  snprintf(address, sizeof(address), "0x%llx", static_cast<unsigned long long>(add->address));
  Resolved by_address = resolve("uprobe:" + exe + ":" + address);
  ASSERT_EQ(by_address.targets.size(), 1u) << by_address.errors;
  EXPECT_EQ(by_address.targets[0].address, t.address);
  EXPECT_EQ(by_address.targets[0].function, "add");

  Resolved wild = resolve("u:" + exe + ":read_*");
  ASSERT_EQ(wild.targets.size(), 2u) << wild.errors;
  EXPECT_EQ(wild.targets[0].function, "read_one");
  EXPECT_EQ(wild.targets[1].function, "read_two");
}

TEST(UprobeProvider, ErrorsSuggestAndNameTheBinary) {
  TestPrograms programs;
  std::string exe = programs.build("cc", "prog", "uprobe_target.c", "-O0");
  ASSERT_FALSE(exe.empty());
  Resolved r = resolve("uprobe:" + exe + ":ad");
  EXPECT_TRUE(r.targets.empty());
  EXPECT_NE(r.errors.find("ERROR: No function 'ad' in " + exe), std::string::npos) << r.errors;
  EXPECT_NE(r.errors.find("HINT: Did you mean add?"), std::string::npos) << r.errors;
  r = resolve("uprobe:" + programs.path("missing") + ":add");
  EXPECT_NE(r.errors.find("missing: No such file or directory"), std::string::npos) << r.errors;
  r = resolve("uprobe:getpid");
  EXPECT_NE(r.errors.find("uprobe:getpid does not say which binary to probe"), std::string::npos)
      << r.errors;
}

TEST(UprobeProvider, FunctionWithoutPathSearchesTheProcess) {
  // This test process maps libc: `uprobe:getpid` with its pid finds libc's getpid.
  Resolved r = resolve("uprobe:getpid", getpid());
  ASSERT_EQ(r.targets.size(), 1u) << r.errors;
  EXPECT_NE(r.targets[0].path.find("libc"), std::string::npos) << r.targets[0].path;
  EXPECT_EQ(r.targets[0].function, "getpid");
  Resolved lib = resolve("uprobe:libc:getpid", getpid());
  ASSERT_EQ(lib.targets.size(), 1u) << lib.errors;
  EXPECT_EQ(lib.targets[0].address, r.targets[0].address);
}

TEST(UprobeProvider, ListsFunctionsOfTheNamedBinary) {
  TestPrograms programs;
  std::string exe = programs.build("cc", "prog", "uprobe_target.c", "-O0");
  ASSERT_FALSE(exe.empty());
  ProviderRegistry registry;
  auto listed = registry.list("uprobe:" + exe + ":read*");
  EXPECT_EQ(listed,
            (std::vector<std::string>{"uprobe:" + exe + ":read_one", "uprobe:" + exe + ":read_two",
                                      "uprobe:" + exe + ":reader"}));
  EXPECT_EQ(registry.list("uretprobe:" + exe + ":add"),
            std::vector<std::string>{"uretprobe:" + exe + ":add"});
}

// ---------------------------------------------------------------- -c

TEST(UprobeCommandLine, SplitsLikeAShell) {
  std::vector<std::string> argv;
  std::string error;
  ASSERT_TRUE(
      split_command_line("  ./prog  3 'two words' \"a \\\"q\\\" b\" x\\ y ''", argv, &error));
  EXPECT_EQ(argv, (std::vector<std::string>{"./prog", "3", "two words", "a \"q\" b", "x y", ""}));
  EXPECT_FALSE(split_command_line("echo 'open", argv, &error));
  EXPECT_EQ(error, "unterminated single quote in command: echo 'open");
  EXPECT_FALSE(split_command_line("   ", argv, &error));
  EXPECT_EQ(error, "empty command");
}

TEST(UprobeChildProcess, RunsOnlyOnceReleased) {
  TestPrograms programs;
  std::string marker = programs.path("ran");
  {
    std::string error;
    auto child = ChildProcess::start("/bin/touch " + marker, &error);
    ASSERT_TRUE(child) << error;
    EXPECT_GT(child->pid(), 0);
    usleep(100000);
    EXPECT_FALSE(child->exited()); // waiting for release
  }                                // never released: it exits without running the command
  struct stat st;
  EXPECT_NE(stat(marker.c_str(), &st), 0);

  std::string error;
  auto child = ChildProcess::start("touch " + marker, &error);
  ASSERT_TRUE(child) << error;
  ASSERT_TRUE(child->release(&error)) << error;
  for (int i = 0; i < 500 && !child->exited(); i++)
    usleep(10000);
  EXPECT_TRUE(child->exited());
  EXPECT_EQ(stat(marker.c_str(), &st), 0);
}

TEST(UprobeChildProcess, OnExecRunsWithTheProgramMappedBeforeItRuns) {
  TestPrograms programs;
  std::string marker = programs.path("ran");
  std::string touch = "/usr/bin/touch";
  std::string error;
  auto child = ChildProcess::start(touch + " " + marker, &error);
  ASSERT_TRUE(child) << error;
  bool called = false, mapped = false, ran_already = true;
  ASSERT_TRUE(child->release(&error, [&](int pid) {
    called = pid == child->pid();
    for (auto &m : read_process_maps(pid, nullptr))
      mapped |= m.path == touch;
    struct stat st;
    ran_already = stat(marker.c_str(), &st) == 0;
  })) << error;
  EXPECT_TRUE(called);
  EXPECT_TRUE(mapped);
  EXPECT_FALSE(ran_already);
  // Detached: it runs to the end and exits normally.
  for (int i = 0; i < 500 && !child->exited(); i++)
    usleep(10000);
  EXPECT_TRUE(child->exited());
  struct stat st;
  EXPECT_EQ(stat(marker.c_str(), &st), 0);
}

TEST(UprobeChildProcess, ReportsCommandsThatCannotRun) {
  std::string error;
  EXPECT_FALSE(ChildProcess::start("no-such-command-xyz arg", &error));
  EXPECT_EQ(error, "cannot run 'no-such-command-xyz': command not found");
  EXPECT_FALSE(ChildProcess::start("./no/such/file", &error));
  EXPECT_EQ(error, "cannot run './no/such/file': No such file or directory");
  // Executable, but exec fails (missing interpreter): reported by release().
  TestPrograms programs;
  std::string script = programs.path("script");
  FILE *f = fopen(script.c_str(), "w");
  ASSERT_TRUE(f);
  fputs("#!/no/such/interpreter\n", f);
  fclose(f);
  chmod(script.c_str(), 0755);
  auto child = ChildProcess::start(script, &error);
  ASSERT_TRUE(child) << error;
  EXPECT_FALSE(child->release(&error));
  EXPECT_EQ(error, "cannot run the command: No such file or directory");
}

// ---------------------------------------------------------------- naming user stack frames

char process_state(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string pid_field, comm, state;
  in >> pid_field >> comm >> state;
  return state.empty() ? '?' : state[0];
}

TEST(UprobeUserSymbols, NamesFramesAlsoAfterTheProcessExits) {
  TestPrograms programs;
  std::string exe = programs.build("cc", "prog", "uprobe_target.c", "-O0");
  ASSERT_FALSE(exe.empty());
  std::string error;
  auto child = ChildProcess::start(exe + " 1 hold", &error); // stops itself before exiting
  ASSERT_TRUE(child) << error;
  ASSERT_TRUE(child->release(&error)) << error;
  int pid = child->pid();
  for (int i = 0; i < 500 && process_state(pid) != 'T'; i++)
    usleep(10000);
  ASSERT_EQ(process_state(pid), 'T');

  // Where add() is in the running process: its file offset, through the mapping of that offset.
  auto symbols = read_elf_symbols(exe, nullptr);
  ASSERT_TRUE(symbols);
  uint64_t file_offset = *symbols->file_offset(symbols->find("add")->address);
  uint64_t address = 0;
  for (auto &m : read_process_maps(pid, nullptr))
    if (m.path == exe && file_offset >= m.offset && file_offset < m.offset + (m.end - m.start))
      address = m.start + (file_offset - m.offset);
  ASSERT_NE(address, 0u);

  UserSymbolizer remembered;
  remembered.remember(static_cast<uint32_t>(pid));
  EXPECT_EQ(remembered.name(static_cast<uint32_t>(pid), address + 2, true), "add+2");
  EXPECT_EQ(remembered.name(static_cast<uint32_t>(pid), address + 2, false), "add");
  auto symbol = remembered.resolve(static_cast<uint32_t>(pid), address);
  ASSERT_TRUE(symbol);
  EXPECT_EQ(symbol->path, exe);

  kill(pid, SIGKILL);
  for (int i = 0; i < 500 && !child->exited(); i++)
    usleep(10000);
  ASSERT_TRUE(child->exited());
  EXPECT_EQ(remembered.name(static_cast<uint32_t>(pid), address + 2, true), "add+2");
  UserSymbolizer fresh; // never saw the process: nothing to name it with
  EXPECT_EQ(fresh.name(static_cast<uint32_t>(pid), address + 2, true), "");
}

// ---------------------------------------------------------------- -p and PID namespaces in BPF

// Resolves `rawtracepoint:test` to a non-special target whose program runs with TEST_RUN.
class TestRunResolver : public ProbeResolver {
public:
  bool resolve(const ast::AttachPoint &ap, std::vector<ProbeTarget> &out, Diagnostics &) override {
    ProbeTarget t;
    t.name = ap.raw;
    t.provider = ap.raw == "BEGIN" ? "BEGIN" : "rawtracepoint";
    t.program_kind = ap.raw == "BEGIN" ? ProgramKind::Special : ProgramKind::RawTracepoint;
    out.push_back(t);
    return true;
  }
};

// Compiles `source` with `scope`, runs its only program once in this process and returns the
// value of the keyless map @v (-1 when the program did not set it).
int64_t run_and_read(const std::string &source, const ProcessScope &scope) {
  Diagnostics diags("stdin", source);
  auto program = parse_program(source, diags);
  EXPECT_TRUE(program);
  TestRunResolver resolver;
  SemanticOptions opts;
  opts.process = scope;
  ProgramInfo info;
  EXPECT_TRUE(analyse_program(*program, resolver, opts, info, diags));
  CompiledObject object;
  EXPECT_TRUE(compile_program(*program, info, {}, object, diags));
  MapSet maps;
  std::string error;
  EXPECT_TRUE(create_maps(info, object.internal, 16, maps, error)) << error;
  EXPECT_EQ(object.programs.size(), 1u);
  if (object.programs.size() != 1)
    return -2;
  LoadAttributes attributes;
  attributes.type = BPF_PROG_TYPE_RAW_TRACEPOINT;
  LoadResult r = load_program(object.programs[0], attributes, maps.fds, true);
  EXPECT_GE(r.fd, 0) << r.error << r.log;
  if (r.fd < 0)
    return -2;
  uint64_t args[1] = {0};
  LIBBPF_OPTS(bpf_test_run_opts, run, .ctx_in = args, .ctx_size_in = sizeof(args));
  EXPECT_EQ(bpf_prog_test_run_opts(r.fd, &run), 0);
  close(r.fd);
  uint64_t key = 0;
  int64_t value = -1;
  if (bpf_map_lookup_elem(maps.fds[info.map_ids.at("@v")], &key, &value) != 0)
    return -1;
  return value;
}

TEST(UprobeCodegen, PidFilterLetsOnlyTheTargetProcessThrough) {
  ProcessScope scope;
  scope.filter_pid = getpid();
  EXPECT_EQ(run_and_read("rawtracepoint:test { @v = 1; }", scope), 1);
  scope.filter_pid = getpid() == 1 ? 2 : 1;
  EXPECT_EQ(run_and_read("rawtracepoint:test { @v = 1; }", scope), -1);
  // BEGIN runs in bpfscope itself and is never filtered.
  EXPECT_EQ(run_and_read("BEGIN { @v = 1; }", scope), 1);
}

TEST(UprobeCodegen, PidAndTidRelativeToAPidNamespace) {
  struct stat ns;
  ASSERT_EQ(stat("/proc/self/ns/pid", &ns), 0);
  ProcessScope scope;
  scope.pidns_dev = ns.st_dev;
  scope.pidns_ino = ns.st_ino;
  EXPECT_EQ(run_and_read("BEGIN { @v = pid; }", scope), getpid());
  EXPECT_EQ(run_and_read("BEGIN { @v = tid; }", scope), gettid());
  // A namespace this task is not in: the helper yields 0, as bpftrace reports it.
  scope.pidns_ino = ns.st_ino + 1;
  EXPECT_EQ(run_and_read("BEGIN { @v = pid; }", scope), 0);
}

TEST(UprobeCodegen, CpidIsTheChildPid) {
  ProcessScope scope;
  scope.has_child = true;
  scope.child_pid = 4242;
  EXPECT_EQ(run_and_read("BEGIN { @v = cpid; }", scope), 4242);
}

} // namespace
