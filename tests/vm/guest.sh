#!/usr/bin/env bash
# Runs inside the test VM (chrooted into the host's root, see init): every case in
# $VM_CASES_DIR (or only those named in $VM_CASES, comma separated), each under a deadline,
# printing "VMTEST BEGIN NAME", its output, then "VMTEST PASS|FAIL|SKIP NAME" and at the very end
# "VMTEST DONE". A case exits 0 (pass), 77 (skip: a fact of this kernel, reason printed) or
# anything else (fail).
export BPFSCOPE SRCDIR
# TCG runs the guest 10-50 times slower than the host: deadlines for the e2e helpers to match.
export ATTACH_TIMEOUT=60 RUN_TIMEOUT=60
cd /tmp || exit 1
for script in "$VM_CASES_DIR"/*.sh; do
  name=$(basename "$script" .sh)
  if [ -n "${VM_CASES:-}" ] && [[ ",$VM_CASES," != *",$name,"* ]]; then
    continue
  fi
  echo "VMTEST BEGIN $name"
  start=$(date +%s)
  timeout -k 5 "${VM_CASE_TIMEOUT:-90}" bash "$script" </dev/null 2>&1
  rc=$?
  took=$(($(date +%s) - start))
  case $rc in
  0) echo "VMTEST PASS $name (${took}s)" ;;
  77) echo "VMTEST SKIP $name (${took}s)" ;;
  124 | 137) echo "VMTEST FAIL $name (timed out after ${took}s)" ;;
  *) echo "VMTEST FAIL $name (exit $rc, ${took}s)" ;;
  esac
done
echo "VMTEST DONE"
