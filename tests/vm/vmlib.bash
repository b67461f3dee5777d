# Helpers for the VM cases (sourced after tests/e2e/lib.sh).
#
# READY_PROBE: append it to a script. bpfscope prints "Attached N probes" before it attaches
# anything but BEGIN/END, and attaches probes in the order of the script, so the first "ready"
# from this last probe means that every probe before it is in place. TCG makes that gap long
# enough to lose events.
READY_PROBE='interval:ms:100 { printf("ready\n"); }'

# wait_ready NAME: waits for the first "ready" line on NAME's stdout.
wait_ready() {
  local name=$1 pidvar="BG_PID_$1" i
  local pid=${!pidvar}
  for ((i = 0; i < ATTACH_TIMEOUT * 20; i++)); do
    grep -q '^ready$' "$TMPD/$name.out" 2>/dev/null && return 0
    if ! kill -0 "$pid" 2>/dev/null; then
      fail "bpfscope ($name) exited before its probes were ready" \
        "$(cat "$TMPD/$name.out" "$TMPD/$name.err")"
      return 1
    fi
    sleep 0.05
  done
  fail "bpfscope ($name) was not ready within ${ATTACH_TIMEOUT}s" \
    "$(cat "$TMPD/$name.out" "$TMPD/$name.err")"
  return 1
}

# without_ready TEXT: TEXT without the READY_PROBE's lines.
without_ready() {
  printf '%s\n' "$1" | grep -v '^ready$'
}

# The workload of most cases: python3 opens FILE N times (keeping the fds) and MISSING M times
# (ENOENT), each with openat(AT_FDCWD, ...), i.e. one do_sys_openat2 call each.
open_workload() {
  local file=$1 n=$2 missing=$3 m=$4
  pyworkload_start "fds = [os.open('$file', os.O_RDONLY) for _ in range($n)]
for _ in range($m):
    try:
        os.open('$missing', os.O_RDONLY)
    except FileNotFoundError:
        pass"
}
