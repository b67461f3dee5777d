// Loads count.bpf.o, attaches one of its programs (argv[2]: count_comm or count_pid_comm),
// says "Attached 1 probe" on stderr as bpfscope does (the bench harness waits for it) and
// waits for SIGINT. Usage: loader <count.bpf.o> <program>
#include <bpf/libbpf.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop;
static void on_signal(int sig) {
  (void)sig;
  stop = 1;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s <count.bpf.o> <program>\n", argv[0]);
    return 2;
  }
  struct bpf_object *obj = bpf_object__open_file(argv[1], NULL);
  if (!obj) {
    perror("open");
    return 1;
  }
  struct bpf_program *prog, *chosen = NULL;
  bpf_object__for_each_program(prog, obj) {
    int mine = strcmp(bpf_program__name(prog), argv[2]) == 0;
    bpf_program__set_autoload(prog, mine);
    if (mine)
      chosen = prog;
  }
  if (!chosen) {
    fprintf(stderr, "no program %s\n", argv[2]);
    return 1;
  }
  if (bpf_object__load(obj)) {
    perror("load");
    return 1;
  }
  struct bpf_link *link = bpf_program__attach(chosen);
  if (!link) {
    perror("attach");
    return 1;
  }
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  fprintf(stderr, "Attached 1 probe\n");
  while (!stop)
    pause();
  bpf_link__destroy(link);
  bpf_object__close(obj);
  return 0;
}
