#!/usr/bin/env bash
# scripts/tools/vfsstat.bt: kprobes on the VFS functions, counts printed every second. A python
# workload opens, writes and reads a file many times while the tool runs; the per-second counts
# must show those functions, and Ctrl-C prints nothing more (END clears the map).
source "$SRCDIR/tests/e2e/lib.sh"
source "$SRCDIR/tests/vm/vmlib.bash"

bg_start tool "$SRCDIR/scripts/tools/vfsstat.bt"
if wait_attached tool; then
  "${PYTHON:-python3}" -I -S -c "import os, time
for _ in range(3):
    for _ in range(50):
        fd = os.open('$TMPD/f', os.O_RDWR | os.O_CREAT)
        os.write(fd, b'x')
        os.lseek(fd, 0, 0)
        os.read(fd, 1)
        os.close(fd)
    time.sleep(1)"
  bg_stop tool INT
  assert_rc "vfsstat exits 0 on SIGINT" 0 "$RC"
  assert_contains "the header" "$OUT" "Tracing key VFS calls... Hit Ctrl-C to end."
  assert_match "a time line" "$OUT" '^[0-9]{2}:[0-9]{2}:[0-9]{2}$'
  for f in vfs_open vfs_write vfs_read; do
    assert_match "$f counted" "$OUT" "^@\[$f\]: [0-9]+\$"
  done
fi
finish
