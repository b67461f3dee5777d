#!/usr/bin/env bash
# The "done when" check of user-space tracing, the classic one-liner as written:
#   bpfscope -e 'uretprobe:/bin/bash:readline { printf("%s\n", str(retval)); }'
# prints what a user types into another, interactive bash. Here python3's pty module runs
# `bash --norc --noprofile -i` on a pseudo-terminal, waits for its prompt, types a line with a
# unique token, waits for the command's output, then types `exit`. The uretprobe is system wide,
# so other shells' lines may appear too: the test looks for its own two lines, in order.
source "$(dirname "$0")/lib.sh"

[ -e /sys/bus/event_source/devices/uprobe/type ] ||
  skip "this kernel has no uprobe PMU (CONFIG_UPROBE_EVENTS)"
# Debian's bash exports readline (it links GNU readline statically): a bash without the symbol
# is a fact of this system's build of bash, reported as an error by bpfscope (checked below).
if ! nm -D /bin/bash 2>/dev/null | grep -qw 'readline$'; then
  bps -e 'uretprobe:/bin/bash:readline { }'
  assert_contains "a bash without readline: no such function" "$ERR" "No function 'readline'"
  finish
fi
command -v python3 >/dev/null || { fail "python3 is needed to drive a pseudo-terminal"; finish; }

TOKEN="e2e-readline-$$-$RANDOM"
cat >"$TMPD/type.py" <<'PY'
import os, pty, select, sys, time

line = sys.argv[1]
pid, fd = pty.fork()
if pid == 0:
    os.environ["PS1"] = "prompt$ "
    os.execv("/bin/bash", ["bash", "--norc", "--noprofile", "-i"])

seen = b""
def wait_for(text, count=1, timeout=10):
    global seen
    end = time.time() + timeout
    while seen.count(text) < count:
        left = end - time.time()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            sys.exit("timed out waiting for %r; got %r" % (text, seen))
        try:
            seen += os.read(fd, 4096)
        except OSError:
            sys.exit("bash went away; got %r" % seen)

wait_for(b"prompt$ ")
seen = b""
os.write(fd, ("echo %s\n" % line).encode())
# The line comes back twice: the terminal's echo of the input, then the command's output.
wait_for(("%s\r\n" % line).encode(), count=2)
wait_for(b"prompt$ ")
os.write(fd, b"exit\n")
_, status = os.waitpid(pid, 0)
sys.exit(0 if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 else 1)
PY

bg_start readline -e 'uretprobe:/bin/bash:readline { printf("%s\n", str(retval)); }'
if wait_attached readline; then
  if ! timeout 20 python3 "$TMPD/type.py" "$TOKEN" >"$TMPD/type.out" 2>&1; then
    fail "the interactive bash did not run the typed line" "$(cat "$TMPD/type.out")"
  fi
  for ((i = 0; i < 500; i++)); do
    grep -qx "exit" "$TMPD/readline.out" 2>/dev/null && break
    sleep 0.01
  done
  bg_stop readline INT
  assert_rc "bpfscope exits 0 on SIGINT" 0 "$RC"
  assert_eq "Attached message" "Attached 1 probe" "$ERR"
  assert_eq "the typed line, then exit, in order" "echo $TOKEN
exit" "$(grep -x -e "echo $TOKEN" -e exit "$TMPD/readline.out")"
fi

finish
