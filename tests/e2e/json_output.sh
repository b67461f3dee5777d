#!/usr/bin/env bash
# `-f json`: the reference examples (bpftrace v0.26's exact JSON lines), one record per line, no
# blank lines, each line valid JSON; the attached_probes record comes first on stdout. As in
# golden_begin.sh, maps are sorted by value and print(@m, N) shows the largest N.
source "$(dirname "$0")/lib.sh"

PY=$(command -v /usr/bin/python3 || command -v python3 || true)

# golden_json NAME PROGRAM <<'EOF' ... EOF
golden_json() {
  local name=$1 prog=$2
  cat >"$TMPD/expected"
  bps -f json -e "$prog"
  if [ "$RC" != 0 ]; then
    fail "$name: exit status $RC (expected 0)" "$ERR"
    return
  fi
  if diff -u --label expected --label actual "$TMPD/expected" "$TMPD/last.out" >"$TMPD/diff"; then
    pass "$name: JSON lines match exactly"
  else
    fail "$name: JSON differs ($prog)" "$(cat -A "$TMPD/diff" | sed 's/\$$//')"
  fi
  if [ -n "$PY" ]; then
    local bad
    bad=$("$PY" -c '
import json, sys
for n, line in enumerate(open(sys.argv[1]), 1):
    if not line.strip():
        continue  # blank lines are caught by the exact comparison
    try:
        json.loads(line)
    except Exception as e:
        print("line %d: %r: %s" % (n, line, e))
' "$TMPD/last.out")
    if [ -z "$bad" ]; then
      pass "$name: every non-blank stdout line is a JSON document"
    else
      fail "$name: stdout lines that are not JSON documents" "$bad"
    fi
  fi
}

golden_json "count by string key" \
  'BEGIN { @c["x"] = count(); @c["y"] = count(); @c["y"] = count(); @c["z"] = count(); @c["z"] = count(); @c["z"] = count(); exit(); }' <<'EOF'
{"type": "attached_probes", "count": 1, "data": {"probes": 1}}
{"type": "map", "data": {"@c": {"x": 1, "y": 2, "z": 3}}}
EOF
assert_not_contains "json: no 'Attached' text line on stderr" "$ERR" "Attached 1 probe"

golden_json "tuple keys" 'BEGIN { @t[1, "a"] = count(); @t[2, "b"] = count(); @t[2, "b"] = count(); exit(); }' <<'EOF'
{"type": "attached_probes", "count": 1, "data": {"probes": 1}}
{"type": "map", "data": {"@t": {"1,a": 1, "2,b": 2}}}
EOF

golden_json "hist" 'BEGIN { @h = hist(0); @h = hist(3); @h = hist(3); @h = hist(100); @h = hist(70000); exit(); }' <<'EOF'
{"type": "attached_probes", "count": 1, "data": {"probes": 1}}
{"type": "hist", "data": {"@h": [{"min": 0, "max": 0, "count": 1},{"min": 1, "max": 1, "count": 0},{"min": 2, "max": 3, "count": 2},{"min": 4, "max": 7, "count": 0},{"min": 8, "max": 15, "count": 0},{"min": 16, "max": 31, "count": 0},{"min": 32, "max": 63, "count": 0},{"min": 64, "max": 127, "count": 1},{"min": 128, "max": 255, "count": 0},{"min": 256, "max": 511, "count": 0},{"min": 512, "max": 1023, "count": 0},{"min": 1024, "max": 2047, "count": 0},{"min": 2048, "max": 4095, "count": 0},{"min": 4096, "max": 8191, "count": 0},{"min": 8192, "max": 16383, "count": 0},{"min": 16384, "max": 32767, "count": 0},{"min": 32768, "max": 65535, "count": 0},{"min": 65536, "max": 131071, "count": 1}]}}
EOF

golden_json "lhist" 'BEGIN { @l = lhist(-5, 0, 50, 10); @l = lhist(12, 0, 50, 10); @l = lhist(12, 0, 50, 10); @l = lhist(60, 0, 50, 10); exit(); }' <<'EOF'
{"type": "attached_probes", "count": 1, "data": {"probes": 1}}
{"type": "hist", "data": {"@l": [{"max": -1, "count": 1},{"min": 0, "max": 9, "count": 0},{"min": 10, "max": 19, "count": 2},{"min": 20, "max": 29, "count": 0},{"min": 30, "max": 39, "count": 0},{"min": 40, "max": 49, "count": 0},{"min": 50, "count": 1}]}}
EOF

golden_json "stats avg min max sum" 'BEGIN { @s = stats(2); @s = stats(4); @a = avg(10); @a = avg(21); @mi = min(-7); @ma = max(9); @su = sum(5); exit(); }' <<'EOF'
{"type": "attached_probes", "count": 1, "data": {"probes": 1}}
{"type": "stats", "data": {"@a": 15}}
{"type": "map", "data": {"@ma": 9}}
{"type": "map", "data": {"@mi": -7}}
{"type": "stats", "data": {"@s": {"count": 2, "average": 3, "total": 6}}}
{"type": "map", "data": {"@su": 5}}
EOF

golden_json "keyed hist" 'BEGIN { @[1] = hist(5); @[2] = hist(500); exit(); }' <<'EOF'
{"type": "attached_probes", "count": 1, "data": {"probes": 1}}
{"type": "hist", "data": {"@": {"1": [{"min": 4, "max": 7, "count": 1}], "2": [{"min": 256, "max": 511, "count": 1}]}}}
EOF

golden_json "printf" 'BEGIN { printf("%d|%5d|%-5d|%05d|%x|%X|%o|%u|%c|%s|%10s|%-10s|%%\n", -3, 42, 42, 42, 255, 255, 8, -1, 65, "str", "right", "left"); exit(); }' <<'EOF'
{"type": "attached_probes", "count": 1, "data": {"probes": 1}}
{"type": "printf", "data": "-3|   42|42   |00042|ff|FF|10|4294967295|A|str|     right|left      |%\n"}
EOF

golden_json "print values" 'BEGIN { $t = (1, "two", 3); print($t); print(1 + 2); print("str"); exit(); }' <<'EOF'
{"type": "attached_probes", "count": 1, "data": {"probes": 1}}
{"type": "value", "data": [1,"two",3]}
{"type": "value", "data": 3}
{"type": "value", "data": "str"}
EOF

golden_json "print and clear" 'BEGIN { @x = 1; @y = "s"; print(@x); clear(@x); print(@x); exit(); }' <<'EOF'
{"type": "attached_probes", "count": 1, "data": {"probes": 1}}
{"type": "map", "data": {"@x": 1}}
{"type": "map", "data": {"@y": "s"}}
EOF

# Documented behaviour: sorted by value ascending, print(@m, 2) = the two largest.
golden_json "print(@m, top) and print(@m, 0, div)" 'BEGIN { @m[1] = 10; @m[2] = 20; @m[3] = 30; print(@m, 2); print(@m, 0, 10); exit(); }' <<'EOF'
{"type": "attached_probes", "count": 1, "data": {"probes": 1}}
{"type": "map", "data": {"@m": {"2": 20, "3": 30}}}
{"type": "map", "data": {"@m": {"1": 1, "2": 2, "3": 3}}}
{"type": "map", "data": {"@m": {"1": 10, "2": 20, "3": 30}}}
EOF

golden_json "print() of hist, stats and count maps" 'BEGIN { @h = hist(5); print(@h); @s = stats(3); print(@s); @c = count(); print(@c); exit(); }' <<'EOF'
{"type": "attached_probes", "count": 1, "data": {"probes": 1}}
{"type": "hist", "data": {"@h": [{"min": 4, "max": 7, "count": 1}]}}
{"type": "stats", "data": {"@s": {"count": 1, "average": 3, "total": 3}}}
{"type": "map", "data": {"@c": 1}}
{"type": "map", "data": {"@c": 1}}
{"type": "hist", "data": {"@h": [{"min": 4, "max": 7, "count": 1}]}}
{"type": "stats", "data": {"@s": {"count": 1, "average": 3, "total": 3}}}
EOF

year=$(date +%Y)
golden_json "time" 'BEGIN { time("%Y\n"); exit(); }' <<EOF
{"type": "attached_probes", "count": 1, "data": {"probes": 1}}
{"type": "time", "data": "$year\n"}
EOF

# String escaping in JSON (quote, backslash, tab) as bpftrace's JSON emitter does.
golden_json "string escaping" 'BEGIN { printf("q\"b\\t\tx\n"); exit(); }' <<'EOF'
{"type": "attached_probes", "count": 1, "data": {"probes": 1}}
{"type": "printf", "data": "q\"b\\t\tx\n"}
EOF

golden_json "BEGIN and END without exit()" 'BEGIN { printf("begin\n"); @b = 1; } END { printf("end\n"); }' <<'EOF'
{"type": "attached_probes", "count": 2, "data": {"probes": 2}}
{"type": "printf", "data": "begin\n"}
{"type": "printf", "data": "end\n"}
{"type": "map", "data": {"@b": 1}}
EOF

# errorf/warnf and failed helpers (a full map always; others with -k) are records on stdout in
# JSON, each naming where the call is (line, column of its first character), as v0.26 writes them.
BPFTRACE_MAX_MAP_KEYS=1 golden_json "errorf, warnf and a full map" 'BEGIN { errorf("bad %d", 3);
  warnf("w %s", "x");
  @a[1] = 1; @a[2] = 2;
  exit(); }' <<'EOF'
{"type": "attached_probes", "count": 1, "data": {"probes": 1}}
{"type": "errorf", "msg": "bad 3", "filename": "stdin", "line": 1, "col": 9}
{"type": "warnf", "msg": "w x", "filename": "stdin", "line": 2, "col": 3}
{"type": "helper_error", "msg": "Argument list too long", "helper": "map_update_elem", "retcode": -7, "filename": "stdin", "line": 3, "col": 14}
{"type": "map", "data": {"@a": {"1": 1}}}
EOF
bps -f json -k -e 'BEGIN { printf("%s|\n", str(12345)); exit(); }'
assert_eq "json -k: a failed probe_read_str is a helper_error record" \
  '{"type": "helper_error", "msg": "Bad address", "helper": "probe_read_str", "retcode": -14, "filename": "stdin", "line": 1, "col": 25}' \
  "$(grep helper_error "$TMPD/last.out")"
assert_eq "json -k: nothing on stderr" "" "$ERR"

# On SIGINT, the maps come out as JSON records too (no text blank lines).
bg_start sigjson -f json -e 'BEGIN { @b = 1; } tracepoint:syscalls:sys_enter_openat /pid == 1/ { @never = count(); }'
# (with -f json the attached_probes record on stdout is the sign that it is running)
for ((i = 0; i < 1500; i++)); do
  grep -q attached_probes "$TMPD/sigjson.out" 2>/dev/null && break
  sleep 0.01
done
bg_stop sigjson INT
assert_rc "json: SIGINT exit status" 0 "$RC"
assert_eq "json: maps printed on SIGINT as JSON records" '{"type": "attached_probes", "count": 2, "data": {"probes": 2}}
{"type": "map", "data": {"@b": 1}}' "$(cat "$TMPD/sigjson.out")"

finish
