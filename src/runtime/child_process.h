// `-c CMD`: the command bpfscope traces. It is forked early (so that its pid is known to `cpid`
// and to codegen) but waits on a pipe until every probe is attached: no event of its start is
// lost. If bpfscope stops before releasing it, even when killed, the pipe closes and the child
// exits without ever running the command.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace bpfscope {

// Splits a command line as a shell would for a simple command: words separated by blanks,
// '...' (literal) and "..." (with \" \\ \$ \` escapes) quoting, and backslash escapes outside
// quotes. No expansion of variables, globs or redirections. false and *error on an unterminated
// quote or an empty command.
bool split_command_line(const std::string &line, std::vector<std::string> &argv,
                        std::string *error);

class ChildProcess {
public:
  // Finds the program (through $PATH when argv[0] has no '/') and forks the waiting child.
  // nullptr and *error ("cannot run 'nosuch': command not found") when it cannot be run.
  static std::unique_ptr<ChildProcess> start(const std::string &command_line, std::string *error);
  // Not released: the child exits without running the command. Still running: SIGTERM, then
  // SIGKILL if it has not exited after a second. Always reaped.
  ~ChildProcess();
  ChildProcess(const ChildProcess &) = delete;
  ChildProcess &operator=(const ChildProcess &) = delete;

  int pid() const { return pid_; }
  // Lets the child exec the command. false and *error when the exec failed. `on_exec`, if
  // given, runs while the child is held right after its exec (through a ptrace exec stop, then
  // detached): its program is mapped and has not run a single instruction, so its memory map
  // can be read even if it exits a moment later.
  bool release(std::string *error, const std::function<void(int pid)> &on_exec = {});
  // Non-blocking: true once the child has exited (it is then reaped).
  bool exited();

private:
  ChildProcess() = default;
  void hold_after_exec(const std::function<void(int pid)> &on_exec);
  int pid_ = -1;
  int release_fd_ = -1;    // write end of the pipe the child waits on
  int exec_error_fd_ = -1; // read end: the child's errno if exec fails, EOF once exec succeeded
  bool reaped_ = false;
};

} // namespace bpfscope
