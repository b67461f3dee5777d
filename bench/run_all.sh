#!/usr/bin/env bash
# Runs every benchmark in bench/ in turn (each takes up to ~2 minutes).
# Environment: BPFSCOPE=path, BPFTRACE=path ("" or none: bpfscope only), RUNS=N.
# Needs root (BPF), python3, a C compiler and GNU time (/usr/bin/time, package
# `time`; without it peak RSS comes from wait4(), the same figure).
set -euo pipefail
cd "$(dirname "$0")"
if [ "$(id -u)" != 0 ]; then
  echo "run as root: the benchmarks load BPF programs" >&2
  exit 1
fi
if [ ! -x /usr/bin/time ]; then
  echo "note: /usr/bin/time missing (apt-get install time); peak RSS comes from wait4()" >&2
fi
echo "# bpfscope benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, Linux $(uname -r)"
echo
status=0
benches="startup per_event output_rate map_print"
# The C floor needs clang (BPF target) and libbpf's headers.
if command -v clang-19 >/dev/null || command -v clang >/dev/null; then
  benches="$benches c_floor"
fi
for b in $benches; do
  start=$(date +%s)
  if ! ./"$b".sh; then
    echo "FAILED: $b.sh" >&2
    status=1
  fi
  echo
  echo "($b.sh took $(( $(date +%s) - start )) s)"
  echo
done
exit $status
