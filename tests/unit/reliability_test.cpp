// Reliability: helper failures reported by the probes (the record's layout, the warning's
// words, which call sites report) and the run limits (max_probes, max_bpf_progs, perf_rb_pages).
#include "codegen/codegen.h"
#include "codegen/helper_errors.h"
#include "runtime/helper_error_report.h"
#include "runtime/loader.h"
#include "runtime/run_limits.h"
#include "test_support.h"

#include <bpf/bpf.h>
#include <gtest/gtest.h>
#include <linux/bpf.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdlib>

using namespace bpfscope;
using bpfscope::testing::analyse;

namespace {

TEST(HelperErrors, WarningsInBpftracesWords) {
  std::string source = "BEGIN { @a[1] = 1; delete(@a[2]); print(str(0)); }";
  auto a = analyse(source);
  ASSERT_TRUE(a.ok) << a.errors;
  Diagnostics script("stdin", source);
  HelperErrorSite full{BPF_FUNC_map_update_elem, 0, {1, 9, 1, 18}};
  EXPECT_EQ(render_helper_error(full, E2BIG, a.info, script, 5),
            "stdin:1:9-18: WARNING: Map full; can't update element. Try increasing max_map_keys "
            "config\n" +
                source +
                "\n        ~~~~~~~~~\nHINT: @a holds at most 5 keys: raise the limit with "
                "BPFTRACE_MAX_MAP_KEYS\n");
  HelperErrorSite gone{BPF_FUNC_map_delete_elem, 0, {1, 20, 1, 34}};
  EXPECT_EQ(render_helper_error(gone, ENOENT, a.info, script, 5).substr(0, 75),
            "stdin:1:20-34: WARNING: Can't delete map element because it does not exist.");
  HelperErrorSite read{BPF_FUNC_probe_read_str, -1, {1, 42, 1, 48}};
  EXPECT_EQ(render_helper_error(read, EFAULT, a.info, script, 5).substr(0, 67),
            "stdin:1:42-48: WARNING: Failed to probe_read_str: Bad address (-14)");
}

CompiledObject compile(const std::string &source, bool helper_errors) {
  auto a = analyse(source);
  EXPECT_TRUE(a.ok) << a.errors;
  CompiledObject object;
  Diagnostics diags("stdin", source);
  CodegenOptions opts;
  opts.helper_errors = helper_errors;
  EXPECT_TRUE(compile_program(*a.program, a.info, opts, object, diags));
  // Whatever is checked, the kernel accepts it.
  MapSet maps;
  std::string error;
  EXPECT_TRUE(create_maps(a.info, object.internal, 16, maps, error)) << error;
  for (auto &p : object.programs) {
    LoadAttributes attributes;
    attributes.type =
        p.kind == ProgramKind::Tracepoint ? BPF_PROG_TYPE_TRACEPOINT : BPF_PROG_TYPE_RAW_TRACEPOINT;
    LoadResult r = load_program(p, attributes, maps.fds, false);
    EXPECT_GE(r.fd, 0) << r.error;
    if (r.fd >= 0)
      close(r.fd);
  }
  return object;
}

TEST(HelperErrors, WhichCallSitesReport) {
  // A map update reports a full map, always; reads only with -k.
  EXPECT_EQ(compile("BEGIN { @a[1] = 1; @b[2] = count(); }", false).helper_error_sites.size(), 2u);
  EXPECT_EQ(compile("BEGIN { print(str(0)); }", false).helper_error_sites.size(), 0u);
  EXPECT_EQ(compile("BEGIN { print(str(0)); }", true).helper_error_sites.size(), 1u);
  EXPECT_EQ(compile("BEGIN { @a[1] = 1; delete(@a[1]); }", false).helper_error_sites.size(), 1u);
  EXPECT_EQ(compile("BEGIN { @a[1] = 1; delete(@a[1]); }", true).helper_error_sites.size(), 2u);
  // One node compiled into a program per target is one site: it warns once in all.
  CompiledObject per_target =
      compile("tracepoint:test:a,tracepoint:test:b { @[probe] = 1; }", false);
  EXPECT_EQ(per_target.programs.size(), 2u);
  EXPECT_EQ(per_target.helper_error_sites.size(), 1u);
}

// Runs the BEGIN program of `source` once (maps of `max_keys` keys) and returns the helper error
// slots it leaves.
std::vector<uint64_t> slots_after_run(const std::string &source, bool helper_errors, int max_keys) {
  auto a = analyse(source);
  EXPECT_TRUE(a.ok) << a.errors;
  CompiledObject object;
  Diagnostics diags("stdin", source);
  CodegenOptions opts;
  opts.helper_errors = helper_errors;
  EXPECT_TRUE(compile_program(*a.program, a.info, opts, object, diags));
  MapSet maps;
  std::string error;
  size_t n = object.helper_error_sites.size();
  EXPECT_TRUE(create_maps(a.info, object.internal, max_keys, maps, error)) << error;
  LoadAttributes attributes;
  attributes.type = BPF_PROG_TYPE_RAW_TRACEPOINT;
  LoadResult r = load_program(object.programs[0], attributes, maps.fds, false);
  EXPECT_GE(r.fd, 0) << r.error;
  if (r.fd < 0)
    return {};
  uint64_t args[1] = {0};
  LIBBPF_OPTS(bpf_test_run_opts, run, .ctx_in = args, .ctx_size_in = sizeof(args));
  EXPECT_EQ(bpf_prog_test_run_opts(r.fd, &run), 0);
  close(r.fd);
  std::vector<uint64_t> slots(std::max<size_t>(1, n));
  uint32_t key = 0;
  EXPECT_EQ(bpf_map_lookup_elem(maps.fds[object.internal.helper_errors], &key, slots.data()), 0);
  slots.resize(n);
  return slots;
}

TEST(HelperErrors, ProbesRecordTheFirstFailureOfEachSite) {
  // One key fits: the second update finds the map full.
  EXPECT_EQ(slots_after_run("BEGIN { @a[1] = 1; @a[2] = 2; @a[1] = 3; }", false, 1),
            (std::vector<uint64_t>{0, E2BIG, 0}));
  // Without -k a failed read is not recorded; with -k it is, with its errno.
  EXPECT_EQ(slots_after_run("BEGIN { print(str(12345)); @x[1] = 1; }", false, 4),
            (std::vector<uint64_t>{0}));
  EXPECT_EQ(slots_after_run("BEGIN { print(str(12345)); @x[1] = 1; }", true, 4),
            (std::vector<uint64_t>{EFAULT, 0}));
  EXPECT_EQ(slots_after_run("BEGIN { @x[1] = 1; delete(@x[2]); delete(@x[1]); }", true, 4),
            (std::vector<uint64_t>{0, ENOENT, 0}));
}

TEST(RunLimits, ProbesAndProgramsCounted) {
  auto a = analyse("BEGIN { }\nEND { }\ntracepoint:test:a,tracepoint:test:b { @[probe] = 1; }");
  ASSERT_TRUE(a.ok) << a.errors;
  RunLimits limits;
  Diagnostics ok("stdin", "");
  EXPECT_TRUE(check_run_limits(*a.program, a.info, limits, ok));

  limits.max_probes = 3;
  Diagnostics probes("stdin", "");
  EXPECT_FALSE(check_run_limits(*a.program, a.info, limits, probes));
  ASSERT_EQ(probes.all().size(), 1u);
  EXPECT_EQ(probes.all()[0].message,
            "Can't attach to 4 probes because it exceeds the current limit of 3 probes.");
  EXPECT_EQ(probes.all()[0].range.begin_line, 3); // the probe that crosses the limit
  EXPECT_NE(probes.all()[0].hint.find("BPFTRACE_MAX_PROBES"), std::string::npos);

  limits.max_probes = 4;
  limits.max_bpf_progs = 3; // BEGIN, END, and one program per tracepoint (`probe` differs)
  Diagnostics programs("stdin", "");
  EXPECT_FALSE(check_run_limits(*a.program, a.info, limits, programs));
  ASSERT_EQ(programs.all().size(), 1u);
  EXPECT_EQ(programs.all()[0].message,
            "Your program is trying to generate 4 BPF programs, which exceeds the current limit "
            "of 3.");
  EXPECT_NE(programs.all()[0].hint.find("BPFTRACE_MAX_BPF_PROGS"), std::string::npos);
}

} // namespace
