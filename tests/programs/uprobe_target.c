// Target of the uprobe tests: calls with known arguments and results, in a known order.
//
//   uprobe_target [N] [stop|hold]
//
// With "stop" it first stops itself (SIGSTOP), so a test can learn its pid and attach before it
// does anything; with "hold" it stops itself before exiting, so that its memory map can still be
// read (to name the frames of its user stacks) until the test resumes it. Then, for i = 1..N:
// add(i, 10 * i) (returns 11 * i), and once: greet("world"), read_one(), read_two(), reader(),
// outer() -> middle() -> inner() (for user stacks), and N calls of getpid() (the libc function).
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// noipa: no inlining, cloning or constant propagation, so the symbols and the System V argument
// registers are exactly what the source says.
#define PROBED __attribute__((noipa))

volatile long sink;

PROBED int add(int a, int b) { return a + b; }
PROBED long greet(const char *name) { return (long)strlen(name); }
PROBED int read_one(void) { return 1; }
PROBED int read_two(void) { return 2; }
PROBED int reader(void) { return 3; }
PROBED int inner(int x) { return x * 2; }
PROBED int middle(int x) { return inner(x + 1) + 1; }
PROBED int outer(int x) { return middle(x + 1) + 1; }

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 3;
  if (argc > 2 && strcmp(argv[2], "stop") == 0)
    raise(SIGSTOP);
  for (int i = 1; i <= n; i++)
    sink += add(i, 10 * i);
  // A BPF program cannot fault pages in: touch the string first, or in a freshly started process
  // its page may not be mapped yet when the probe on greet() reads it.
  const char *name = "world";
  sink += name[0];
  sink += greet(name);
  sink += read_one() + read_two() + reader();
  sink += outer(1);
  for (int i = 0; i < n; i++)
    sink += getpid();
  if (argc > 2 && strcmp(argv[2], "hold") == 0)
    raise(SIGSTOP);
  return 0;
}
