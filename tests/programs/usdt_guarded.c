// A USDT probe with a semaphore (see usdt_target.c): the program only reaches it while a tracer
// has incremented bpfscope_test_guarded_semaphore.
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>

#include <stdio.h>

unsigned short bpfscope_test_guarded_semaphore __attribute__((unused, section(".probes")));

void guarded(int i) {
  if (bpfscope_test_guarded_semaphore) {
    long doubled = i * 2L;
    DTRACE_PROBE2(bpfscope_test, guarded, doubled, -i);
  } else {
    printf("guarded %d: not traced\n", i);
  }
}
