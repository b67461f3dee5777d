// USDT argument forms a compiler rarely picks on its own, written out by hand so that each
// appears exactly (the note is what <sys/sdt.h>'s STAP_PROBE_ASM emits, with an argument string
// that macro would re-space):
//   -8@-8(%rbx,%rax,8)   table[i + 1]: rbx = &table[2], rax = i (index register, scale, disp)
//   -4@counter(%rip)     counter[0]   (a variable relative to %rip)
//   8@(%rcx,%rax,8)      table[i]:     rcx = &table[0] (no displacement)
//   -4@counter+4(%rip)   counter[1]   (symbol plus offset)
//
//   usdt_forms [stop]
//
// With "stop" it first stops itself (SIGSTOP), so a test can attach with -p before it runs.
// Then for i = 0..3: counter[0] += 1; forms(i).
#include <signal.h>
#include <string.h>

long table[5] = {100, -200, 300, -400, 500};
int counter[2] = {-7, 9};

void forms(long i);
// clang-format off
__asm__(".text\n"
        ".globl forms\n"
        ".type forms, @function\n"
        "forms:\n"
        "  pushq %rbx\n"
        "  movq %rdi, %rax\n"
        "  leaq table+16(%rip), %rbx\n"
        "  leaq table(%rip), %rcx\n"
        "990: nop\n"
        "  .pushsection .note.stapsdt,\"?\",\"note\"\n"
        "  .balign 4\n"
        "  .4byte 992f-991f, 994f-993f, 3\n"
        "991: .asciz \"stapsdt\"\n"
        "992: .balign 4\n"
        "993: .8byte 990b\n"
        "  .8byte _.stapsdt.base\n"
        "  .8byte 0\n"
        "  .asciz \"bpfscope_test\"\n"
        "  .asciz \"forms\"\n"
        "  .asciz \"-8@-8(%rbx,%rax,8) -4@counter(%rip) 8@(%rcx,%rax,8) -4@counter+4(%rip)\"\n"
        "994: .balign 4\n"
        "  .popsection\n"
        "  .ifndef _.stapsdt.base\n"
        "  .pushsection .stapsdt.base,\"aG\",\"progbits\",.stapsdt.base,comdat\n"
        "  .weak _.stapsdt.base\n"
        "  .hidden _.stapsdt.base\n"
        "_.stapsdt.base: .space 1\n"
        "  .size _.stapsdt.base, 1\n"
        "  .popsection\n"
        "  .endif\n"
        "  popq %rbx\n"
        "  ret\n"
        ".size forms, .-forms\n");
// clang-format on

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "stop") == 0)
    raise(SIGSTOP);
  for (long i = 0; i < 4; i++) {
    counter[0] += 1;
    forms(i);
  }
  return 0;
}
