#include "runtime/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <thread>

namespace bpfscope {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n'; }

bool is_executable(const std::string &path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
}

// Where execvp would find `program`; "" when nowhere.
std::string find_program(const std::string &program, std::string *error) {
  if (program.find('/') != std::string::npos) {
    if (is_executable(program))
      return program;
    *error = "cannot run '" + program + "': " +
             (access(program.c_str(), F_OK) == 0 ? "permission denied or not a regular file"
                                                 : std::strerror(ENOENT));
    return "";
  }
  const char *env = std::getenv("PATH");
  std::stringstream dirs(env ? env : "/usr/local/bin:/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
    if (is_executable(candidate))
      return candidate;
  }
  *error = "cannot run '" + program + "': command not found";
  return "";
}

ssize_t read_retrying(int fd, void *buf, size_t n) {
  ssize_t r;
  do
    r = read(fd, buf, n);
  while (r < 0 && errno == EINTR);
  return r;
}

} // namespace

bool split_command_line(const std::string &line, std::vector<std::string> &argv,
                        std::string *error) {
  argv.clear();
  std::string word;
  bool in_word = false;
  for (size_t i = 0; i < line.size(); i++) {
    char c = line[i];
    if (is_blank(c)) {
      if (in_word)
        argv.push_back(word);
      word.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    if (c == '\\') {
      if (i + 1 < line.size())
        word += line[++i];
      continue;
    }
    if (c == '\'' || c == '"') {
      size_t close = i + 1;
      for (; close < line.size() && line[close] != c; close++) {
        char d = line[close];
        // Inside double quotes a backslash escapes only these, as in sh.
        if (c == '"' && d == '\\' && close + 1 < line.size() &&
            std::strchr("\"\\$`", line[close + 1]))
          d = line[++close];
        word += d;
      }
      if (close >= line.size()) {
        *error = std::string("unterminated ") + (c == '"' ? "double" : "single") +
                 " quote in command: " + line;
        return false;
      }
      i = close;
      continue;
    }
    word += c;
  }
  if (in_word)
    argv.push_back(word);
  if (argv.empty()) {
    *error = "empty command";
    return false;
  }
  return true;
}

std::unique_ptr<ChildProcess> ChildProcess::start(const std::string &command_line,
                                                  std::string *error) {
  std::vector<std::string> args;
  if (!split_command_line(command_line, args, error))
    return nullptr;
  std::string program = find_program(args[0], error);
  if (program.empty())
    return nullptr;
  int release_pipe[2], error_pipe[2];
  if (pipe2(release_pipe, O_CLOEXEC) != 0) {
    *error = std::string("cannot create a pipe: ") + std::strerror(errno);
    return nullptr;
  }
  if (pipe2(error_pipe, O_CLOEXEC) != 0) {
    *error = std::string("cannot create a pipe: ") + std::strerror(errno);
    close(release_pipe[0]);
    close(release_pipe[1]);
    return nullptr;
  }
  // Everything exec needs is prepared before fork: the child only reads, execs and writes.
  std::vector<char *> argv;
  for (auto &a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);

  pid_t pid = fork();
  if (pid < 0) {
    *error = std::string("cannot fork: ") + std::strerror(errno);
    for (int fd : {release_pipe[0], release_pipe[1], error_pipe[0], error_pipe[1]})
      close(fd);
    return nullptr;
  }
  if (pid == 0) {
    close(release_pipe[1]);
    close(error_pipe[0]);
    char go;
    // EOF instead of the byte: bpfscope stopped (or died) before attaching; do not run.
    // 'h': hold after exec (a ptrace exec stop) until bpfscope has looked at the new program.
    if (read_retrying(release_pipe[0], &go, 1) != 1)
      _exit(0);
    close(release_pipe[0]);
    if (go == 'h')
      ptrace(PTRACE_TRACEME, 0, nullptr, nullptr);
    execv(program.c_str(), argv.data());
    int err = errno;
    ssize_t ignored = write(error_pipe[1], &err, sizeof(err));
    (void)ignored;
    _exit(127);
  }
  close(release_pipe[0]);
  close(error_pipe[1]);
  std::unique_ptr<ChildProcess> child(new ChildProcess());
  child->pid_ = pid;
  child->release_fd_ = release_pipe[1];
  child->exec_error_fd_ = error_pipe[0];
  return child;
}

bool ChildProcess::release(std::string *error, const std::function<void(int pid)> &on_exec) {
  if (release_fd_ < 0)
    return true;
  // SIGPIPE would kill bpfscope if the child is already gone; write() then fails with EPIPE.
  struct sigaction ignore, old;
  std::memset(&ignore, 0, sizeof(ignore));
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &old);
  ssize_t n = write(release_fd_, on_exec ? "h" : "g", 1);
  sigaction(SIGPIPE, &old, nullptr);
  close(release_fd_);
  release_fd_ = -1;
  int exec_errno = 0;
  ssize_t got = read_retrying(exec_error_fd_, &exec_errno, sizeof(exec_errno));
  close(exec_error_fd_);
  exec_error_fd_ = -1;
  if (n != 1) {
    *error = "the command exited before it was started";
    return false;
  }
  if (got == static_cast<ssize_t>(sizeof(exec_errno))) {
    *error = std::string("cannot run the command: ") + std::strerror(exec_errno);
    return false;
  }
  if (on_exec)
    hold_after_exec(on_exec);
  return true;
}

void ChildProcess::hold_after_exec(const std::function<void(int pid)> &on_exec) {
  // A traced process stops with SIGTRAP once exec has loaded the new program. Any other stop is
  // a signal that arrived before the exec: pass it on; the exec then runs untraced.
  int status;
  pid_t r;
  do
    r = waitpid(pid_, &status, 0);
  while (r < 0 && errno == EINTR);
  if (r != pid_)
    return;
  if (!WIFSTOPPED(status)) {
    reaped_ = true; // exited (killed) before its exec completed
    return;
  }
  int sig = WSTOPSIG(status);
  if (sig == SIGTRAP)
    on_exec(pid_);
  ptrace(PTRACE_DETACH, pid_, nullptr, reinterpret_cast<void *>(sig == SIGTRAP ? 0L : sig));
}

bool ChildProcess::exited() {
  if (reaped_)
    return true;
  int status;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_ || (r < 0 && errno == ECHILD))
    reaped_ = true;
  return reaped_;
}

ChildProcess::~ChildProcess() {
  bool released = release_fd_ < 0;
  if (!released)
    close(release_fd_); // the waiting child sees EOF and exits without running the command
  if (exec_error_fd_ >= 0)
    close(exec_error_fd_);
  if (reaped_ || pid_ <= 0)
    return;
  if (released && !exited())
    kill(pid_, SIGTERM);
  for (int i = 0; i < 100 && !exited(); i++)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (!reaped_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

} // namespace bpfscope
