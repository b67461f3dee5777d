// USDT probes for tests/e2e/usdt.sh: arguments of several kinds (int, long, a string pointer,
// a constant) and, in usdt_guarded.c, a probe with a semaphore, only enabled while traced.
#include <sys/sdt.h>

#include <stdio.h>
#include <stdlib.h>

void guarded(int i); // usdt_guarded.c

__attribute__((noinline)) static void work(int i, long big, const char *name) {
  DTRACE_PROBE4(bpfscope_test, values, i, big, name, 42);
  STAP_PROBE1(bpfscope_test, negative, -i);
  STAP_PROBE(bpfscope_test, noargs);
  guarded(i);
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 3;
  for (int i = 1; i <= n; i++) {
    // On the stack, so that the page is present when the probe reads the string.
    char name[16];
    snprintf(name, sizeof(name), "name%d", i);
    work(i, 10000000000L * i, name);
  }
  return 0;
}
