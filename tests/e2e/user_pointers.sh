#!/usr/bin/env bash
# Address spaces: pointer arguments of syscall tracepoints point into the calling process (as in
# bpftrace), are typed from the format file when they point to a struct (sys_enter_connect's
# `struct sockaddr * uservaddr`), and keep reading user memory through casts; uptr() marks any
# address as user memory, kptr() as kernel memory. Also bitfields (a script's struct over a user
# buffer, a kernel struct printed whole) and casts to C type names (uint64_t, pid_t).
source "$(dirname "$0")/lib.sh"

[ -e /sys/kernel/btf/vmlinux ] || skip "this kernel has no BTF (struct sockaddr comes from it)"

N=3
PORT=9 # discard: nothing listens here, connect() is refused after the tracepoint ran
pyworkload_start "import socket
for _ in range($N):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.connect(('127.0.0.1', $PORT))
    except OSError:
        pass
    s.close()" || finish
# sin_port is in network byte order: port 9 reads as 0x0900 on x86-64.
bg_start connect -e "tracepoint:syscalls:sys_enter_connect /pid == $WL_PID/ {
  \$in = (struct sockaddr_in *)args.uservaddr;
  @family[args.uservaddr->sa_family, \$in->sin_port, \$in->sin_addr.s_addr] = count();
  @user[((struct sockaddr *)uptr((uint64)args.uservaddr))->sa_family, uptr(args.uservaddr)->sa_family] = count();
  // Read as kernel memory, a user address faults: the read gives 0.
  @kernel[((struct sockaddr *)kptr(args.uservaddr))->sa_family] = count();
}
$READY_PROBE"
if wait_ready connect; then
  workload_run
  bg_stop connect INT
  assert_rc "SIGINT ends bpfscope" 0 "$RC"
  OUT=$(printf '%s\n' "$OUT" | grep -v '^ready$')
  # AF_INET is 2; 127.0.0.1 in network order is 0x0100007f.
  assert_contains "args.uservaddr is a struct sockaddr * in user memory; casts keep that" "$OUT" \
    "@family[2, 2304, 16777343]: $N"
  assert_contains "uptr() of an integer and of a pointer" "$OUT" "@user[2, 2]: $N"
  assert_contains "kptr() reads kernel memory" "$OUT" "@kernel[0]: $N"
fi

# Bitfields of a script's struct, read through a syscall's user buffer: write() of 8 bytes laid
# out as C lays out struct Bits (a at bits 0-2, b 3-7, c byte 1, d bits 16-24, e moved to bits
# 32-51 rather than cross the int boundary), member by member and printed whole.
pyworkload_start "a, b, c, d, e = 5, -3 & 0x1f, 0xab, 300, -12345 & 0xfffff
word = a | (b << 3) | (c << 8) | (d << 16) | (e << 32)
fd = os.open('/dev/null', os.O_WRONLY)
for _ in range($N):
    os.write(fd, word.to_bytes(8, 'little'))" || finish
bg_start bits -e "struct Bits { unsigned int a:3; int b:5; unsigned char c; unsigned short d:9; int e:20; }
tracepoint:syscalls:sys_enter_write /pid == $WL_PID && args.count == 8/ {
  \$s = (struct Bits *)args.buf;
  @members[\$s->a, \$s->b, \$s->c, \$s->d, \$s->e, sizeof(struct Bits)] = count();
  @whole = *\$s;
}
$READY_PROBE"
if wait_ready bits; then
  workload_run
  bg_stop bits INT
  OUT=$(printf '%s\n' "$OUT" | grep -v '^ready$')
  assert_contains "bitfield members, signed and unsigned" "$OUT" \
    "@members[5, -3, 171, 300, -12345, 8]: $N"
  assert_contains "a whole struct prints its bitfields" "$OUT" \
    "@whole: { .a = 5, .b = -3, .c = 171, .d = 300, .e = -12345 }"
fi

# A kernel struct made of bitfields only (x86's segment descriptor), printed whole.
bps -e 'BEGIN { print(curtask->thread.tls_array[0]); exit(); }'
assert_match "BTF bitfields printed whole" "$OUT" \
  '^\{ \.limit0 = [0-9]+, \.base0 = [0-9]+, \.base1 = [0-9]+, \.type = [0-9]+, \.s = [0-9]+, \.dpl = [0-9]+, \.p = [0-9]+, \.limit1 = [0-9]+, \.avl = [0-9]+, \.l = [0-9]+, \.d = [0-9]+, \.g = [0-9]+, \.base2 = [0-9]+ \}$'

bps -e 'BEGIN {
  $m = -1;
  print(((uint64_t)$m, (int8_t)257, (size_t)(1 << 40), (pid_t)$m));
  $t = (struct task_struct *)curtask;
  // refcount_t: a typedef of struct refcount_struct { atomic_t refs; }
  $usage = (refcount_t *)((uint64)$t + offsetof(struct task_struct, usage));
  print(((pid_t)$t->pid == pid, $usage->refs.counter > 0, sizeof(pid_t), sizeof(uint16_t)));
  exit();
}'
assert_rc "casts to C type names run" 0 "$RC"
assert_eq "uint64_t, int8_t, size_t, pid_t (a BTF typedef), refcount_t * (a typedef'd struct), sizeof" \
  "(18446744073709551615, 1, 1099511627776, -1)
(true, true, 4, 2)" "$(printf '%s\n' "$OUT" | grep '^(')"

bps -e 'BEGIN { print((no_such_type_t)1); }'
assert_contains "an unknown type name is an error" "$ERR" "ERROR: Unknown type: 'no_such_type_t'"
finish
