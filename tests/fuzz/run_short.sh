#!/usr/bin/env bash
# A bounded libFuzzer run of fuzz_frontend on the seed corpus (ctest: fuzz.frontend_short).
# Skips (77) when no fuzz build exists; see tests/fuzz/README.md for how to make one.
set -uo pipefail
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
FUZZER=${BPFSCOPE_FUZZER:-$SRCDIR/build-fuzz/fuzz_frontend}
# A fixed seed and run count make the CI run reproducible: the same inputs every time, so a
# failure is a real regression (reproduce it with the same flags), never a lucky find. Longer,
# random runs are for hand use (tests/fuzz/README.md).
SEED=${FUZZ_SEED:-1}
RUNS=${FUZZ_RUNS:-40000}
SECONDS_TO_RUN=${FUZZ_SECONDS:-120}
if [ ! -x "$FUZZER" ]; then
  echo "SKIP: no fuzz build at $FUZZER (CC=clang-19 CXX=clang++-19 cmake -B build-fuzz -DBPFSCOPE_FUZZ=ON)"
  exit 77
fi
work=$(mktemp -d /tmp/bpfscope-fuzz-XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$work/artifacts"
# New inputs go to the scratch corpus; the checked-in seeds and regressions are only read.
"$FUZZER" "$work/corpus" "$SRCDIR/tests/fuzz/corpus" "$SRCDIR/tests/fuzz/regressions" \
  -seed="$SEED" -runs="$RUNS" -max_total_time="$SECONDS_TO_RUN" -timeout=10 -rss_limit_mb=4096 \
  -artifact_prefix="$work/artifacts/" -print_final_stats=1 >"$work/log" 2>&1
rc=$?
tail -n 20 "$work/log"
if [ $rc -ne 0 ]; then
  echo "FAIL: fuzz_frontend exited $rc; reproducer(s):"
  for a in "$work"/artifacts/*; do [ -e "$a" ] && { echo "--- $a"; od -c "$a" | head -20; }; done
  exit 1
fi
echo "PASS"
