#!/usr/bin/env bash
# The standard library (bpftrace v0.26 names and semantics), run for real in BEGIN probes with the
# exact stdout compared: strlen, strncmp, strcontains, bswap, strerror, has_key, let declarations,
# the builtins ppid, username, numaid, ncpus, jiffies, usermode, nsecs(CLOCK), pid/tid(init), and
# JSON output of the types printed in user space.
source "$(dirname "$0")/lib.sh"

golden "string functions" 'BEGIN {
  printf("%d %d\n", strlen("hello"), strlen(""));
  printf("%d %d %d\n", strncmp("hello", "help", 3), strncmp("hello", "help", 4), strncmp("a", "a", 10));
  printf("%d %d %d %d\n", strcontains("hello world", "o w"), strcontains("hello", "low"), strcontains("abc", ""), strcontains("", "a"));
  printf("%d\n", strcontains(comm, "scope"));
}' <<'EOF'
5 0
0 1 0
1 0 1 0
1


EOF

golden "bswap keeps the width" 'BEGIN { printf("%x %x %d\n", bswap((uint16)0x1234), bswap((uint32)0x12345678), bswap((uint8)7)); }' <<'EOF'
3412 78563412 7


EOF

golden "strerror prints the description" 'BEGIN { printf("%s|%s\n", strerror(2), strerror(13)); @[strerror(1)] = count(); exit(); }' <<'EOF'
No such file or directory|Permission denied


@[Operation not permitted]: 1
EOF

golden "has_key" 'BEGIN { @m[1, "a"] = 1; printf("%d %d\n", has_key(@m, (1, "a")), has_key(@m, (2, "a"))); clear(@m); exit(); }' <<'EOF'
1 0


EOF

golden "let declarations" 'BEGIN { let $x: uint8 = 300; let $y; $y = "str"; let $z = 7; let $w: int16; printf("%d %s %d %d\n", $x, $y, $z, $w); }' <<'EOF'
44 str 7 0


EOF

golden "username and numeric builtins" "BEGIN { printf(\"%s %d %d %d %d\\n\", username, numaid, ncpus == $(nproc), usermode, jiffies > 0); }" <<'EOF'
root 0 1 0 1


EOF

golden "ppid, pid(init) and the clocks" 'BEGIN { printf("%d %d %d %d\n", ppid > 0, pid(init) == pid, tid(init) == tid, nsecs(boot) > 0 && nsecs(monotonic) > 0); printf("%d\n", nsecs(tai) > nsecs); }' <<'EOF'
1 1 1 1
1


EOF

# ppid is the parent of bpfscope: here, a shell whose pid is known (not exec'd into bpfscope).
PPID_LINES=$(sh -c 'echo $$; "$0" -e "BEGIN { printf(\"%d\\n\", ppid); }" 2>/dev/null; true' \
  "$BPFSCOPE" | head -2 | tr '\n' ' ')
set -- $PPID_LINES
assert_eq "ppid is the parent's pid" "$1" "$2"

golden "JSON: user-space types as strings" 'BEGIN { print(strerror(1)); @u[username] = count(); exit(); }' -f json <<'EOF'
{"type": "attached_probes", "count": 1, "data": {"probes": 1}}
{"type": "value", "data": "Operation not permitted"}
{"type": "map", "data": {"@u": {"root": 1}}}
EOF

bps -e 'BEGIN { errorf("bad %d, %s", 10, "arg2"); warnf("careful"); printf("out\n"); }'
assert_eq "errorf/warnf: stdout has only printf" "out" "$OUT"
assert_contains "errorf: ERROR with its location on stderr" "$ERR" "stdin:1:9-41: ERROR: bad 10, arg2"
assert_contains "warnf: WARNING with its location on stderr" "$ERR" "stdin:1:43-59: WARNING: careful"

CG=$(stat -c %i /sys/fs/cgroup)
golden "cgroupid is the cgroup directory's inode" 'BEGIN { printf("%d\n", cgroupid("/sys/fs/cgroup")); }' <<EOF
$CG


EOF

bps -e 'BEGIN { $x = nsecs(sideways); }'
assert_nonzero "an unknown clock is an error" "$RC"
assert_contains "the message names it" "$ERR" "nsecs(): unknown clock 'sideways'"
bps -e 'BEGIN { $x = strncmp("a", "b", pid); }'
assert_nonzero "strncmp needs a constant length" "$RC"
assert_contains "the message says so" "$ERR" "strncmp() expects a non-negative constant length"

finish
