// Target of the C++ uprobe tests: overloads and members in a namespace, so that probes can name
// functions by their demangled names. Calls, in order: ns::Klass::method(int) with 7,
// ns::Klass::method(const char*) with "text", ns::free_function(long) with 42, each once. With
// the argument "hold" it stops itself (SIGSTOP) before exiting, so that a test can still read its
// memory map.
#include <csignal>
#include <cstring>

#define PROBED __attribute__((noipa))

namespace ns {

struct Klass {
  int base = 100;
  PROBED int method(int x);
  PROBED int method(const char *s);
};

PROBED int Klass::method(int x) { return base + x; }
PROBED int Klass::method(const char *s) { return base + s[0]; }
PROBED long free_function(long v) { return v * 2; }

} // namespace ns

volatile long sink;

int main(int argc, char **argv) {
  ns::Klass k;
  sink += k.method(7);
  sink += k.method("text");
  sink += ns::free_function(42);
  if (argc > 1 && std::strcmp(argv[1], "hold") == 0)
    std::raise(SIGSTOP);
  return 0;
}
