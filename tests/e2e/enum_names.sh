#!/usr/bin/env bash
# Enum-typed values print by name (printf %s, print(), map keys and values), the number with %d
# and in JSON, as bpftrace v0.26 does: script enums, kernel enums from BTF (enumerators, casts,
# a tracepoint field and a raw tracepoint argument of enum type), and printf's %gr (GFP flags,
# with the bits the running kernel's BTF gives).
source "$(dirname "$0")/lib.sh"

golden "script enum, text" 'enum Color { RED, GREEN = 5, BLUE, NEG = -2 }
BEGIN {
  $c = GREEN;
  $n = 3;
  printf("%s %d %s %d|%5s|%-5s|%s\n", $c, $c, BLUE, BLUE, RED, RED, NEG);
  printf("%s %s %s\n", (enum Color)6, (enum Color)$n, $c + 1);
  print(GREEN);
  @key[BLUE] = 1;
  @val[1] = GREEN;
  @tup[1] = (RED, "x");
  exit();
}' <<'EOF'
GREEN 5 BLUE 6|  RED|RED  |NEG
BLUE 3 6
GREEN


@key[BLUE]: 1
@tup[1]: (RED, x)
@val[1]: GREEN
EOF

golden "script enum, JSON" 'enum Color { RED, GREEN = 5 }
BEGIN { printf("%s\n", GREEN); print(GREEN); @k[GREEN] = RED; exit(); }' -f json <<'EOF'
{"type": "attached_probes", "count": 1, "data": {"probes": 1}}
{"type": "printf", "data": "GREEN\n"}
{"type": "value", "data": 5}
{"type": "map", "data": {"@k": {"5": 0}}}
EOF

# The kernel's enums: names and values from its BTF, checked against bpftool's reading of it.
if ! command -v bpftool >/dev/null; then
  skip "bpftool is needed to read the kernel's enums independently"
fi
bpftool btf dump file /sys/kernel/btf/vmlinux format c >"$TMPD/vmlinux.h" 2>/dev/null
# first_name ENUM VALUE: the first enumerator of `enum ENUM` with VALUE (what prints).
first_name() {
  awk -v e="enum $1 {" -v want="$2" '$0 == e { on = 1; next } on && /^};/ { exit }
    on { gsub(/[,\t ]/, ""); split($0, kv, "="); if (kv[2] == want) { print kv[1]; exit } }' "$TMPD/vmlinux.h"
}
tgid=$(first_name pid_type 1)
golden "kernel enumerator and cast" 'BEGIN { printf("%s %d %s\n", PIDTYPE_TGID, PIDTYPE_TGID, (enum pid_type)0); exit(); }' <<EOF
$tgid 1 $(first_name pid_type 0)


EOF

# A tracepoint field declared `enum hrtimer_mode mode`, and the same argument of the raw
# tracepoint (typed from BTF): a workload's sleep starts an hrtimer.
for probe in tracepoint:timer:hrtimer_start rawtracepoint:hrtimer_start; do
  pyworkload_start 'import time; time.sleep(0.02)' || finish
  bg_start hrtimer -e "$probe /pid == $WL_PID/ { printf(\"%s=%d\n\", args.mode, args.mode); exit(); }"
  if wait_attached hrtimer; then
    workload_run
    bg_wait hrtimer 10
    line=$(printf '%s\n' "$OUT" | grep '=' | head -1)
    value=${line#*=}
    assert_match "$probe: a mode was printed" "$line" '^HRTIMER_MODE_[A-Z_]+=[0-9]+$'
    assert_eq "$probe: the name is the enumerator of that value" "$(first_name hrtimer_mode "$value")=$value" "$line"
  fi
done

# %gr: GFP flags named from the kernel's ___GFP_*_BIT enumerators (Linux 6.8 and later).
bit() { awk -v n="___GFP_$1_BIT" '{ gsub(/[,\t ]/, ""); split($0, kv, "=") } kv[1] == n { print kv[2]; exit }' "$TMPD/vmlinux.h"; }
if [ -z "$(bit IO)" ]; then
  skip "this kernel's BTF has no ___GFP_*_BIT enumerators (before Linux 6.8): %gr prints hex"
fi
kernel=$(((1 << $(bit DIRECT_RECLAIM)) | (1 << $(bit KSWAPD_RECLAIM)) | (1 << $(bit IO)) | (1 << $(bit FS))))
zero=$((1 << $(bit ZERO)))
golden "%gr from the kernel's bits" "BEGIN { printf(\"%gr|%gr|%gr|%gr\n\", $kernel, $((kernel | zero)), $zero, 0); exit(); }" <<'EOF'
GFP_KERNEL|GFP_KERNEL|__GFP_ZERO|__GFP_ZERO|0


EOF

finish
