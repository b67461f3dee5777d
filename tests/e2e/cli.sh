#!/usr/bin/env bash
# The command line: -h, --version, -l (with and without a glob, checked against tracefs), -e vs a
# file vs `-` (stdin), positional parameters after each, a script with a `#!/usr/bin/env bpfscope`
# line run directly, -o FILE (text and json), -q, --dry-run, -v, -d ast, -d ir.
source "$(dirname "$0")/lib.sh"

PROG='BEGIN { printf("hello %d %s\n", $1, str($2)); exit(); }'

# --- help and version -----------------------------------------------------------------------
bps -h
assert_rc "-h" 0 "$RC"
assert_match "-h shows the usage" "$OUT$ERR" '^USAGE:'
assert_contains "-h lists -e" "$OUT$ERR" "-e"
bps --help
assert_rc "--help" 0 "$RC"
assert_match "--help shows the usage" "$OUT$ERR" '^USAGE:'
bps --version
assert_rc "--version" 0 "$RC"
assert_match "--version prints 'bpfscope vX.Y.Z'" "$OUT" '^bpfscope v[0-9]+\.[0-9]+\.[0-9]+'
bps -V
assert_eq "-V is --version" "$(bps --version; echo "$OUT")" "$OUT"

# --- listing --------------------------------------------------------------------------------
bps -l 'tracepoint:syscalls:sys_enter_open*'
assert_rc "-l with a glob" 0 "$RC"
# (tracefs may not be mounted on a fresh machine; bpfscope mounts it, so it is there now.)
expected=$(grep '^syscalls:sys_enter_open' /sys/kernel/tracing/available_events | sed 's/^/tracepoint:/' | sort)
assert_contains "-l glob lists sys_enter_openat" "$OUT" "tracepoint:syscalls:sys_enter_openat"
assert_eq "-l glob lists exactly tracefs' sys_enter_open* events" "$expected" "$(printf '%s\n' "$OUT" | sort)"
assert_not_contains "-l prints no 'Attached'" "$ERR" "Attached"

bps -l
assert_rc "-l with no glob" 0 "$RC"
for p in BEGIN END 'interval:s:' 'interval:ms:' 'interval:hz:' 'profile:hz:' \
  'tracepoint:sched:sched_switch' 'tracepoint:raw_syscalls:sys_enter'; do
  assert_match "-l lists $p" "$OUT" "^$p\$"
done
# The tracepoints listed are exactly tracefs' available_events (ftrace's internal events, which
# cannot take a BPF program, are not in it), each once.
listed=$(printf '%s\n' "$OUT" | sed -n 's/^tracepoint://p' | sort)
if [ "$listed" == "$(sort /sys/kernel/tracing/available_events)" ]; then
  pass "-l lists exactly the tracepoints of available_events ($(printf '%s\n' "$listed" | wc -l))"
else
  fail "-l tracepoints differ from /sys/kernel/tracing/available_events" \
    "$(diff <(printf '%s\n' "$listed") <(sort /sys/kernel/tracing/available_events) | head -20)"
fi

bps -l 'tracepoint:sched:sched_process_e*'
assert_eq "-l glob in the event part" "tracepoint:sched:sched_process_exec
tracepoint:sched:sched_process_exit" "$(printf '%s\n' "$OUT" | sort)"
bps -l 'tracepoint:nosuch*:*'
assert_eq "-l glob matching nothing prints nothing" "" "$OUT"

# --- program sources ------------------------------------------------------------------------
bps -e "$PROG" 1 one
assert_rc "-e PROGRAM ARGS" 0 "$RC"
assert_eq "-e with positional parameters" "hello 1 one" "$OUT"

printf '%s\n' "// a comment line" "/* a block" "   comment */" "$PROG" >"$TMPD/prog.bt"
bps "$TMPD/prog.bt" 2 two
assert_rc "FILE ARGS" 0 "$RC"
assert_eq "script file with comments and positional parameters" "hello 2 two" "$OUT"

BPS_STDIN="$TMPD/prog.bt" bps - 3 three
assert_rc "- (stdin) ARGS" 0 "$RC"
assert_eq "program read from stdin with '-'" "hello 3 three" "$OUT"

mkdir -p "$TMPD/bin"
ln -sf "$BPFSCOPE" "$TMPD/bin/bpfscope"
printf '%s\n' '#!/usr/bin/env bpfscope' "$PROG" >"$TMPD/shebang.bt"
chmod +x "$TMPD/shebang.bt"
PATH="$TMPD/bin:$PATH" timeout 30 "$TMPD/shebang.bt" 4 four >"$TMPD/sb.out" 2>"$TMPD/sb.err"
RC=$?
OUT=$(cat "$TMPD/sb.out")
ERR=$(cat "$TMPD/sb.err")
assert_rc "script with '#!/usr/bin/env bpfscope' run directly" 0 "$RC" || show_last
assert_eq "the #! line is skipped, parameters passed" "hello 4 four" "$OUT"
bps "$TMPD/shebang.bt" 5 five
assert_eq "a #! file given as FILENAME" "hello 5 five" "$OUT"

# --- output options -------------------------------------------------------------------------
bps -o "$TMPD/o.txt" -e 'BEGIN { printf("to file\n"); @x = 7; exit(); }'
assert_rc "-o FILE" 0 "$RC"
assert_eq "-o: nothing of the program on stdout" "" "$OUT"
printf '%s\n' "to file" "" "" "@x: 7" >"$TMPD/o.expected"
if cmp -s "$TMPD/o.expected" "$TMPD/o.txt"; then
  pass "-o FILE holds exactly the program's output, maps included"
else
  fail "-o FILE contents differ" "$(diff -u "$TMPD/o.expected" "$TMPD/o.txt" 2>&1 | cat -A)"
fi
echo stale >"$TMPD/o.txt"
bps -o "$TMPD/o.txt" -e 'BEGIN { printf("new\n"); exit(); }'
assert_eq "-o truncates an existing file" "new" "$(cat "$TMPD/o.txt")"
bps -o "$TMPD/o.json" -f json -e 'BEGIN { printf("j\n"); exit(); }'
assert_eq "-o with -f json" '{"type": "attached_probes", "count": 1, "data": {"probes": 1}}
{"type": "printf", "data": "j\n"}' "$(cat "$TMPD/o.json")"

bps -e 'BEGIN { printf("ran\n"); exit(); }'
assert_match "without -q: 'Attached 1 probe' on stderr" "$ERR" '^Attached 1 probe$'
bps -q -e 'BEGIN { printf("ran\n"); exit(); }'
assert_rc "-q" 0 "$RC"
assert_eq "-q: nothing on stderr" "" "$ERR"
assert_eq "-q: the program still runs" "ran" "$OUT"

# --- dry run, verbose, debug ----------------------------------------------------------------
bps --dry-run -e 'BEGIN { printf("ran\n"); exit(); } tracepoint:syscalls:sys_enter_openat { @ = count(); }'
assert_rc "--dry-run" 0 "$RC"
assert_eq "--dry-run: BEGIN does not run, no maps printed" "" "$OUT"
assert_not_contains "--dry-run: nothing attached" "$ERR" "Attached"
bps --dry-run -e 'BEGIN { @x = 1; @x = "s"; }'
assert_nonzero "--dry-run still reports semantic errors" "$RC"

bps -v -e 'BEGIN { printf("ran\n"); exit(); } tracepoint:syscalls:sys_enter_openat { @ = count(); }'
assert_rc "-v" 0 "$RC"
assert_match "-v: the tracepoint program's type and instruction count" "$ERR$OUT" 'sys_enter_openat.*tracepoint.*[0-9]+ instructions'
assert_match "-v: BEGIN's program and instruction count" "$ERR$OUT" 'BEGIN.*[0-9]+ instructions'
assert_match "-v: the program still runs" "$OUT" '^ran$'

bps -d ast -e 'BEGIN { printf("ran %d\n", 1 + 2); exit(); }'
assert_rc "-d ast" 0 "$RC"
assert_match "-d ast: shows the probe" "$OUT$ERR" 'BEGIN'
assert_match "-d ast: shows the call" "$OUT$ERR" 'printf'
assert_match "-d ast: shows the literal operands" "$OUT$ERR" '(Integer|int).*\b2\b'
assert_match "-d ast: shows the + operator" "$OUT$ERR" '\+'

bps -d ir -e 'BEGIN { printf("ran\n"); exit(); }'
assert_rc "-d ir" 0 "$RC"
assert_match "-d ir: LLVM IR module header" "$OUT$ERR" '^; ModuleID = '
assert_match "-d ir: a BPF target triple" "$OUT$ERR" '^target triple = "bpf'
assert_match "-d ir: a function definition" "$OUT$ERR" '^define .*@'

bps -d all -e 'BEGIN { printf("ran\n"); exit(); }'
assert_rc "-d all" 0 "$RC"
assert_match "-d all includes the IR" "$OUT$ERR" '^; ModuleID = '

finish
