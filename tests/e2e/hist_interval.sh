#!/usr/bin/env bash
# Timed probes: interval:s / interval:ms / interval:hz end programs by themselves at the right time,
# a hist() over raw_syscalls prints in bpftrace's layout, profile:hz samples every CPU.
source "$(dirname "$0")/lib.sh"

now_ms() { date +%s%3N; }
HIST_LINE='^(\[-?[0-9]+[KMGTPE]?\]|\[-?[0-9]+[KMGTPE]?, -?[0-9]+[KMGTPE]?\)) +[0-9]+ \|[@ ]{52}\|$'

# 1. hist of syscall ids, ended by interval:s:1 after about a second.
t0=$(now_ms)
bps -e 'tracepoint:raw_syscalls:sys_enter { @ = hist(args.id); } interval:s:1 { exit(); }'
t1=$(now_ms)
assert_rc "hist + interval:s:1 exits by itself" 0 "$RC"
el=$((t1 - t0))
if [ "$el" -ge 900 ] && [ "$el" -lt 4000 ]; then
  pass "interval:s:1 fired after about 1 s (${el} ms, compile included)"
else
  fail "interval:s:1 should end the program after about 1 s, took ${el} ms"
fi
assert_match "'Attached 2 probes' on stderr" "$ERR" '^Attached 2 probes'
# stdout: two blank lines, "@:", bucket lines, one blank line.
first3=$(head -3 "$TMPD/last.out" | cat -A)
assert_eq "output starts with two blank lines and the @: header" '$
$
@:$' "$first3"
body=$(sed -n '4,$p' "$TMPD/last.out" | sed '$d')
nbad=$(printf '%s\n' "$body" | grep -cvE "$HIST_LINE")
nlines=$(printf '%s\n' "$body" | grep -cE "$HIST_LINE")
if [ "$nlines" -ge 1 ] && [ "$nbad" -eq 0 ]; then
  pass "$nlines bucket lines, all in the '[lo, hi)   count |@@@...|' layout"
else
  fail "bucket lines not in bpftrace's layout ($nbad bad of $((nlines + nbad)))" "$(cat "$TMPD/last.out")"
fi
assert_eq "the histogram ends with one blank line" "" "$(tail -1 "$TMPD/last.out")"
# The largest bucket has the full 52-column bar.
assert_match "the largest bucket has a full bar" "$body" '\|@{52}\|$'

# 2. interval:ms:100 three times, counting in a plain map; exit on the third tick.
t0=$(now_ms)
bps -e 'interval:ms:100 { @i = @i + 1; printf("tick %d\n", @i); if (@i == 3) { exit(); } }'
t1=$(now_ms)
assert_rc "interval:ms:100 counter program" 0 "$RC"
assert_eq "three ticks, then @i printed at exit" "tick 1
tick 2
tick 3


@i: 3" "$OUT"
el=$((t1 - t0))
if [ "$RC" != 0 ]; then
  show_last
elif [ "$el" -ge 290 ] && [ "$el" -lt 3000 ]; then
  pass "three 100 ms ticks took ${el} ms"
else
  fail "three interval:ms:100 ticks should take about 300 ms, took ${el} ms"
fi

# Same with the counter started in BEGIN (independent of the implicit-zero read above).
bps -e 'BEGIN { @i = 0; } interval:ms:100 { @i = @i + 1; printf("tick %d\n", @i); if (@i == 3) { exit(); } }'
assert_rc "BEGIN + interval:ms:100 counter program" 0 "$RC"
assert_eq "three ticks with @i initialised in BEGIN" "tick 1
tick 2
tick 3


@i: 3" "$OUT"

# 3. interval:hz:20 ten times: about half a second.
t0=$(now_ms)
bps -e 'BEGIN { @n = 0; } interval:hz:20 { @n = @n + 1; if (@n == 10) { exit(); } }'
t1=$(now_ms)
assert_rc "interval:hz:20 program" 0 "$RC"
assert_eq "interval:hz:20 fired 10 times" "

@n: 10" "$OUT"
el=$((t1 - t0))
if [ "$el" -ge 450 ] && [ "$el" -lt 3000 ]; then
  pass "ten 20 Hz ticks took ${el} ms"
else
  fail "ten interval:hz:20 ticks should take about 500 ms, took ${el} ms"
fi

# 4. elapsed in the first interval:ms:100 tick is about 100 ms.
bps -e 'interval:ms:100 { printf("%d\n", elapsed / 1000000); exit(); }'
assert_rc "elapsed program" 0 "$RC"
ms=$(printf '%s\n' "$OUT" | head -1)
if [[ "$ms" =~ ^[0-9]+$ ]] && [ "$ms" -ge 95 ] && [ "$ms" -lt 1000 ]; then
  pass "elapsed at the first 100 ms tick: ${ms} ms"
else
  fail "elapsed at the first interval:ms:100 tick should be about 100 ms, got '$ms'" "$OUT"
fi

# 5. profile:hz:99 on every CPU for half a second. profile:hz is a frequency-mode cpu-clock event
#    (as in bpftrace), which the kernel samples irregularly on an idle CPU: keep every CPU busy.
ncpu=$(nproc)
spinners=()
for ((c = 0; c < ncpu; c++)); do
  taskset -c "$c" bash -c 'while :; do :; done' &
  spinners+=($!)
  EXTRA_PIDS+=($!)
done
bps -e 'profile:hz:99 { @[cpu] = count(); } interval:ms:500 { exit(); }'
kill "${spinners[@]}" 2>/dev/null
wait "${spinners[@]}" 2>/dev/null
assert_rc "profile:hz:99 program" 0 "$RC"
assert_match "'Attached 2 probes' for profile + interval" "$ERR" '^Attached 2 probes'
lines=$(printf '%s\n' "$OUT" | grep -E '^@\[[0-9]+\]: [0-9]+$')
ncpus_seen=$(printf '%s\n' "$lines" | grep -c .)
bad_cpu=$(printf '%s\n' "$lines" | sed -E 's/^@\[([0-9]+)\].*/\1/' | awk -v n="$ncpu" '$1 >= n')
assert_eq "profile:hz:99 samples each of the $ncpu CPUs" "$ncpu" "$ncpus_seen"
assert_eq "cpu keys are below nproc" "" "$bad_cpu"
# 99 Hz for 0.5 s is about 49 per CPU; allow generous slack, but not zero and not runaway.
out_of_range=$(printf '%s\n' "$lines" | awk -F': ' '$2 < 20 || $2 > 80')
assert_eq "each CPU got about 49 samples (20..80)" "" "$out_of_range"
sorted=$(printf '%s\n' "$lines" | sort -t: -k2 -n -s)
assert_eq "@[cpu] lines sorted by count ascending" "$sorted" "$lines"

finish
