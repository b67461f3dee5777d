// A shared library for the uprobe tests (built with -shared -fPIC as libuptest.so).
#define PROBED __attribute__((noipa))

PROBED int lib_add(int a, int b) { return a + b; }
PROBED int lib_twice(int a) { return lib_add(a, a); }
