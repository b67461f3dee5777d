#!/usr/bin/env bash
# Kernel probes on a kernel that cannot run them. This host's kernel has no kprobes
# (CONFIG_KPROBES off) and refuses fentry programs: every kprobe/kretprobe/fentry attach point
# must fail before anything is attached, with an error naming what this kernel lacks, and for
# system call functions a hint naming the tracepoint that sees the same calls. Misspelt functions
# get the closest names. (On a kernel with kprobes these errors cannot happen: the VM lane,
# tests/vm, covers kprobes, fentry and the fentry fallback.)
source "$(dirname "$0")/lib.sh"

if [ -e /sys/bus/event_source/devices/kprobe ]; then
  skip "this kernel has kprobes (/sys/bus/event_source/devices/kprobe): the fallback errors do not apply"
fi

# failed WHAT: the common checks of a run that must fail before attaching anything.
failed() {
  local what=$1
  assert_rc "$what: exits with an error" 1 "$RC"
  assert_not_contains "$what: nothing attached" "$ERR" "Attached"
  assert_eq "$what: nothing on stdout" "" "$OUT"
}

bps -e 'kprobe:do_sys_openat2 { @[comm] = count(); }'
failed "kprobe:do_sys_openat2"
first=$(printf '%s\n' "$ERR" | head -1)
if [[ "$first" == *"and it refuses fentry programs"* ]]; then
  FENTRY_REFUSED=1
  assert_match "the error says why, located at the attach point" "$first" \
    '^stdin:1:1-22: ERROR: kprobes are not available: this kernel was built without CONFIG_KPROBES \(no /sys/bus/event_source/devices/kprobe\), and it refuses fentry programs \(fentry:do_sys_openat2: [A-Za-z ]+\)$'
  assert_eq "source line, underline and the tracepoint to use instead" \
    "kprobe:do_sys_openat2 { @[comm] = count(); }
~~~~~~~~~~~~~~~~~~~~~
HINT: trace the system call with tracepoint:syscalls:sys_enter_openat2 (and tracepoint:syscalls:sys_exit_openat2 for its return value)" \
    "$(printf '%s\n' "$ERR" | tail -n +2)"
else
  # A kernel without kprobes whose BTF allows fentry: the same probe runs as fentry.
  FENTRY_REFUSED=0
  bps -v -e 'kprobe:do_sys_openat2 { exit(); } interval:ms:200 { exit(); }'
  assert_contains "the kprobe runs as fentry" "$ERR" "runs as fentry:do_sys_openat2"
fi

if [ "$FENTRY_REFUSED" == 1 ]; then
  bps -e 'kretprobe:__x64_sys_openat { @ = count(); }'
  failed "kretprobe:__x64_sys_openat"
  assert_contains "kretprobe: the same reason" "$ERR" \
    "ERROR: kprobes are not available: this kernel was built without CONFIG_KPROBES"
  assert_contains "__x64_sys_openat is the openat system call" "$ERR" \
    "HINT: trace the system call with tracepoint:syscalls:sys_enter_openat (and tracepoint:syscalls:sys_exit_openat for its return value)"

  bps -e 'k:ksys_read { @ = count(); }'
  failed "k:ksys_read (alias)"
  assert_contains "ksys_read is the read system call" "$ERR" \
    "HINT: trace the system call with tracepoint:syscalls:sys_enter_read "

  bps -e 'kprobe:vfs_read { @ = count(); }'
  failed "kprobe:vfs_read"
  assert_contains "vfs_read: the same reason" "$ERR" "and it refuses fentry programs (fentry:vfs_read: "
  assert_not_contains "no system call hint for a function that is not one" "$ERR" "HINT"

  bps -e 'kprobe:vfs_read+4 { @ = count(); }'
  failed "kprobe:vfs_read+4"
  assert_contains "an offset needs a real kprobe" "$ERR" \
    "and an offset inside a function needs a kprobe"

  bps -e 'fentry:do_sys_openat2 { @ = count(); }'
  failed "fentry:do_sys_openat2"
  assert_match "fentry: the kernel refuses it" "$(printf '%s\n' "$ERR" | head -1)" \
    '^stdin:1:1-22: ERROR: this kernel refuses fentry programs \(fentry:do_sys_openat2: [A-Za-z ]+\)$'
  assert_not_contains "no kprobe hint where kprobes do not work either" "$ERR" "HINT"

  bps -l 'kprobe:do_sys_open*'
  assert_rc "-l 'kprobe:...' works" 0 "$RC"
  assert_eq "-l lists no kprobe that could not be attached" "" "$OUT"
  bps -l 'fentry:do_sys_open*'
  assert_eq "-l lists no fentry probe either" "" "$OUT"
fi

# Misspellings, whatever the kernel can run.
bps -e 'kprobe:do_sys_opnat2 { @ = count(); }'
failed "kprobe:do_sys_opnat2"
assert_eq "an unknown function gets the closest names" \
  "stdin:1:1-21: ERROR: No kernel function named do_sys_opnat2
kprobe:do_sys_opnat2 { @ = count(); }
~~~~~~~~~~~~~~~~~~~~
HINT: Did you mean do_sys_openat2?" "$ERR"

bps -e 'fentry:vfs_reed { @ = count(); }'
failed "fentry:vfs_reed"
assert_contains "fentry: unknown function, closest names from BTF" "$ERR" \
  "ERROR: No BTF description of a kernel function named vfs_reed"
assert_match "fentry: closest names" "$ERR" '^HINT: Did you mean .*vfs_read'

bps -e 'kprobe:no_such_prefix_* { @ = count(); }'
failed "a wildcard that matches nothing"
assert_contains "the wildcard's error" "$ERR" "ERROR: No kernel functions match kprobe:no_such_prefix_*"

finish
