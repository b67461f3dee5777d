// Target of the DWARF argument tests (built with -g): functions whose parameters have known
// names, types and values, called once each in a known order.
//
//   dwarf_args
//
// describe("widget", 7, -3, 0x1234) ; scale(2.5, 40, &total) ; count_bytes(buffer, 16) where
// `buffer` holds "AB\0\x01\xff" followed by zeros; then apply(no_params) and apply(scale_by_two),
// whose argument is a function pointer (for usym()).
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define PROBED __attribute__((noipa))

struct pair {
  long a, b;
};

volatile long sink;

PROBED long describe(const char *name, unsigned int count, short delta, uint64_t tag) {
  return (long)strlen(name) + count + delta + (long)tag;
}
// A double takes an SSE register: `factor` is listed, not readable; `base` is still in rdi.
PROBED long scale(double factor, int base, long *total) {
  *total += (long)(factor * base);
  return *total;
}
PROBED long count_bytes(const unsigned char *data, int len) {
  long n = 0;
  for (int i = 0; i < len; i++)
    n += data[i];
  return n;
}
// A struct by value: it and what follows it are not readable.
PROBED long by_value(struct pair p, int after) { return p.a + p.b + after; }
PROBED int no_params(void) { return 1; }
PROBED int scale_by_two(void) { return 2; }
PROBED int apply(int (*fn)(void)) { return fn(); }

int main(void) {
  static unsigned char buffer[16] = {'A', 'B', 0, 1, 0xff};
  long total = 0;
  const char *name = "widget";
  sink += name[0] + buffer[0]; // fault the pages in before the probes read them
  sink += describe(name, 7, -3, 0x1234);
  sink += scale(2.5, 40, &total);
  sink += count_bytes(buffer, 16);
  struct pair p = {1, 2};
  sink += by_value(p, 3);
  sink += no_params();
  sink += apply(no_params) + apply(scale_by_two);
  return 0;
}
