#!/usr/bin/env bash
# cgroup_path(id[, filter]) over every mounted cgroup hierarchy, as bpftrace v0.26 prints it:
# "name:/path" for each hierarchy where the id is an inode number, cgroup2 ("unified") first and
# the cgroup v1 ones by name, joined by commas. A workload this test starts is moved into a new
# cgroup of the cgroup2 hierarchy and, where one is writable, of a cgroup v1 hierarchy; the paths
# printed are compared with what `find -inum` finds in the same hierarchies.
source "$(dirname "$0")/lib.sh"

NAME=bpfscope-cgpath-$$
CG2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
[ -n "$CG2" ] || skip "no cgroup2 hierarchy is mounted"
mkdir "$CG2/$NAME" 2>/dev/null || skip "the cgroup2 hierarchy at $CG2 is not writable"
V1_NAME='' V1_ROOT=''
for controller in cpu memory pids; do
  root=$(awk -v c="$controller" '$3 == "cgroup" && $2 ~ ("/" c "$") { print $2; exit }' /proc/self/mounts)
  if [ -n "$root" ] && mkdir "$root/$NAME" 2>/dev/null; then
    V1_NAME=$controller V1_ROOT=$root
    break
  fi
done

cleanup_cgroups() {
  rmdir "$CG2/$NAME" 2>/dev/null
  [ -z "$V1_ROOT" ] || rmdir "$V1_ROOT/$NAME" 2>/dev/null
}

# expected_paths ID FILTER: the text cgroup_path(ID, FILTER) must print, found independently:
# the cgroup2 mounts in mount order, then the cgroup v1 ones sorted by name; `find -inum` in each.
expected_paths() {
  local id=$1 filter=$2 text='' name dir path
  while read -r name dir; do
    # shellcheck disable=SC2254 # the filter is a pattern
    case "$name" in $filter) ;; *) continue ;; esac
    path=$(find "$dir" -xdev -inum "$id" -print -quit 2>/dev/null)
    [ -n "$path" ] || continue
    path=${path#"$dir"}
    text+=${text:+,}$name:${path:-/}
  done < <(awk '$3 == "cgroup2" { print "unified", $2 }' /proc/self/mounts
    awk '$3 == "cgroup" { n = split($2, p, "/"); print p[n], $2 }' /proc/self/mounts | LC_ALL=C sort)
  printf '%s\n' "$text"
}

if workload_start cgpath 'kill -0 16777343 2>/dev/null; true'; then
  echo "$WL_PID" >"$CG2/$NAME/cgroup.procs"
  CGID=$(stat -c %i "$CG2/$NAME")
  V1_PRINTS=
  if [ -n "$V1_ROOT" ]; then
    echo "$WL_PID" >"$V1_ROOT/$NAME/cgroup.procs"
    V1_INO=$(stat -c %i "$V1_ROOT/$NAME")
    # The v1 cgroup's own inode number: v1 hierarchies number their cgroups apart from cgroup2.
    V1_PRINTS="print(cgroup_path($V1_INO, \"$V1_NAME\")); print(cgroup_path($V1_INO));"
  else
    echo "      (no writable cgroup v1 hierarchy among cpu, memory, pids: v1 part not run)"
  fi
  bg_start cgroup -e "tracepoint:syscalls:sys_enter_kill /pid == $WL_PID/ {
    printf(\"%d\n\", cgroup); print(cgroup_path(cgroup)); print(cgroup_path(cgroup, \"unified\"));
    print(cgroup_path(cgroup, \"nothing*\")); $V1_PRINTS exit(); }"
  if wait_attached cgroup; then
    workload_run
    bg_wait cgroup 10
    mapfile -t lines <<<"$OUT"
    assert_eq "cgroup is the id (inode number) of the workload's cgroup2 cgroup" "$CGID" "${lines[0]}"
    assert_match "cgroup_path(cgroup) starts with the cgroup2 path" "${lines[1]}" "^unified:/$NAME(,|$)"
    assert_eq "cgroup_path(cgroup): every hierarchy where the id is found" \
      "$(expected_paths "$CGID" '*')" "${lines[1]}"
    assert_eq "cgroup_path(cgroup, \"unified\")" "unified:/$NAME" "${lines[2]}"
    assert_eq "a filter matching no hierarchy gives an empty path" "" "${lines[3]}"
    if [ -n "$V1_ROOT" ]; then
      assert_eq "cgroup_path(v1 id, \"$V1_NAME\")" "$V1_NAME:/$NAME" "${lines[4]}"
      assert_contains "cgroup_path(v1 id) names the v1 cgroup" "${lines[5]}" "$V1_NAME:/$NAME"
      assert_eq "cgroup_path(v1 id): every hierarchy where the id is found" \
        "$(expected_paths "$V1_INO" '*')" "${lines[5]}"
    fi
  else
    kill -CONT "$WL_PID" 2>/dev/null
    wait "$WL_PID" 2>/dev/null
  fi
fi
cleanup_cgroups
finish
