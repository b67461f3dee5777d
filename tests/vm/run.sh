#!/usr/bin/env bash
# The kernel-probe lane: kprobes and fentry cannot be tested on the host (its kernel has no
# kprobes and refuses fentry programs), so the tests in tests/vm/cases run in a QEMU guest that
# boots Debian's stock 6.1 kernel with the host's root file system shared read-only: the guest
# runs the very bpfscope binary that was just built.
#
# Usage: BPFSCOPE=/path/to/bpfscope tests/vm/run.sh [CASE...]
#   VM_CACHE    where the kernel and initramfs are cached (default: vm-cache next to $BPFSCOPE)
#   VM_TIMEOUT  seconds for the whole VM run (default 280; ctest allows 300)
#   VM_CASES_DIR  where the cases are (default tests/vm/cases; must be visible to the guest, i.e.
#               on the host's root file system)
# Prints the guest's console (each case's output and PASS/FAIL/SKIP line) and exits non-zero if a
# case failed, if none passed, or if the guest did not finish.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$here/../.." && pwd)
: "${BPFSCOPE:?BPFSCOPE must name the bpfscope binary to test}"
BPFSCOPE=$(realpath "$BPFSCOPE")
cache=${VM_CACHE:-$(dirname "$BPFSCOPE")/vm-cache}

if ! command -v qemu-system-x86_64 >/dev/null; then
  echo "FAIL: qemu-system-x86_64 is missing (Debian package qemu-system-x86; run scripts/setup.sh)"
  exit 1
fi
cache=$("$here/prepare.sh" "$cache" | tail -1) || exit 1

console="$cache/console.log"
started=$(date +%s)
# TCG: KVM does not work on this machine. No network, no disk: the host's / over virtio-9p only.
# The guest's init reads VM_RUNNER & co from the kernel command line (they become its
# environment).
# One vCPU: with two, TCG lets the other vCPU run a function while the guest kernel patches a
# kprobe into it, and the guest once called address 0 from vfs_read (tool_vfsstat's kprobe:vfs_read*).
timeout -k 5 "${VM_TIMEOUT:-280}" qemu-system-x86_64 \
  -accel tcg -cpu max -smp 1 -m 1536 \
  -kernel "$cache/vmlinuz" -initrd "$cache/initramfs.cpio.gz" \
  -append "console=ttyS0 panic=-1 quiet loglevel=3 VM_RUNNER=$here/guest.sh VM_CASES_DIR=${VM_CASES_DIR:-$here/cases} BPFSCOPE=$BPFSCOPE SRCDIR=$srcdir VM_CASES=$(IFS=,; echo "$*")" \
  -virtfs local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap \
  -display none -serial stdio -monitor none -nic none -no-reboot \
  </dev/null 2>&1 | tr -d '\r' | tee "$console"
qemu_rc=${PIPESTATUS[0]}
took=$(($(date +%s) - started))

passed=$(grep -c '^VMTEST PASS ' "$console")
failed=$(grep -c '^VMTEST FAIL ' "$console")
skipped=$(grep -c '^VMTEST SKIP ' "$console")
echo
echo "vm.kernel_probes: $passed passed, $failed failed, $skipped skipped in ${took}s" \
  "(guest kernel: $(sed -n 's/^VMTEST KERNEL //p' "$console" | head -1))"
if ! grep -q '^VMTEST DONE' "$console"; then
  echo "FAIL: the guest did not finish (qemu exit status $qemu_rc; console in $console)"
  exit 1
fi
if grep -q '^VMTEST ERROR' "$console"; then
  grep '^VMTEST ERROR' "$console"
  exit 1
fi
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
