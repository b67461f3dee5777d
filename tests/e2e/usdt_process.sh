#!/usr/bin/env bash
# USDT argument forms with index registers and %rip-relative variables, and USDT probes found
# through a process (-p) without a path, on tests/programs/usdt_forms.c (built here):
#   - -8@-8(%rbx,%rax,8), -4@counter(%rip), 8@(%rcx,%rax,8), -4@counter+4(%rip), in a PIE
#     (the %rip form works wherever the file is loaded)
#   - -p PID with usdt:::NAME, usdt::NAME, usdt:*:NAME and usdt:PROVIDER:NAME: the process's executable and
#     libraries are searched; the probe's full name has the path
#   - errors: no -p and no path, a name no mapped file has
source "$(dirname "$0")/lib.sh"

[ -e /sys/bus/event_source/devices/uprobe/type ] ||
  skip "this kernel has no uprobe PMU (CONFIG_UPROBE_EVENTS)"

if ! cc -O2 -o "$TMPD/forms" "$SRCDIR/tests/programs/usdt_forms.c" 2>"$TMPD/build.err"; then
  fail "cannot build usdt_forms" "$(cat "$TMPD/build.err")"
  finish
fi
cd "$TMPD" || finish

# 1. Every argument form, for i = 0..3.
bps -c ./forms -e 'usdt:./forms:bpfscope_test:forms {
  printf("%d %d %d %d\n", (int64)arg0, (int64)arg1, (int64)arg2, (int64)arg3); }'
assert_rc "forms: bpfscope exits 0" 0 "$RC"
assert_eq "forms: table[i+1], counter[0], table[i], counter[1]" "-200 -6 100 9
300 -5 -200 9
-400 -4 300 9
500 -3 -400 9" "$OUT"

# 2. -p without a path: a stopped copy, released once every probe is attached.
./forms stop &
TP=$!
EXTRA_PIDS+=("$TP")
for ((i = 0; i < 500; i++)); do
  [ "$(awk '{print $3}' "/proc/$TP/stat" 2>/dev/null)" == "T" ] && break
  sleep 0.01
done
bg_start usdtp -p "$TP" -e 'usdt:::forms { @all[probe] = count(); }
usdt::forms { @short = sum((int64)arg1); }
usdt:*:forms { @star = count(); }
usdt:bpfscope_test:forms { @provider = count(); }'
if wait_attached usdtp; then
  ./forms # not traced: another process
  kill -CONT "$TP"
  wait "$TP"
  bg_stop usdtp INT
  assert_rc "-p: exits 0 on SIGINT" 0 "$RC"
  assert_eq "-p: found in the process's executable, its events only" "

@all[usdt:$TMPD/forms:bpfscope_test:forms]: 4
@provider: 4
@short: -18
@star: 4" "$OUT"
fi

# 3. Errors.
bps -e 'usdt:::forms { }'
assert_nonzero "no path, no -p: refused" "$RC"
assert_contains "no path, no -p: says what to write" "$ERR" \
  "HINT: write usdt:PATH:... , or give -p PID to search that process's executable and libraries"
sleep 30 &
SP=$!
EXTRA_PIDS+=("$SP")
bps -p "$SP" -e 'usdt:::forms { }'
assert_nonzero "-p: a process without the probe: refused" "$RC"
assert_contains "-p: a process without USDT notes: says so" "$ERR" \
  "ERROR: No USDT probes in process $SP (its executable and libraries) (no .note.stapsdt notes)"

finish
