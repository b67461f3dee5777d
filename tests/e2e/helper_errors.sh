#!/usr/bin/env bash
# Helper failures reported by the probes, once per call site, at the script location of the
# call, on stderr:
#   - a map update on a full map (BPFTRACE_MAX_MAP_KEYS small, a workload making more keys) gives
#     bpftrace's "Map full" warning, with or without -k, and the map keeps its first keys;
#   - with -k, str() of an invalid pointer ("Failed to probe_read_str: Bad address (-14)") and
#     delete() of a missing key; without -k neither is reported.
source "$(dirname "$0")/lib.sh"

# The workload seeks a file to offsets 0..49: sys_enter_lseek's args.offset is a fresh key each
# time.
seeks='fd = os.open("/dev/null", os.O_RDONLY)
for i in range(50): os.lseek(fd, i, 0)'

run_with() { # NAME PROGRAM [ARGS...]: runs PROGRAM (WLPID = the workload's pid) over the seeks
  local name=$1 prog=$2
  shift 2
  pyworkload_start "$seeks" || return 1
  bg_start "$name" "$@" -e "${prog//WLPID/$WL_PID}"
  wait_attached "$name" || return 1
  workload_run
  bg_stop "$name" INT
}

# --- Map full, once per map, without -k.
prog='tracepoint:syscalls:sys_enter_lseek /pid == WLPID/ {
  @off[args.offset] = args.offset;
  @n[args.offset] = count();
}'
export BPFTRACE_MAX_MAP_KEYS=10
if run_with full "$prog"; then
  assert_rc "map full: exit status 0" 0 "$RC"
  assert_eq "map full: one warning per map, at its update, naming the map" \
    "Attached 1 probe
stdin:2:3-34: WARNING: Map full; can't update element. Try increasing max_map_keys config
  @off[args.offset] = args.offset;
  ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
HINT: @off holds at most 10 keys: raise the limit with BPFTRACE_MAX_MAP_KEYS
stdin:3:3-28: WARNING: Map full; can't update element. Try increasing max_map_keys config
  @n[args.offset] = count();
  ~~~~~~~~~~~~~~~~~~~~~~~~~
HINT: @n holds at most 10 keys: raise the limit with BPFTRACE_MAX_MAP_KEYS" "$ERR"
  expected_n="" expected_off=""
  for i in 0 1 2 3 4 5 6 7 8 9; do
    expected_n+="@n[$i]: 1"$'\n'
    expected_off+="@off[$i]: $i"$'\n'
  done
  assert_eq "map full: each map holds its first 10 keys" "${expected_n}${expected_off%$'\n'}" "$(printf '%s\n' "$OUT" | sed '/^$/d' | sort -t[ -k1,1 -k2n)"
fi

# Room for every key: no warning.
export BPFTRACE_MAX_MAP_KEYS=64
if run_with roomy "$prog"; then
  assert_eq "map with room: no warning" "Attached 1 probe" "$ERR"
  assert_eq "map with room: 50 keys each" 100 "$(printf '%s\n' "$OUT" | grep -c '^@')"
fi
unset BPFTRACE_MAX_MAP_KEYS

# --- -k: str() of a pointer that is not one (the offsets, as addresses, are unmapped), and
# delete() of keys never stored. 50 failures each, one warning each. (The key 1000, a positive
# literal, takes args.offset's uint64 silently; -1 would make an int64 key, with a warning.)
prog='tracepoint:syscalls:sys_enter_lseek /pid == WLPID/ {
  printf("[%s]\n", str(args.offset));
  delete(@gone[args.offset]);
}
BEGIN { @gone[1000] = 1; }'
if run_with k_on "$prog" -k; then
  assert_rc "-k: exit status 0" 0 "$RC"
  assert_eq "-k: each failing call site warns once, at the call" \
    "Attached 2 probes
stdin:2:20-36: WARNING: Failed to probe_read_str: Bad address (-14)
  printf(\"[%s]\\n\", str(args.offset));
                   ~~~~~~~~~~~~~~~~
stdin:3:3-29: WARNING: Can't delete map element because it does not exist.
  delete(@gone[args.offset]);
  ~~~~~~~~~~~~~~~~~~~~~~~~~~" "$ERR"
  assert_eq "-k: the probe still runs every time (empty strings)" 50 "$(printf '%s\n' "$OUT" | grep -c '^\[\]$')"
fi
if run_with k_off "$prog"; then
  assert_eq "without -k: no warning" "Attached 2 probes" "$ERR"
  assert_eq "without -k: same output" 50 "$(printf '%s\n' "$OUT" | grep -c '^\[\]$')"
fi

finish
