// Codegen: every construct compiles to BPF that the running kernel's verifier accepts. The
// tests load programs for real (as root) but attach nothing.
#include "analysis_support.h"
#include "codegen/codegen.h"
#include "runtime/loader.h"
#include "test_support.h"

#include <bpf/bpf.h>
#include <cstring>
#include <gtest/gtest.h>
#include <unistd.h>

using namespace bpfscope;
using bpfscope::testing::analyse;
using bpfscope::testing::compile;
using bpfscope::testing::Compiled;
using bpfscope::testing::load_all;

namespace {

TEST(Codegen, OneProgramPerProbeWithItsKind) {
  Compiled c = compile("BEGIN { } tracepoint:test:a { @ = count(); } interval:s:1 { }");
  ASSERT_TRUE(c.ok) << c.errors;
  ASSERT_EQ(c.object.programs.size(), 3u);
  EXPECT_EQ(c.object.programs[0].kind, ProgramKind::Special);
  EXPECT_EQ(c.object.programs[1].kind, ProgramKind::Tracepoint);
  EXPECT_EQ(c.object.programs[2].kind, ProgramKind::PerfEvent);
  for (auto &p : c.object.programs)
    EXPECT_FALSE(p.instructions.empty());
}

TEST(Codegen, TargetsShareAProgramUnlessArgsDiffer) {
  Compiled shared = compile("tracepoint:test:a, tracepoint:test:b { @ = count(); }");
  ASSERT_TRUE(shared.ok) << shared.errors;
  EXPECT_EQ(shared.object.programs.size(), 1u);
  EXPECT_EQ(shared.object.programs[0].target_indices.size(), 2u);
  Compiled split = compile("tracepoint:test:a, tracepoint:test:b { @ = sum(args.count); }");
  ASSERT_TRUE(split.ok) << split.errors;
  EXPECT_EQ(split.object.programs.size(), 2u);
}

TEST(Codegen, MapReferencesAreIndexesForTheLoader) {
  Compiled c = compile("BEGIN { @a = 1; @b = 2; }");
  ASSERT_TRUE(c.ok) << c.errors;
  std::set<int> indexes;
  const auto &insns = c.object.programs[0].instructions;
  for (size_t i = 0; i < insns.size(); i++) {
    uint64_t in = insns[i];
    uint8_t code = in & 0xff, src = (in >> 12) & 0xf;
    if (code == 0x18 && src == 1) {
      indexes.insert(static_cast<int>(in >> 32));
      i++;
    }
  }
  // 4: the helper error slots, for the "Map full" warning of each update (helper_errors.h).
  EXPECT_EQ(indexes, (std::set<int>{0, 1, 4}));
  EXPECT_EQ(c.object.internal.ring_buffer, 2);
  EXPECT_EQ(c.object.internal.globals, 3);
  EXPECT_EQ(c.object.internal.helper_errors, 4);
}

TEST(Codegen, KeepsIrWhenAsked) {
  auto a = analyse("BEGIN { @x = 1; }");
  ASSERT_TRUE(a.ok);
  Diagnostics diags("stdin", "");
  CompiledObject object;
  CodegenOptions opts;
  opts.keep_ir = true;
  ASSERT_TRUE(compile_program(*a.program, a.info, opts, object, diags));
  EXPECT_NE(object.ir.find("section \"prog_0\""), std::string::npos);
}

class VerifierAccepts : public ::testing::TestWithParam<const char *> {};

TEST_P(VerifierAccepts, Program) { EXPECT_EQ(load_all(GetParam()), "") << GetParam(); }

INSTANTIATE_TEST_SUITE_P(
    Codegen, VerifierAccepts,
    ::testing::Values(
        "BEGIN { printf(\"%-8s %5d %x\\n\", \"hi\", 42, 255); exit(); }",
        "BEGIN { @c[\"x\"] = count(); @s = sum(5); @a = avg(3); @mi = min(-1); @ma = max(2); "
        "@st = stats(4); }",
        "BEGIN { @h = hist(100); @l = lhist(12, 0, 50, 10); @k[1] = hist(3); }",
        "BEGIN { $t = (1, \"two\", 3); print($t); print($t.1); @t[1, \"a\"] = $t; }",
        "BEGIN { $s = \"abc\"; if ($s == \"abd\") { print(1); } else if ($s != \"x\") { "
        "print(2); } else { print(3); } }",
        "BEGIN { $x = -7; print($x / 2); print($x % 3); print($x > 1 ? 1 : 2); "
        "print($x << 2 >> 1); print(!$x && $x || ~$x); }",
        "BEGIN { @c = 1; @c++; @c += 5; $i = 0; $i++; --$i; print((uint8)$i); }",
        "BEGIN { print(pid); print(tid); print(uid); print(gid); print(comm); print(nsecs); "
        "print(elapsed); print(cpu); print(rand); print(curtask); print(cgroup); "
        "print(probe); time(); }",
        "BEGIN { @m[1] = 2; delete(@m[1]); delete(@m, 1); clear(@m); zero(@m); print(@m, 2, 10); "
        "}",
        "tracepoint:test:ev { printf(\"%s %d %s %d\\n\", str(args.filename), args.count, "
        "args.comm, args.delta); @[args->comm] = count(); }",
        "tracepoint:test:ev { @ = hist(args.count); $l = args.count; @s = str(args.filename, "
        "$l); }",
        "interval:s:1 { @ticks = count(); exit(); }",
        "BEGIN { $a = \"short\"; $a = \"a much longer string\"; print($a); @m[$a] = 1; "
        "@m[\"x\"] = 2; }",
        "kprobe:test:do_open { @[func] = sum(arg1); printf(\"%d %d\\n\", arg0, arg5); }",
        "kretprobe:test:do_open { @ = hist(retval); }",
        "fexit:test:f { printf(\"%d %d %d\\n\", arg0, arg1, retval); }"));

TEST(Codegen, LoopsPassTheVerifier) {
  EXPECT_EQ(load_all("BEGIN { $i = 0; while ($i < 100) { $i++; if ($i == 5) { continue; } "
                     "if ($i > 50) { break; } @s = sum($i); } unroll(4) { @u++; } return; }"),
            "");
}

TEST(Codegen, UnrollRepeatsTheBody) {
  Compiled once = compile("BEGIN { @x++; }");
  Compiled four = compile("BEGIN { unroll(4) { @x++; } }");
  ASSERT_TRUE(once.ok && four.ok) << once.errors << four.errors;
  EXPECT_GT(four.object.programs[0].instructions.size(),
            3 * once.object.programs[0].instructions.size() / 2);
}

TEST(Codegen, LoopErrors) {
  EXPECT_NE(analyse("BEGIN { break; }").errors.find("break used outside of a loop"),
            std::string::npos);
  EXPECT_NE(analyse("BEGIN { unroll(101) { } }").errors.find("maximum value is 100"),
            std::string::npos);
  EXPECT_NE(analyse("BEGIN { $n = 2; unroll($n) { } }").errors.find("constant integer count"),
            std::string::npos);
  EXPECT_NE(analyse("BEGIN { while (\"s\") { } }").errors.find("Invalid condition in while()"),
            std::string::npos);
  EXPECT_NE(analyse("BEGIN { while (1) { unroll(2) { break; } } }").errors.find("outside"),
            std::string::npos);
}

TEST(Codegen, BackendErrorsPointAtTheProbe) {
  std::string tuple = "(";
  for (int i = 0; i < 40; i++)
    tuple += "comm, ";
  tuple += "comm)";
  Compiled c = compile("BEGIN { $t = " + tuple + "; print($t); }");
  EXPECT_FALSE(c.ok);
  EXPECT_NE(c.errors.find("stdin:1:1-"), std::string::npos) << c.errors;
  EXPECT_NE(c.errors.find("cannot compile probe BEGIN: Looks like the BPF stack limit is "
                          "exceeded."),
            std::string::npos)
      << c.errors;
  EXPECT_NE(c.errors.find("HINT: the probe needs more than the 512 bytes"), std::string::npos);
}

TEST(Codegen, ArgumentsComeFromTheCallingConvention) {
  Compiled c = compile("kprobe:test:f { print(arg0); } kprobe:test:g { print(arg1); }");
  ASSERT_TRUE(c.ok) << c.errors;
  // One program serves both targets; the builtin reads di (112) then si (104) of pt_regs.
  ASSERT_EQ(c.object.programs.size(), 2u);
  auto loads_from_ctx_offset = [](const std::vector<uint64_t> &insns, int16_t off) {
    for (uint64_t in : insns)
      if ((in & 0xff) == 0x79 && static_cast<int16_t>((in >> 16) & 0xffff) == off)
        return true;
    return false;
  };
  EXPECT_TRUE(loads_from_ctx_offset(c.object.programs[0].instructions, 112));
  EXPECT_TRUE(loads_from_ctx_offset(c.object.programs[1].instructions, 104));
}

TEST(Codegen, ArgumentBuiltinErrors) {
  EXPECT_NE(analyse("BEGIN { print(arg0); }").errors.find("arg0 builtin can only be used"),
            std::string::npos);
  EXPECT_NE(analyse("kprobe:test:f { print(arg6); }").errors.find("out of range"),
            std::string::npos);
  EXPECT_NE(analyse("kprobe:test:f { print(retval); }").errors.find("only be used with return"),
            std::string::npos);
  EXPECT_NE(analyse("tracepoint:test:x { print(func); }").errors.find("func builtin"),
            std::string::npos);
}

TEST(Codegen, VerifierRejectionIsExplained) {
  // A hand-written program that jumps to itself forever: the loader must name the probe and
  // quote the verifier, never just an errno.
  CompiledProgram p;
  p.name = "BEGIN";
  // 0: r0 = 0; 1: if r0 == 0 goto 0; 2: exit
  p.instructions = {0x00000000000000b7ULL, 0x00000000fffe0015ULL, 0x0000000000000095ULL};
  LoadAttributes attributes;
  attributes.type = BPF_PROG_TYPE_RAW_TRACEPOINT;
  LoadResult r = load_program(p, attributes, {}, false);
  ASSERT_LT(r.fd, 0);
  EXPECT_NE(r.error.find("verifier rejected the program for probe BEGIN"), std::string::npos)
      << r.error;
  EXPECT_NE(r.error.find("its last lines"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("HINT: the program contains a loop"), std::string::npos) << r.error;
}

TEST(Codegen, VerifierHints) {
  EXPECT_NE(verifier_hint("back-edge from insn 5 to 3").find("loop"), std::string::npos);
  EXPECT_NE(verifier_hint("combined stack size of 2 calls is 600").find("512 bytes"),
            std::string::npos);
  EXPECT_NE(verifier_hint("R1 invalid mem access 'scalar'").find("str()"), std::string::npos);
  EXPECT_EQ(verifier_hint("all good"), "");
}

} // namespace

namespace {

TEST(CodegenFor, RangeAndMapLoopsPassTheVerifier) {
  // Captured variables are written through the context; break, continue, return and exit()
  // leave the callback; loops nest (a callback calling bpf_loop again).
  EXPECT_EQ(load_all("BEGIN { $s = 0; $t = \"x\"; for ($i : 0..10) { if ($i == 2) { continue; } "
                     "if ($i == 7) { break; } $s += $i; @h[$i] = $s; } "
                     "for ($kv : @h) { @sum += $kv.1; if ($kv.0 == 3) { return; } } "
                     "for ($a : 0..3) { for ($b : $a..3) { @n[$a, $b] = 1; } exit(); } }"),
            "");
  EXPECT_EQ(load_all("BEGIN { @m[\"a\", 1] = \"v\"; for ($kv : @m) { printf(\"%s %d %s\\n\", "
                     "$kv.0.0, $kv.0.1, $kv.1); print($kv); } }"),
            "");
}

TEST(CodegenFor, TracepointContextReachesTheBody) {
  EXPECT_EQ(load_all("tracepoint:test:a { for ($i : 0..2) { "
                     "@[str(args.filename), $i, args.delta, args.comm] = count(); } }"),
            "");
}

TEST(CodegenFor, CallbacksAreSeparateFunctionsReferencedByOffset) {
  Compiled c = compile("BEGIN { for ($i : 0..3) { @x += $i; } }");
  ASSERT_TRUE(c.ok) << c.errors;
  const auto &insns = c.object.programs[0].instructions;
  int pseudo_func = 0;
  for (size_t i = 0; i < insns.size(); i++) {
    bpf_insn in;
    std::memcpy(&in, &insns[i], sizeof in);
    if (in.code == (BPF_LD | BPF_IMM | BPF_DW) && in.src_reg == BPF_PSEUDO_FUNC) {
      pseudo_func++;
      EXPECT_GT(static_cast<int64_t>(i) + in.imm + 1, static_cast<int64_t>(i));
      EXPECT_LT(static_cast<size_t>(i + in.imm + 1), insns.size());
    }
  }
  EXPECT_EQ(pseudo_func, 1);
}

TEST(CodegenFor, Errors) {
  auto error_of = [](const std::string &src) { return analyse(src).errors; };
  EXPECT_NE(error_of("BEGIN { $i = 1; for ($i : 0..2) { } }")
                .find("Loop declaration shadows existing variable: $i"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { for ($i : 0..2) { for ($i : 0..2) { } } }").find("shadows"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { for ($i : 0..2) { } print($i); }")
                .find("Undefined or undeclared variable: $i"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { for ($i : \"a\"..2) { } }")
                .find("Loop range requires an integer for the start value, not string[2]"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { @c[1] = stats(1); for ($kv : @c) { } }")
                .find("Loop expression does not support type: stats_t"),
            std::string::npos);
  // count/sum/min/max/avg maps can be iterated: $kv.1 is every CPU's value combined.
  EXPECT_EQ(error_of("BEGIN { @c[1] = count(); for ($kv : @c) { print($kv.1 + 1); } }"), "");
  EXPECT_NE(error_of("BEGIN { @x = 1; for ($kv : @x) { } }")
                .find("Maps used as for-loop expressions must have keys to iterate over"),
            std::string::npos);
  EXPECT_NE(error_of("BEGIN { for ($kv : @nope) { } }").find("Undefined map: @nope"),
            std::string::npos);
  // Two loops may use the same name with different types: each has its own variable.
  EXPECT_EQ(error_of("BEGIN { @a[1] = 2; @b[\"s\"] = \"t\"; for ($kv : @a) { } "
                     "for ($kv : @b) { } for ($kv : 0..1) { } }"),
            "");
}

} // namespace

namespace {

TEST(CodegenBlockExpr, BlockValuesAndScopedVariablesPassTheVerifier) {
  EXPECT_EQ(load_all("BEGIN { $x = { let $y = 2; $y + 1 }; print({ printf(\"a\"); $x }); "
                     "@m[1] = { let $s = \"str\"; $s }; if (1) { $v = 1; } if (1) { "
                     "$v = \"s\"; print($v); } }"),
            "");
}

} // namespace

namespace {

// The kernel's view of a script's map `name`, created as the runtime creates it.
bpf_map_info created_map(const std::string &source, const std::string &name) {
  bpf_map_info info{};
  Compiled c = compile(source);
  EXPECT_TRUE(c.ok) << c.errors;
  if (!c.ok)
    return info;
  MapSet maps;
  std::string error;
  EXPECT_TRUE(create_maps(c.analysed.info, c.object.internal, 64, maps, error)) << error;
  int id = c.analysed.info.map_ids.at(name);
  uint32_t len = sizeof info;
  EXPECT_EQ(bpf_obj_get_info_by_fd(maps.fds[id], &info, &len), 0);
  return info;
}

TEST(MapDeclarations, GiveTheMapTypeAndSize) {
  auto lru = created_map("let @a = lruhash(100); BEGIN { @a[1] = 2; }", "@a");
  EXPECT_EQ(lru.type, BPF_MAP_TYPE_LRU_HASH);
  EXPECT_EQ(lru.max_entries, 100u);
  auto hash = created_map("let @a = hash(7); BEGIN { @a[\"k\"] = \"v\"; }", "@a");
  EXPECT_EQ(hash.type, BPF_MAP_TYPE_HASH);
  EXPECT_EQ(hash.max_entries, 7u);
  auto percpu = created_map("let @c = percpuhash(10); BEGIN { @c[pid] = count(); }", "@c");
  EXPECT_EQ(percpu.type, BPF_MAP_TYPE_PERCPU_HASH);
  EXPECT_EQ(percpu.max_entries, 10u);
  auto lru_percpu = created_map("let @s = percpulruhash(3); BEGIN { @s[1] = sum(5); }", "@s");
  EXPECT_EQ(lru_percpu.type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
  EXPECT_EQ(lru_percpu.max_entries, 3u);
  // Undeclared maps keep the default size.
  auto plain = created_map("let @a = hash(5); BEGIN { @a[1] = 1; @b[1] = 1; }", "@b");
  EXPECT_EQ(plain.type, BPF_MAP_TYPE_HASH);
  EXPECT_EQ(plain.max_entries, 64u);
  EXPECT_EQ(load_all("let @a = lruhash(4); BEGIN { @a[1] = 1; for ($kv : @a) { @n += $kv.1; } }"),
            "");
}

TEST(MapDeclarations, Errors) {
  auto errors = [](const std::string &src) { return analyse(src).errors; };
  EXPECT_NE(errors("let @a = btree(5); BEGIN { @a[1] = 1; }").find("Invalid bpf map type: btree"),
            std::string::npos);
  EXPECT_NE(errors("let @a = hash(5); BEGIN { @a[1] = count(); }")
                .find("Incompatible map types. Type from declaration: hash. Type from value/key "
                      "type: percpuhash"),
            std::string::npos);
  EXPECT_NE(errors("let @a = percpuhash(5); BEGIN { @a[1] = 1; }")
                .find("Type from declaration: percpuhash. Type from value/key type: hash"),
            std::string::npos);
  EXPECT_NE(errors("let @a = hash(0); BEGIN { @a[1] = 1; }").find("number of entries"),
            std::string::npos);
  EXPECT_NE(errors("let @a = hash(1); let @a = hash(2); BEGIN { @a[1] = 1; }")
                .find("declared more than once"),
            std::string::npos);
  auto unused = analyse("let @u = hash(3); BEGIN { }");
  EXPECT_TRUE(unused.ok);
  EXPECT_NE(unused.errors.find("WARNING: Unused map: @u"), std::string::npos) << unused.errors;
}

} // namespace
