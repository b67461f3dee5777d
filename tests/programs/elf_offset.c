// Oracle for the ELF offset tests: report_offset() prints the file offset at which the kernel
// mapped the code of probe_me(), from its run-time address and /proc/self/maps, independently of
// any symbol table arithmetic. Built as an executable (with main) and, with -DNO_MAIN, as a
// shared library called by elf_offset_user.c.
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

__attribute__((noipa)) int probe_me(int x) { return x + 1; }

int report_offset(void) {
  uintptr_t address = (uintptr_t)&probe_me;
  FILE *maps = fopen("/proc/self/maps", "r");
  if (!maps)
    return 1;
  char line[512];
  while (fgets(line, sizeof(line), maps)) {
    uintptr_t start, end;
    uint64_t offset;
    if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR " %*s %" SCNx64, &start, &end, &offset) == 3 &&
        address >= start && address < end) {
      printf("%" PRIu64 "\n", (uint64_t)(address - start + offset));
      fclose(maps);
      return 0;
    }
  }
  fclose(maps);
  return 1;
}

#ifndef NO_MAIN
int main(void) { return report_offset(); }
#endif
