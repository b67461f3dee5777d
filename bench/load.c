/* Fixed load for the bpfscope benchmarks.
 *
 *   load N          make N getppid() system calls, then exit
 *   load N wait     block in read(0) first, so the harness can learn the pid and
 *                   attach a tracer before the calls start (it writes a byte or
 *                   closes the pipe to release it)
 *
 * After the release the process makes exactly N getppid() calls and one
 * exit_group(), so a tracer filtered on its pid should see N + 1 sys_enter events.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 1000000;
  if (argc > 2 && strcmp(argv[2], "wait") == 0) {
    char c;
    if (read(0, &c, 1) < 0)
      return 1;
  }
  for (long i = 0; i < n; i++)
    syscall(SYS_getppid);
  _exit(0);
}
