// Kernel function probes: the written forms of kprobe/fentry/rawtracepoint attach points, the
// kernel's function lists, BTF descriptions of functions and raw tracepoints (built in memory,
// and read from this machine's /sys/kernel/btf/vmlinux), symbols and stack printing, and how the
// providers resolve on the running kernel (whatever it allows, the outcome must say so).
#include "parser/parse.h"
#include "runtime/btf_tracing.h"
#include "runtime/function_probe_spec.h"
#include "runtime/kernel_btf.h"
#include "runtime/kernel_functions.h"
#include "runtime/kernel_symbols.h"
#include "runtime/kprobe_pmu.h"
#include "runtime/probe_provider.h"
#include "runtime/stack_format.h"
#include "test_support.h"

#include <bpf/btf.h>
#include <gtest/gtest.h>
#include <unistd.h>

namespace bpfscope {
namespace {

FunctionProbeSpec parse_ok(std::vector<std::string> parts, bool allow_offset = true) {
  FunctionProbeSpec spec;
  std::string error;
  EXPECT_TRUE(parse_function_probe(parts, allow_offset, spec, &error)) << error;
  return spec;
}

std::string parse_error(std::vector<std::string> parts, bool allow_offset = true) {
  FunctionProbeSpec spec;
  std::string error;
  EXPECT_FALSE(parse_function_probe(parts, allow_offset, spec, &error));
  return error;
}

// Resolves one attach point with the real providers; returns the targets, errors in *errors.
std::vector<ProbeTarget> resolve(const std::string &attach_point, std::string *errors) {
  std::string source = attach_point + " { }";
  Diagnostics diags("stdin", source);
  auto program = parse_program(source, diags);
  std::vector<ProbeTarget> targets;
  if (program) {
    ProviderRegistry registry;
    registry.resolve(*program->probes.at(0)->attach_points.at(0), targets, diags);
  }
  errors->clear();
  for (auto &d : diags.all())
    *errors += diags.render(d);
  return targets;
}

bool has_vmlinux_btf() { return access("/sys/kernel/btf/vmlinux", R_OK) == 0; }

// ------------------------------------------------------------------ attach point syntax

TEST(Kprobe, ParsesFunctionModuleAndOffset) {
  FunctionProbeSpec s = parse_ok({"kprobe", "do_sys_openat2"});
  EXPECT_EQ(s.function, "do_sys_openat2");
  EXPECT_EQ(s.module, "");
  EXPECT_FALSE(s.has_offset);

  s = parse_ok({"kprobe", "ext4", "ext4_file_open"});
  EXPECT_EQ(s.module, "ext4");
  EXPECT_EQ(s.function, "ext4_file_open");

  s = parse_ok({"kprobe", "vfs_read+16"});
  EXPECT_EQ(s.function, "vfs_read");
  EXPECT_TRUE(s.has_offset);
  EXPECT_EQ(s.offset, 16u);
  EXPECT_EQ(parse_ok({"k", "vfs_read+0x10"}).offset, 16u);

  s = parse_ok({"kprobe", "vfs_*"});
  EXPECT_TRUE(s.is_glob());
  EXPECT_TRUE(parse_ok({"kprobe", "ext*", "ext4_file_open"}).is_glob());
}

TEST(Kprobe, RejectsMalformedSpecs) {
  EXPECT_EQ(parse_error({"kprobe", "vfs_read+x"}), "kprobe:vfs_read+x: invalid offset 'x'");
  EXPECT_EQ(parse_error({"kprobe", "vfs_read+"}), "kprobe:vfs_read+: invalid offset ''");
  EXPECT_EQ(parse_error({"kprobe", "vfs_read+-4"}), "kprobe:vfs_read+-4: invalid offset '-4'");
  EXPECT_EQ(parse_error({"kretprobe", "vfs_read+4"}, false),
            "kretprobe probes do not take an offset (vfs_read+4)");
  EXPECT_EQ(parse_error({"kprobe", "vfs_*+4"}),
            "kprobe:vfs_*: an offset cannot be used with a wildcard");
  EXPECT_EQ(parse_error({"kprobe", ""}), "kprobe probe needs a function name: kprobe:FUNCTION");
  EXPECT_EQ(parse_error({"kprobe"}), "kprobe probe must be kprobe:FUNCTION or "
                                     "kprobe:MODULE:FUNCTION");
  EXPECT_EQ(parse_error({"kprobe", "a", "b", "c"}),
            "kprobe probe must be kprobe:FUNCTION or kprobe:MODULE:FUNCTION");
  EXPECT_EQ(parse_error({"kprobe", "", "vfs_read"}),
            "kprobe probe has an empty module name: kprobe:MODULE:FUNCTION");
}

TEST(Kprobe, CanonicalNames) {
  EXPECT_EQ(function_probe_name("kprobe", "", "vfs_read"), "kprobe:vfs_read");
  EXPECT_EQ(function_probe_name("kprobe", "vmlinux", "vfs_read"), "kprobe:vfs_read");
  EXPECT_EQ(function_probe_name("kprobe", "ext4", "ext4_file_open"), "kprobe:ext4:ext4_file_open");
  EXPECT_EQ(function_probe_name("kprobe", "", "vfs_read", 8), "kprobe:vfs_read+8");
}

TEST(Kprobe, SyscallFunctionNames) {
  EXPECT_EQ(syscall_name_of_function("__x64_sys_openat"), "openat");
  EXPECT_EQ(syscall_name_of_function("__ia32_sys_read"), "read");
  EXPECT_EQ(syscall_name_of_function("__se_sys_openat"), "openat");
  EXPECT_EQ(syscall_name_of_function("__do_sys_clone3"), "clone3");
  EXPECT_EQ(syscall_name_of_function("do_sys_openat2"), "openat2");
  EXPECT_EQ(syscall_name_of_function("ksys_read"), "read");
  EXPECT_EQ(syscall_name_of_function("vfs_read"), "");
  EXPECT_EQ(syscall_name_of_function("sys_"), "");
}

// ------------------------------------------------------------------ function lists

TEST(Kprobe, ParsesAvailableFilterFunctions) {
  auto fns = parse_available_filter_functions("vfs_read\next4_file_open [ext4]\n"
                                              "vfs_read\n\nalpha\n");
  ASSERT_EQ(fns.size(), 3u);
  EXPECT_EQ(fns[0], (KernelFunction{"alpha", ""}));
  EXPECT_EQ(fns[1], (KernelFunction{"ext4_file_open", "ext4"}));
  EXPECT_EQ(fns[2], (KernelFunction{"vfs_read", ""}));
}

TEST(Kprobe, KallsymsFallbackKeepsPlainTextSymbols) {
  auto fns = functions_from_kallsyms("ffffffff81000000 T _stext\n"
                                     "ffffffff81001000 t helper.isra.0\n"
                                     "ffffffff81002000 T __pfx_vfs_read\n"
                                     "ffffffff81002010 T vfs_read\n"
                                     "ffffffff81003000 t fixup.cold\n"
                                     "ffffffff82000000 D jiffies\n"
                                     "ffffffffc0000000 t ext4_file_open\t[ext4]\n");
  ASSERT_EQ(fns.size(), 3u);
  EXPECT_EQ(fns[0], (KernelFunction{"_stext", ""}));
  EXPECT_EQ(fns[1], (KernelFunction{"ext4_file_open", "ext4"}));
  EXPECT_EQ(fns[2], (KernelFunction{"vfs_read", ""}));
}

TEST(Kprobe, ParsesKprobeBlacklist) {
  auto names = parse_kprobe_blacklist("0xffffffff81001000-0xffffffff81001010\tdo_int3\n"
                                      "0x0000000000000000-0x0000000000000000\tnmi_handle\n");
  EXPECT_EQ(names, (std::set<std::string>{"do_int3", "nmi_handle"}));
}

TEST(Kprobe, ParsesPmuFormatBit) {
  EXPECT_EQ(pmu_format_bit("config:0\n"), 0);
  EXPECT_EQ(pmu_format_bit("config:12"), 12);
  EXPECT_EQ(pmu_format_bit("config:0-3\n"), -1);
  EXPECT_EQ(pmu_format_bit("config1:0\n"), -1);
  EXPECT_EQ(pmu_format_bit(""), -1);
}

// ------------------------------------------------------------------ the running kernel

TEST(Kprobe, ResolvesOnThisKernelOrSaysWhatIsMissing) {
  std::string errors;
  auto targets = resolve("kprobe:do_sys_openat2", &errors);
  if (kprobe_pmu_available()) {
    ASSERT_EQ(targets.size(), 1u) << errors;
    EXPECT_EQ(targets[0].program_kind, ProgramKind::Kprobe);
    EXPECT_EQ(targets[0].arg_source, ArgumentSource::PtRegs);
    EXPECT_EQ(targets[0].function, "do_sys_openat2");
  } else if (targets.empty()) {
    EXPECT_NE(errors.find("kprobes are not available: this kernel was built without "
                          "CONFIG_KPROBES"),
              std::string::npos)
        << errors;
    EXPECT_NE(errors.find("HINT: trace the system call with tracepoint:syscalls:"
                          "sys_enter_openat2"),
              std::string::npos)
        << errors;
  } else { // the fentry fallback
    EXPECT_EQ(targets[0].program_kind, ProgramKind::Tracing);
    EXPECT_EQ(targets[0].name, "kprobe:do_sys_openat2");
    EXPECT_NE(targets[0].note.find("runs as fentry:do_sys_openat2"), std::string::npos);
  }
}

TEST(Kprobe, UnknownFunctionSuggestsClosestNames) {
  std::string errors;
  auto targets = resolve("kprobe:do_sys_opnat2", &errors);
  EXPECT_TRUE(targets.empty());
  EXPECT_NE(errors.find("ERROR: No kernel function named do_sys_opnat2"), std::string::npos)
      << errors;
  EXPECT_NE(errors.find("HINT: Did you mean do_sys_openat2"), std::string::npos) << errors;
}

// Resolves every attach point to one target made by `make` (a provider's view, no kernel).
class OneTargetResolver : public ProbeResolver {
public:
  explicit OneTargetResolver(ProbeTarget t) : target_(std::move(t)) {}
  bool resolve(const ast::AttachPoint &, std::vector<ProbeTarget> &out, Diagnostics &) override {
    out.push_back(target_);
    return true;
  }

private:
  ProbeTarget target_;
};

TEST(Kprobe, ReturnProbesHaveNoArguments) {
  ProbeTarget t;
  t.provider = "kretprobe";
  t.name = "kretprobe:vfs_read";
  t.program_kind = ProgramKind::Kprobe;
  t.arg_source = ArgumentSource::PtRegs;
  t.has_retval = true;
  t.function = "vfs_read";
  std::string source = "kretprobe:vfs_read { @ = arg0; }";
  Diagnostics diags("stdin", source);
  auto program = parse_program(source, diags);
  ASSERT_TRUE(program);
  OneTargetResolver resolver(t);
  ProgramInfo info;
  EXPECT_FALSE(analyse_program(*program, resolver, SemanticOptions{}, info, diags));
  std::string errors;
  for (auto &d : diags.all())
    errors += diags.render(d);
  EXPECT_NE(errors.find("ERROR: The arg0 builtin cannot be used in kretprobe:vfs_read: a return "
                        "probe no longer has the arguments"),
            std::string::npos)
      << errors;
}

TEST(Kprobe, KretprobeTakesNoOffset) {
  std::string errors;
  EXPECT_TRUE(resolve("kretprobe:vfs_read+4", &errors).empty());
  EXPECT_NE(errors.find("kretprobe probes do not take an offset"), std::string::npos) << errors;
}

// ------------------------------------------------------------------ fentry

BtfFunction sample_function() {
  BtfFunction f;
  f.name = "do_sys_openat2";
  f.btf_id = 42;
  f.params = {{"dfd", ContextField::Kind::Integer, 4, true, "int"},
              {"filename", ContextField::Kind::Pointer, 8, false, "const char *"},
              {"how", ContextField::Kind::Pointer, 8, false, "struct open_how *"}};
  f.returns_void = false;
  f.ret = {"", ContextField::Kind::Integer, 8, true, "long"};
  return f;
}

TEST(Fentry, TargetHasOneFieldPerParameter) {
  ProbeTarget t;
  fill_btf_tracing_target(sample_function(), false, t);
  EXPECT_EQ(t.program_kind, ProgramKind::Tracing);
  EXPECT_EQ(t.arg_source, ArgumentSource::U64Array);
  EXPECT_EQ(t.max_args, 3);
  EXPECT_FALSE(t.has_retval);
  EXPECT_EQ(t.btf_id, 42);
  EXPECT_EQ(t.function, "do_sys_openat2");
  ASSERT_EQ(t.fields.size(), 3u);
  EXPECT_EQ(t.fields[0].name, "dfd");
  EXPECT_EQ(t.fields[0].offset, 0);
  EXPECT_EQ(t.fields[0].size, 4);
  EXPECT_TRUE(t.fields[0].is_signed);
  EXPECT_EQ(t.fields[1].name, "filename");
  EXPECT_EQ(t.fields[1].kind, ContextField::Kind::Pointer);
  EXPECT_EQ(t.fields[1].offset, 8);
  EXPECT_EQ(t.fields[2].offset, 16);
}

TEST(Fentry, FexitReturnValueFollowsTheArguments) {
  ProbeTarget t;
  fill_btf_tracing_target(sample_function(), true, t);
  EXPECT_TRUE(t.has_retval);
  EXPECT_EQ(t.retval_index, 3);
  EXPECT_EQ(t.retval_size, 8); // long
  EXPECT_TRUE(t.retval_signed);
  BtfFunction int_function = sample_function();
  int_function.ret = {"", ContextField::Kind::Integer, 4, true, "int"};
  ProbeTarget narrow;
  fill_btf_tracing_target(int_function, true, narrow);
  EXPECT_EQ(narrow.retval_size, 4);
  EXPECT_TRUE(narrow.retval_signed);
  LoadAttributes a = btf_tracing_load_attributes(t, BPF_TRACE_FEXIT);
  EXPECT_EQ(a.type, BPF_PROG_TYPE_TRACING);
  EXPECT_EQ(a.expected_attach_type, BPF_TRACE_FEXIT);
  EXPECT_EQ(a.attach_btf_id, 42);
  EXPECT_EQ(a.attach_btf_obj_fd, 0);
}

TEST(Fentry, TakesNoOffset) {
  EXPECT_EQ(parse_error({"fentry", "vfs_read+4"}, false),
            "fentry probes do not take an offset (vfs_read+4)");
}

TEST(Fentry, SignatureInCSpelling) {
  EXPECT_EQ(sample_function().signature(),
            "long do_sys_openat2(int dfd, const char * filename, struct open_how * how)");
}

TEST(Fentry, ResolvesOnThisKernelOrSaysItRefusesFentry) {
  if (!has_vmlinux_btf())
    GTEST_SKIP() << "this kernel has no BTF (/sys/kernel/btf/vmlinux)";
  std::string errors;
  auto targets = resolve("kfunc:do_sys_openat2", &errors);
  if (targets.empty()) {
    EXPECT_NE(errors.find("this kernel refuses fentry programs (fentry:do_sys_openat2: "),
              std::string::npos)
        << errors;
    return;
  }
  EXPECT_EQ(targets[0].provider, "fentry");
  EXPECT_EQ(targets[0].name, "fentry:do_sys_openat2");
  ASSERT_EQ(targets[0].fields.size(), 3u);
  EXPECT_EQ(targets[0].fields[0].name, "dfd");
  EXPECT_EQ(targets[0].fields[1].name, "filename");
  EXPECT_EQ(targets[0].fields[2].name, "how");
}

// ------------------------------------------------------------------ BTF

// A BTF with: int, char, const char *, long, a function `long f(int a, const char *s)`, and the
// raw tracepoint typedef `btf_trace_ev` = void (*)(void *, long id).
struct SampleBtf {
  struct btf *btf = btf__new_empty();
  SampleBtf() {
    int i32 = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
    int chr = btf__add_int(btf, "char", 1, BTF_INT_CHAR);
    int cchr = btf__add_const(btf, chr);
    int str = btf__add_ptr(btf, cchr);
    int i64 = btf__add_int(btf, "long", 8, BTF_INT_SIGNED);
    int proto = btf__add_func_proto(btf, i64);
    btf__add_func_param(btf, "a", i32);
    btf__add_func_param(btf, "s", str);
    btf__add_func(btf, "f", BTF_FUNC_GLOBAL, proto);
    int voidp = btf__add_ptr(btf, 0);
    int tp_proto = btf__add_func_proto(btf, 0);
    btf__add_func_param(btf, "__data", voidp);
    btf__add_func_param(btf, "id", i64);
    int tp_ptr = btf__add_ptr(btf, tp_proto);
    btf__add_typedef(btf, "btf_trace_ev", tp_ptr);
  }
  ~SampleBtf() { btf__free(btf); }
};

TEST(Btf, DescribesAFunctionFromItsProto) {
  SampleBtf sample;
  BtfView view(sample.btf);
  auto f = view.function("f");
  ASSERT_TRUE(f);
  EXPECT_GT(f->btf_id, 0);
  ASSERT_EQ(f->params.size(), 2u);
  EXPECT_EQ(f->params[0].name, "a");
  EXPECT_EQ(f->params[0].kind, ContextField::Kind::Integer);
  EXPECT_EQ(f->params[0].size, 4);
  EXPECT_TRUE(f->params[0].is_signed);
  EXPECT_EQ(f->params[1].name, "s");
  EXPECT_EQ(f->params[1].kind, ContextField::Kind::Pointer);
  EXPECT_EQ(f->params[1].type_name, "const char *");
  EXPECT_FALSE(f->returns_void);
  EXPECT_EQ(f->signature(), "long f(int a, const char * s)");
  EXPECT_FALSE(view.function("g"));
  EXPECT_EQ(view.function_names(), std::vector<std::string>{"f"});
}

TEST(Btf, RawTracepointSkipsItsPrivateFirstArgument) {
  SampleBtf sample;
  BtfView view(sample.btf);
  auto tp = view.raw_tracepoint("ev");
  ASSERT_TRUE(tp);
  ASSERT_EQ(tp->params.size(), 1u);
  EXPECT_EQ(tp->params[0].name, "id");
  EXPECT_EQ(tp->params[0].size, 8);
  EXPECT_EQ(view.raw_tracepoint_names(), std::vector<std::string>{"ev"});
  EXPECT_FALSE(view.raw_tracepoint("f"));
}

TEST(Btf, FindsKernelFunctionsInThisKernelsBtf) {
  if (!has_vmlinux_btf())
    GTEST_SKIP() << "this kernel has no BTF (/sys/kernel/btf/vmlinux)";
  std::string error;
  const BtfView *view = KernelBtf::running().view("", &error);
  ASSERT_TRUE(view) << error;
  auto f = view->function("do_sys_openat2");
  ASSERT_TRUE(f);
  // (it returns long up to Linux 6.x, int in later kernels)
  EXPECT_NE(
      f->signature().find(" do_sys_openat2(int dfd, const char * filename, struct open_how * how)"),
      std::string::npos)
      << f->signature();
  EXPECT_TRUE(f->params[0].is_signed);
  EXPECT_EQ(f->params[0].size, 4);
  auto tp = view->raw_tracepoint("sys_enter");
  ASSERT_TRUE(tp);
  ASSERT_EQ(tp->params.size(), 2u);
  EXPECT_EQ(tp->params[0].kind, ContextField::Kind::Pointer); // struct pt_regs *regs
  EXPECT_EQ(tp->params[1].name, "id");
  EXPECT_TRUE(tp->params[1].is_signed);
  EXPECT_FALSE(view->function("no_such_function_here"));
}

TEST(Btf, UnknownModuleIsAnError) {
  if (!has_vmlinux_btf())
    GTEST_SKIP() << "this kernel has no BTF (/sys/kernel/btf/vmlinux)";
  std::string error;
  EXPECT_FALSE(KernelBtf::running().view("no_such_module", &error));
  EXPECT_EQ(error, "no BTF for module no_such_module (is it loaded?)");
}

// ------------------------------------------------------------------ symbols and stacks

TEST(Kstack, NamesAddressesFromKallsyms) {
  KernelSymbols syms = KernelSymbols::parse("ffffffff81000100 T vfs_read\n"
                                            "ffffffff81000000 T _stext\n"
                                            "ffffffff81000200 D some_data\n"
                                            "ffffffff81000300 t vfs_write\n");
  EXPECT_EQ(kernel_symbol_name(syms, 0xffffffff81000105, true), "vfs_read+5");
  EXPECT_EQ(kernel_symbol_name(syms, 0xffffffff81000100, true), "vfs_read+0");
  EXPECT_EQ(kernel_symbol_name(syms, 0xffffffff81000105, false), "vfs_read");
  // Data symbols do not end a function: kallsyms has no sizes.
  EXPECT_EQ(kernel_symbol_name(syms, 0xffffffff81000210, true), "vfs_read+272");
  EXPECT_EQ(kernel_symbol_name(syms, 0xffffffff80000000, true), "0xffffffff80000000");
  EXPECT_EQ(syms.address_of("some_data"), 0xffffffff81000200u);
  EXPECT_FALSE(syms.address_of("missing"));
  EXPECT_TRUE(KernelSymbols::parse("0000000000000000 T a\n").addresses_hidden());
}

TEST(Kstack, PrintsFramesLikeBpftrace) {
  std::vector<uint64_t> frames = {0xffffffff81000000, 0xdead, 0, 0xbeef};
  Type raw = Type::stack(false, StackMode::Raw, 4);
  EXPECT_EQ(format_stack_frames(raw, frames, 0), "\nffffffff81000000\ndead\n");
  Type user_perf = Type::stack(true, StackMode::Perf, 4);
  set_user_frame_symbolizer([](uint32_t pid, uint64_t address, bool) {
    return address == 0xdead ? "main+" + std::to_string(pid) : std::string();
  });
  EXPECT_EQ(format_stack_frames(user_perf, frames, 7),
            "\n\tffffffff81000000 0xffffffff81000000\n\tdead main+7\n");
  Type user = Type::stack(true, StackMode::Bpftrace, 4);
  EXPECT_EQ(format_stack_frames(user, {0xdead}, 3), "\n        main+3\n");
  set_user_frame_symbolizer(nullptr);
  EXPECT_EQ(make_stack_value(-14, 5), 0x00000005fffffff2u);
  // A failed bpf_get_stackid() (negative id) prints as nothing.
  EXPECT_EQ(format_stack(user, make_stack_value(-14, 5)), "");
}

TEST(Kstack, StackTypesOfDifferentShapeDoNotMix) {
  EXPECT_EQ(Type::stack(false, StackMode::Bpftrace, 127).name(), "kstack");
  EXPECT_EQ(Type::stack(true, StackMode::Perf, 3).name(), "ustack");
  EXPECT_TRUE(
      Type::stack(false, StackMode::Perf, 3).same_kind(Type::stack(false, StackMode::Perf, 3)));
  EXPECT_FALSE(
      Type::stack(false, StackMode::Perf, 3).same_kind(Type::stack(false, StackMode::Raw, 3)));
  EXPECT_FALSE(Type::stack(false, StackMode::Perf, 3) == Type::stack(false, StackMode::Perf, 4));
  EXPECT_EQ(Type::ksym().name(), "ksym_t");
}

// The semantic pass: kstack's forms, ksym and kaddr (resolved through the options' hook).
struct Analysis {
  ProgramInfo info;
  std::string errors;
  bool ok = false;
};

Analysis analyse_with_symbols(const std::string &source) {
  Analysis a;
  Diagnostics diags("stdin", source);
  auto program = parse_program(source, diags);
  if (program) {
    testing::FakeResolver resolver;
    SemanticOptions opts;
    opts.kernel_symbol_address = [](const std::string &name) -> std::optional<uint64_t> {
      if (name == "avenrun")
        return 0xffffffff82001000;
      return std::nullopt;
    };
    a.ok = analyse_program(*program, resolver, opts, a.info, diags);
  }
  for (auto &d : diags.all())
    a.errors += diags.render(d);
  return a;
}

TEST(Kstack, MapKeysOfEveryForm) {
  Analysis a = analyse_with_symbols(
      "kprobe:f { @a[kstack] = count(); @b[kstack(perf, 3)] = count(); @c[kstack(raw)] = "
      "count(); @d[kstack(5), comm] = count(); @e[kstack()] = count(); }");
  ASSERT_TRUE(a.ok) << a.errors;
  EXPECT_EQ(a.info.stack_limits, (std::vector<int>{127, 3, 5}));
  const MapInfo &b = a.info.maps[a.info.map_ids.at("@b")];
  EXPECT_EQ(b.key_type.kind, TypeKind::Stack);
  EXPECT_EQ(b.key_type.stack_mode, StackMode::Perf);
  EXPECT_EQ(b.key_type.stack_limit, 3);
  EXPECT_FALSE(b.key_type.stack_user);
  EXPECT_EQ(a.info.maps[a.info.map_ids.at("@c")].key_type.stack_mode, StackMode::Raw);
}

TEST(Kstack, RejectsBadModesAndLimits) {
  Analysis a = analyse_with_symbols("kprobe:f { @[kstack(fast)] = count(); }");
  EXPECT_NE(a.errors.find("kstack(): unknown stack mode 'fast'"), std::string::npos) << a.errors;
  a = analyse_with_symbols("kprobe:f { @[kstack(0)] = count(); }");
  EXPECT_NE(a.errors.find("the number of frames must be between 1 and 127 (0 provided)"),
            std::string::npos)
      << a.errors;
  a = analyse_with_symbols("kprobe:f { @[kstack(perf, 3, 4)] = count(); }");
  EXPECT_FALSE(a.ok);
  a = analyse_with_symbols("kprobe:f { @[kstack(arg0)] = count(); }");
  EXPECT_NE(a.errors.find("kstack() expects a constant number of frames"), std::string::npos)
      << a.errors;
  a = analyse_with_symbols("kprobe:f { @x = kstack; @x = kstack(3); }");
  EXPECT_NE(a.errors.find("Type mismatch for @x"), std::string::npos) << a.errors;
}

TEST(Kstack, KsymAndKaddr) {
  Analysis a = analyse_with_symbols(
      "kprobe:f { printf(\"%s %x\\n\", ksym(arg0), kaddr(\"avenrun\")); @[ksym(arg1)] = "
      "count(); }");
  ASSERT_TRUE(a.ok) << a.errors;
  EXPECT_EQ(a.info.kernel_addresses, (std::vector<uint64_t>{0xffffffff82001000}));
  EXPECT_EQ(a.info.printfs.at(0).args.fields.at(0).kind, TypeKind::Ksym);
  a = analyse_with_symbols("kprobe:f { print(kaddr(\"nope\")); }");
  EXPECT_NE(a.errors.find("ERROR: Could not resolve kernel symbol: nope"), std::string::npos)
      << a.errors;
  a = analyse_with_symbols("kprobe:f { print(kaddr(comm)); }");
  EXPECT_NE(a.errors.find("kaddr() expects a string literal"), std::string::npos) << a.errors;
  a = analyse_with_symbols("kprobe:f { print(ksym(comm)); }");
  EXPECT_NE(a.errors.find("ksym() expects an integer address (string[16] provided)"),
            std::string::npos)
      << a.errors;
}

} // namespace
} // namespace bpfscope
