// The standard library of builtins and functions (ppid, username, numaid, nsecs(boot), strlen,
// strncmp, strcontains, bswap, strerror, has_key, let declarations, ...): the semantic pass
// types them, and the BPF they compile to passes the running kernel's verifier (loaded for real,
// as root, attached nowhere).
#include "analysis_support.h"
#include "codegen/codegen.h"
#include "parser/signal_names.h"
#include "runtime/format_json.h"
#include "runtime/format_resolved.h"
#include "runtime/format_value.h"
#include "runtime/kernel_btf.h"
#include "runtime/loader.h"
#include "runtime/task_offsets.h"
#include "test_support.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

using namespace bpfscope;
using bpfscope::testing::Analysed;

namespace {

// Analyses `source` with the kernel's task offsets and kfunc ids (and $1 = 1) that the builtins
// under test need, `unsafe` as asked.
Analysed analyse(const std::string &source, bool unsafe = false) {
  SemanticOptions opts;
  opts.ppid_offsets = ppid_offsets_from_btf;
  opts.pcomm_offsets = pcomm_offsets_from_btf;
  opts.kfunc_btf_id = kfunc_btf_id_from_btf;
  opts.unsafe = unsafe;
  opts.positional_params = {"1"};
  return bpfscope::testing::analyse_with(source, opts);
}

// Compiles and loads every program of `source`; "" or the first error.
std::string load_all(const std::string &source, bool unsafe = false) {
  return bpfscope::testing::compile_and_load(analyse(source, unsafe), source);
}

// The type of the expression `e` (assigned to $v in a BEGIN probe).
std::string type_of(const std::string &e) {
  Analysed a = analyse("BEGIN { $v = " + e + "; }");
  if (!a.ok)
    return "error: " + a.errors;
  return a.info.probes[0].variables.at("$v").name();
}

TEST(StdlibBuiltins, Types) {
  EXPECT_EQ(type_of("numaid"), "uint32"); // variables keep their values' integer types
  EXPECT_EQ(type_of("ncpus"), "uint32");
  EXPECT_EQ(type_of("jiffies"), "uint64");
  EXPECT_EQ(type_of("ppid"), "uint32");
  EXPECT_EQ(type_of("username"), "username");
  EXPECT_EQ(type_of("nsecs(boot)"), "uint64");
  EXPECT_EQ(type_of("nsecs(tai)"), "uint64");
  EXPECT_EQ(type_of("pid(init)"), "uint32");
}

TEST(StdlibBuiltins, LoadThroughTheVerifier) {
  EXPECT_EQ(load_all("BEGIN { printf(\"%d %d %d %d %s\\n\", numaid, ncpus, jiffies, ppid, "
                     "username); }"),
            "");
  EXPECT_EQ(load_all("BEGIN { @a = nsecs(boot); @b = nsecs(monotonic); @c = nsecs(tai); "
                     "@d = pid(init); @e = tid(init); @f = pid(curr_ns); @g = usermode; }"),
            "");
  EXPECT_EQ(load_all("kprobe:do_nanosleep { @[usermode, ppid, username] = count(); }"), "");
  EXPECT_EQ(load_all("interval:s:1 { @[usermode] = count(); }"), ""); // perf_event context
}

TEST(StdlibBuiltins, BadModesAreErrors) {
  EXPECT_NE(type_of("nsecs(sideways)").find("unknown clock 'sideways'"), std::string::npos);
  EXPECT_NE(type_of("pid(nowhere)").find("unknown namespace 'nowhere'"), std::string::npos);
  EXPECT_NE(type_of("nsecs(1)").find("nsecs() expects boot, monotonic, tai or sw_tai"),
            std::string::npos);
}

TEST(StdlibFunctions, Types) {
  EXPECT_EQ(type_of("strlen(\"abc\")"), "uint64");
  EXPECT_EQ(type_of("strncmp(\"abc\", \"abd\", 2)"), "uint64");
  EXPECT_EQ(type_of("strcontains(\"abc\", \"b\")"), "bool");
  EXPECT_EQ(type_of("bswap((uint16)1)"), "uint16");
  EXPECT_EQ(type_of("strerror(2)"), "strerror_t");
  EXPECT_NE(type_of("strlen(1)").find("strlen() expects a string"), std::string::npos);
  EXPECT_NE(type_of("strncmp(\"a\", \"b\", pid)").find("constant length"), std::string::npos);
  EXPECT_NE(type_of("bswap(\"a\")").find("bswap() expects an integer"), std::string::npos);
}

TEST(StdlibFunctions, LoadThroughTheVerifier) {
  EXPECT_EQ(load_all("BEGIN { printf(\"%d %d %d %d %s\\n\", strlen(comm), "
                     "strncmp(comm, \"bpf\", 3), strcontains(comm, \"scope\"), "
                     "bswap((uint32)1), strerror(2)); }"),
            "");
  EXPECT_EQ(load_all("tracepoint:test:a { @[strcontains(str(args.filename), \"/tmp/\")] = "
                     "count(); @s[strerror(args.delta)] = count(); }"),
            "");
}

TEST(StdlibFunctions, ErrorfAndWarnfPrintToStderrWithTheirLocation) {
  Analysed a = analyse("BEGIN { errorf(\"bad %d\", 1); warnf(\"careful\"); printf(\"x\"); }");
  ASSERT_TRUE(a.ok) << a.errors;
  ASSERT_EQ(a.info.printfs.size(), 3u);
  EXPECT_EQ(a.info.printfs[0].stderr_prefix, "stdin:1:9-28: ERROR: ");
  EXPECT_EQ(a.info.printfs[1].stderr_prefix, "stdin:1:30-46: WARNING: ");
  EXPECT_EQ(a.info.printfs[2].stderr_prefix, "");
  EXPECT_EQ(load_all("kprobe:do_nanosleep { errorf(\"%d\", pid); warnf(\"%s\", comm); }"), "");
}

TEST(StdlibFunctions, CgroupidIsTheDirectoryInode) {
  struct stat st;
  ASSERT_EQ(stat("/sys/fs/cgroup", &st), 0);
  Analysed a = analyse("BEGIN { $v = cgroupid(\"/sys/fs/cgroup\"); }");
  ASSERT_TRUE(a.ok) << a.errors;
  ASSERT_EQ(a.info.cgroup_ids.size(), 1u);
  EXPECT_EQ(a.info.cgroup_ids[0], st.st_ino);
  Analysed bad = analyse("BEGIN { $v = cgroupid(\"/nonexistent/cgroup\"); }");
  EXPECT_NE(bad.errors.find("cgroupid(): cannot stat /nonexistent/cgroup"), std::string::npos);
  EXPECT_EQ(load_all("BEGIN { if (cgroup == cgroupid(\"/sys/fs/cgroup\")) { @ = 1; } }"), "");
}

TEST(StdlibMaps, HasKey) {
  EXPECT_EQ(type_of("has_key(@m, 1)"),
            "error: " + analyse("BEGIN { $v = has_key(@m, 1); }").errors);
  EXPECT_EQ(load_all("BEGIN { @m[1, \"a\"] = 2; if (has_key(@m, (1, \"a\"))) { "
                     "printf(\"yes\\n\"); } @n = has_key(@m, (2, \"b\")); }"),
            "");
  Analysed a = analyse("BEGIN { @m = 1; $v = has_key(@m, 1); }");
  EXPECT_FALSE(a.ok);
  EXPECT_NE(a.errors.find("expects a map with keys"), std::string::npos) << a.errors;
}

TEST(StdlibLet, Declarations) {
  Analysed a = analyse("BEGIN { let $a = 1; let $b: uint8 = 300; let $c: uint16; let $d; "
                       "$d = \"x\"; let $e: string = \"hello\"; }");
  ASSERT_TRUE(a.ok) << a.errors;
  auto &vars = a.info.probes[0].variables;
  EXPECT_EQ(vars.at("$a").name(), "int8");
  EXPECT_EQ(vars.at("$b").name(), "uint8");
  EXPECT_EQ(vars.at("$c").name(), "uint16");
  EXPECT_TRUE(vars.at("$d").is_string());
  EXPECT_TRUE(vars.at("$e").is_string());
  EXPECT_EQ(load_all("BEGIN { let $b: uint8 = 300; let $d; $d = 5; printf(\"%d %d\\n\", $b, "
                     "$d); }"),
            "");
}

TEST(StdlibFormat, UserResolvedTypes) {
  uint64_t root = 0;
  EXPECT_EQ(format_value(Type::username(), reinterpret_cast<const uint8_t *>(&root)), "root");
  uint64_t nobody_uid = 4294967294ull; // not in the passwd database: the number
  std::string name = format_value(Type::username(), reinterpret_cast<const uint8_t *>(&nobody_uid));
  EXPECT_FALSE(name.empty());
  uint64_t enoent = ENOENT;
  EXPECT_EQ(format_value(Type::strerror(), reinterpret_cast<const uint8_t *>(&enoent)),
            std::strerror(ENOENT));
  EXPECT_EQ(json_value(Type::strerror(), reinterpret_cast<const uint8_t *>(&enoent)),
            "\"" + std::string(std::strerror(ENOENT)) + "\"");
}

// ---------------------------------------------------------------- later functions

// The first error of `source`, "" when it is accepted.
std::string error_of(const std::string &source, bool unsafe = false) {
  return bpfscope::testing::errors_if_rejected(analyse(source, unsafe));
}

TEST(StdlibLater, Types) {
  EXPECT_EQ(type_of("strftime(\"%H\", nsecs)"), "timestamp");
  EXPECT_EQ(type_of("ntop(0x0100007f)"), "inet");
  EXPECT_EQ(type_of("ntop(10, pton(\"::1\"))"), "inet");
  EXPECT_EQ(type_of("pton(\"1.2.3.4\")"), "uint8[4]");
  EXPECT_EQ(type_of("pton(\"fe80::1\")"), "uint8[16]");
  EXPECT_EQ(type_of("macaddr(\"abcdef\")"), "macaddr_t");
  EXPECT_EQ(type_of("strstr(\"abc\", \"c\")"), "int64");
  EXPECT_EQ(type_of("memcmp(\"abc\", \"abd\", 2)"), "int64");
  EXPECT_EQ(type_of("syscall_name(0)"), "string");
  EXPECT_EQ(type_of("cgroup_path(cgroup, \"uni*\")"), "cgroup_path_t");
  EXPECT_EQ(type_of("probetype"), "string[8]"); // "special"
  EXPECT_EQ(type_of("pcomm"), "string[16]");
  EXPECT_EQ(type_of("has_cpid"), "bool");
  EXPECT_EQ(type_of("nsecs(sw_tai)"), "uint64");
}

TEST(StdlibLater, BadArgumentsAreLocatedErrors) {
  EXPECT_NE(error_of("BEGIN { $v = pton(\"1.2.3\"); }")
                .find("stdin:1:19-26: ERROR: pton() expects a valid IPv4 or IPv6 address"),
            std::string::npos);
  EXPECT_NE(
      error_of("BEGIN { $v = ntop(\"abcdefgh\"); }").find("ntop() expects an integer or an array"),
      std::string::npos);
  EXPECT_NE(error_of("BEGIN { $v = memcmp(\"ab\", \"abc\", 5); }").find("5 bytes is more than"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { $v = memcmp(\"ab\", \"abc\", pid); }").find("constant number"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { $v = strftime(\"%H\"); }").find("strftime() takes 2 arguments"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { $v = strftime(comm, 1); }").find("string literal format"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { $v = strstr(1, \"a\"); }").find("strstr() expects two strings"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { $v = macaddr(\"ab\"); }").find("at least 6 bytes"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { $v = syscall_name(\"x\"); }").find("expects an integer"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { $v = cat(\"/x\"); }").find("cat() does not return a value"),
            std::string::npos);
}

TEST(StdlibLater, UnsafeFunctionsNeedUnsafe) {
  EXPECT_NE(error_of("BEGIN { system(\"true\"); }")
                .find("ERROR: system() is an unsafe function being used in safe mode"),
            std::string::npos);
  EXPECT_NE(error_of("kprobe:do_nanosleep { signal(9); }").find("signal() is an unsafe function"),
            std::string::npos);
  EXPECT_EQ(error_of("BEGIN { system(\"true\"); }", true), "");
  EXPECT_NE(error_of("kprobe:do_nanosleep { signal(\"SIGNOPE\"); }", true)
                .find("unknown signal 'SIGNOPE'"),
            std::string::npos);
  EXPECT_NE(error_of("kprobe:do_nanosleep { signal(65); }", true).find("out of range"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { signal(9); }", true).find("cannot be used in BEGIN"),
            std::string::npos);
  EXPECT_EQ(signal_number("SIGUSR1"), SIGUSR1);
  EXPECT_EQ(signal_number("KILL"), SIGKILL);
  EXPECT_EQ(signal_number("SIGRTMIN+2"), SIGRTMIN + 2);
  EXPECT_EQ(signal_number("SIGWHAT"), 0);
}

TEST(StdlibLater, FailAndStaticAssertWhenReachable) {
  // $1 is "1" in these tests.
  EXPECT_EQ(error_of("BEGIN { if ($1 < 2) { fail(\"got %d, want %s\", $1, \"more\"); } }"),
            "stdin:1:23-58: ERROR: got 1, want more\n"
            "BEGIN { if ($1 < 2) { fail(\"got %d, want %s\", $1, \"more\"); } }\n"
            "                      ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n");
  EXPECT_EQ(error_of("BEGIN { if ($1 > 2) { fail(\"unreached\"); } else { printf(\"ok\"); } }"),
            "");
  EXPECT_NE(error_of("BEGIN { if (pid > 2) { fail(\"x %d\", pid); } }").find("must be literals"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { static_assert(1 + 1 == 3, \"math\"); }").find("ERROR: math"),
            std::string::npos);
  EXPECT_EQ(error_of("BEGIN { static_assert($1 == 1, \"one\"); }"), "");
  EXPECT_NE(error_of("BEGIN { static_assert(pid, \"x\"); }").find("known at compile time"),
            std::string::npos);
}

TEST(StdlibLater, LoadThroughTheVerifier) {
  EXPECT_EQ(load_all("BEGIN { printf(\"%s %s %s %s %d %d %s %s\\n\", strftime(\"%H:%M:%S.%f\", "
                     "nsecs), ntop(0x0100007f), ntop(pton(\"::1\")), macaddr(\"abcdef\"), "
                     "strstr(comm, \"scope\"), memcmp(comm, \"bpf\", 3), syscall_name(1), "
                     "cgroup_path(cgroup)); print(pton(\"1.2.3.4\")); }"),
            "");
  EXPECT_EQ(load_all("tracepoint:test:a { @[ntop(args.delta), syscall_name(args.delta)] = count(); "
                     "@t = strftime(\"%s\", nsecs); assert(pid != 0, \"pid\"); "
                     "cat(\"/proc/%d/comm\", pid); printf(\"%s %s\\n\", pcomm, probetype); }"),
            "");
  EXPECT_EQ(load_all("kprobe:do_nanosleep { signal(\"SIGUSR1\"); signal_thread(10); "
                     "signal(arg0); system(\"echo %d\", pid); $t = nsecs(sw_tai); }",
                     true),
            "");
}

TEST(StdlibLater, LenCountsTheKeysOfAMap) {
  EXPECT_EQ(type_of("len(@m)"), "error: " + analyse("BEGIN { $v = len(@m); }").errors);
  EXPECT_EQ(load_all("BEGIN { @m[1, \"a\"] = 1; @c[comm] = count(); @s[1] = \"x\"; "
                     "printf(\"%d %d %d\\n\", len(@m), len(@c), len(@s)); }"),
            "");
  EXPECT_EQ(load_all("tracepoint:test:a { @[args.delta] = 1; if (len(@) > 10) { clear(@); } }"),
            "");
  // Histograms with keys count their (key, bucket) elements; keyless ones are per-CPU arrays.
  EXPECT_EQ(load_all("BEGIN { @h[1] = hist(1); @l[2] = lhist(3, 0, 10, 1); "
                     "printf(\"%d %d\\n\", len(@h), len(@l)); }"),
            "");
  EXPECT_NE(error_of("BEGIN { @h = hist(1); $n = len(@h); }")
                .find("stdin:1:32-34: ERROR: len() does not support hist_t maps without keys"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { @c = count(); $n = len(@c); }")
                .find("len() does not support count_t maps without keys"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { $n = len(@m[1]); @m[1] = 1; }").find("len() expects a map"),
            std::string::npos);
}

TEST(StdlibLater, Join) {
  EXPECT_EQ(load_all("tracepoint:test:a { join(args.delta); join(args.delta, \", \"); }"), "");
  Analysed a = analyse("tracepoint:test:a { join(args.delta, \"-\"); join(args.delta); }");
  ASSERT_TRUE(a.ok) << a.errors;
  EXPECT_EQ(a.info.join_separators, (std::vector<std::string>{"-", " "}));
  EXPECT_TRUE(a.info.prints_from_probes);
  EXPECT_NE(error_of("BEGIN { join(comm); }").find("join() expects a pointer to an array"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { join(0, comm); }").find("string literal separator"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { $x = join(0); }").find("join() does not return a value"),
            std::string::npos);
}

TEST(StdlibLater, ResolvedValuesPrintInUserSpace) {
  uint8_t inet[24] = {};
  inet[0] = AF_INET;
  inet[8] = 10, inet[9] = 0, inet[10] = 0, inet[11] = 1;
  EXPECT_EQ(format_value(Type::make_resolved(ResolvedKind::Inet, 24), inet), "10.0.0.1");
  inet[0] = AF_INET6;
  std::memset(inet + 8, 0, 16);
  inet[23] = 1;
  EXPECT_EQ(format_value(Type::make_resolved(ResolvedKind::Inet, 24), inet), "::1");
  uint8_t mac[8] = {0x18, 0xc0, 0x4d, 0x08, 0x2e, 0xbb};
  EXPECT_EQ(format_value(Type::make_resolved(ResolvedKind::MacAddr, 8), mac), "18:C0:4D:08:2E:BB");
  uint8_t bytes[4] = {1, 2, 3, 4};
  EXPECT_EQ(format_value(Type::make_resolved(ResolvedKind::Bytes, 4), bytes), "[1,2,3,4]");
  EXPECT_EQ(json_value(Type::make_resolved(ResolvedKind::Bytes, 4), bytes), "[1,2,3,4]");
  uint64_t nr = 59;
  EXPECT_EQ(format_value(Type::make_resolved(ResolvedKind::SyscallName, 8),
                         reinterpret_cast<const uint8_t *>(&nr)),
            "execve");
  EXPECT_EQ(json_value(Type::make_resolved(ResolvedKind::SyscallName, 8),
                       reinterpret_cast<const uint8_t *>(&nr)),
            "\"execve\"");
  EXPECT_EQ(syscall_name(100000), "100000");
  // %f: the microseconds of the timestamp, zero-padded.
  EXPECT_EQ(format_timestamp("%f", 1000000000ull * 5 + 42000).size(), 6u);
  EXPECT_EQ(format_timestamp("%%f", 0), "%f");
}

TEST(StdlibDebugf, ChecksFormatsAsBpfTracePrintkTakesThem) {
  Analysed ok = analyse("BEGIN { debugf(\"%d %-16s %lluns\", 1, comm, nsecs); }");
  EXPECT_TRUE(ok.ok) << ok.errors;
  EXPECT_TRUE(ok.info.uses_debugf);
  EXPECT_NE(ok.errors.find("WARNING: The debugf() builtin is not recommended for production use."),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { debugf(\"%d %d %d %d\", 1, 1, 1, 1); }")
                .find("cannot use more than 3 conversion specifiers"),
            std::string::npos);
  EXPECT_NE(
      error_of("BEGIN { debugf(\"%A\", comm); }").find("Invalid format specifier for `debugf`: A"),
      std::string::npos);
  EXPECT_NE(
      error_of("BEGIN { debugf(\"%s\", 1); }").find("Type does not match format specifier: s"),
      std::string::npos);
  EXPECT_NE(error_of("BEGIN { debugf(\"%d\"); }").find("1 conversion specifiers but 0 arguments"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { debugf(1234); }").find("requires a string literal"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { $x = debugf(\"hi\"); }").find("debugf() does not return a value"),
            std::string::npos);
  EXPECT_FALSE(analyse("BEGIN { printf(\"x\"); }").info.uses_debugf);
}

TEST(StdlibDebugf, LoadsIntoTheKernel) {
  EXPECT_EQ(load_all("tracepoint:test:a { debugf(\"%d %s %x\", pid, comm, args.delta); }"), "");
  EXPECT_EQ(load_all("BEGIN { debugf(\"100%% %u\\n\", 1); }"), "");
}

TEST(StdlibSignalName, PrintsStrsignalsDescription) {
  EXPECT_EQ(type_of("signal_name(2)"), "string");
  EXPECT_EQ(signal_name(2), "Interrupt");
  EXPECT_EQ(signal_name(9), "Killed");
  EXPECT_EQ(signal_name(0), "Unknown signal 0");
  EXPECT_EQ(signal_name(32), "Unknown signal 32");
  EXPECT_EQ(signal_name(34), "Real-time signal 0");
  EXPECT_EQ(signal_name(64), "Real-time signal 30");
  EXPECT_EQ(signal_name(65), "N/A");
  EXPECT_EQ(signal_name(-2), "N/A");
  EXPECT_EQ(signal_name((1ll << 32) + 15), "Terminated"); // taken as a 32-bit int
  uint64_t sig = 15;
  EXPECT_EQ(json_value(Type::make_resolved(ResolvedKind::SignalName, 8),
                       reinterpret_cast<const uint8_t *>(&sig)),
            "\"Terminated\"");
  EXPECT_NE(
      error_of("BEGIN { $v = signal_name(\"INT\"); }").find("signal_name() expects an integer"),
      std::string::npos);
  EXPECT_EQ(load_all("tracepoint:test:a { @[signal_name(args.delta)] = count(); }"), "");
}

TEST(StdlibLen, StacksAndMaps) {
  EXPECT_EQ(type_of("len(kstack)"), "int64");
  EXPECT_EQ(type_of("len(ustack(perf, 5))"), "int64");
  EXPECT_NE(error_of("BEGIN { $v = len(5); }").find("len() expects a map or stack to be provided"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { $s = kstack; $v = len($s); }")
                .find("len() counts the frames of kstack or ustack written in its argument"),
            std::string::npos);
  EXPECT_NE(
      error_of("BEGIN { @m[1] = 1; $v = len(@m[1]); }").find("len() expects a map (without a key)"),
      std::string::npos);
  EXPECT_EQ(load_all("tracepoint:test:a { @[len(kstack), len(ustack(3))] = count(); }"), "");
  EXPECT_EQ(load_all("BEGIN { printf(\"%d\\n\", len(kstack)); }"), "");
}

TEST(StdlibOneIntegerArgument, SameCheckForEachFunction) {
  const std::pair<const char *, const char *> cases[] = {
      {"kptr", "kptr() expects an integer or a pointer (string[2] provided)"},
      {"ksym", "ksym() expects an integer address (string[2] provided)"},
      {"usym", "usym() expects an integer address (string[2] provided)"},
      {"bswap", "bswap() expects an integer (string[2] provided)"},
      {"strerror", "strerror() expects an integer (string[2] provided)"}};
  for (const auto &[fn, message] : cases) {
    EXPECT_NE(error_of(std::string("BEGIN { $v = ") + fn + "(\"x\"); }").find(message),
              std::string::npos)
        << fn;
    EXPECT_NE(error_of(std::string("BEGIN { $v = ") + fn + "(1, 2); }").find("takes 1 argument"),
              std::string::npos)
        << fn;
  }
  EXPECT_NE(error_of("BEGIN { $v = bswap(true); }").find("bswap() expects an integer (bool"),
            std::string::npos);
  EXPECT_EQ(type_of("bswap((uint16)1)"), "uint16");
  EXPECT_EQ(type_of("strerror(1)"), "strerror_t");
}

TEST(StdlibStringLimits, TrailerMarksStringsWithoutNul) {
  uint8_t cut[4] = {'a', 'b', 'c', 'd'};
  uint8_t fits[4] = {'a', 'b', 'c', 0};
  EXPECT_EQ(format_value(Type::string(4), cut), "abcd..");
  EXPECT_EQ(format_value(Type::string(4), fits), "abc");
  set_str_trunc_trailer("[cut]");
  EXPECT_EQ(format_value(Type::string(4), cut), "abcd[cut]");
  set_str_trunc_trailer(kStrTruncTrailer);
  // str(ptr) marks a cut string; str(ptr, n) does not (and neither compiles to a failing load).
  EXPECT_EQ(load_all("tracepoint:test:a { @[str(args.delta)] = count(); }"), "");
  EXPECT_EQ(load_all("tracepoint:test:a { printf(\"%s\\n\", str(args.delta, 5)); }"), "");
}

} // namespace
