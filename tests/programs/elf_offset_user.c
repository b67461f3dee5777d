// Runs report_offset() from the shared-library build of elf_offset.c.
int report_offset(void);

int main(void) { return report_offset(); }
