// Links libuptest.so and calls lib_add(i, 100 + i) for i = 1..3, then lib_twice(5) (which calls
// lib_add(5, 5)). With the argument "stop" it first stops itself (SIGSTOP), so that a test can
// learn its pid and attach before it does anything.
#include <signal.h>
#include <string.h>

int lib_add(int a, int b);
int lib_twice(int a);

volatile long sink;

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "stop") == 0)
    raise(SIGSTOP);
  for (int i = 1; i <= 3; i++)
    sink += lib_add(i, 100 + i);
  sink += lib_twice(5);
  return 0;
}
