// The hand-written floor for keyed counts: what a C programmer would write with libbpf for
// bpftrace's `@[comm] = count()` and `@[pid, comm] = count()` on raw_syscalls:sys_enter. The
// maps are made like bpfscope's (per-CPU hash, 4,096 keys, preallocated, 8-byte values; the
// (pid, comm) key is 24 bytes: the pid in 8, then the comm), and each event is a lookup, an
// add in place, and an update only for a key new on the CPU.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct comm_key {
  char comm[16];
};

struct pid_comm_key {
  __u64 pid;
  char comm[16];
};

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_HASH);
  __uint(max_entries, 4096);
  __type(key, struct comm_key);
  __type(value, __u64);
} by_comm SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_HASH);
  __uint(max_entries, 4096);
  __type(key, struct pid_comm_key);
  __type(value, __u64);
} by_pid_comm SEC(".maps");

SEC("tracepoint/raw_syscalls/sys_enter")
int count_comm(void *ctx) {
  struct comm_key key;
  bpf_get_current_comm(key.comm, sizeof(key.comm));
  __u64 *count = bpf_map_lookup_elem(&by_comm, &key);
  if (count) {
    *count += 1;
    return 0;
  }
  __u64 one = 1;
  bpf_map_update_elem(&by_comm, &key, &one, BPF_ANY);
  return 0;
}

SEC("tracepoint/raw_syscalls/sys_enter")
int count_pid_comm(void *ctx) {
  struct pid_comm_key key;
  key.pid = bpf_get_current_pid_tgid() >> 32;
  bpf_get_current_comm(key.comm, sizeof(key.comm));
  __u64 *count = bpf_map_lookup_elem(&by_pid_comm, &key);
  if (count) {
    *count += 1;
    return 0;
  }
  __u64 one = 1;
  bpf_map_update_elem(&by_pid_comm, &key, &one, BPF_ANY);
  return 0;
}

char LICENSE[] SEC("license") = "GPL";
