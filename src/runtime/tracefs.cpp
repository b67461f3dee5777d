#include "runtime/tracefs.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

namespace bpfscope {

namespace {

constexpr unsigned long kTracefsMagic = 0x74726163; // TRACEFS_MAGIC from <linux/magic.h>

void set_error(std::string *error, std::string msg) {
  if (error)
    *error = std::move(msg);
}

std::string errno_text(int err) { return std::strerror(err); }

// Returns 0 when `path` is a directory, otherwise an errno value (ENOTDIR for non-directories).
int directory_status(const char *path) {
  struct stat st;
  if (::stat(path, &st) != 0)
    return errno;
  return S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
}

// Holds an flock() on the (still unmounted) mount point directory so that two bpfscope processes
// starting at the same time do not both stack a tracefs mount on /sys/kernel/tracing.
class MountPointLock {
public:
  explicit MountPointLock(const char *path) {
    fd_ = ::open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd_ >= 0) {
      while (::flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
      }
    }
  }
  ~MountPointLock() {
    if (fd_ >= 0)
      ::close(fd_); // releases the lock
  }
  MountPointLock(const MountPointLock &) = delete;
  MountPointLock &operator=(const MountPointLock &) = delete;

private:
  int fd_ = -1;
};

} // namespace

bool is_tracefs_mount(const std::string &path) {
  struct statfs sfs;
  if (::statfs(path.c_str(), &sfs) != 0)
    return false;
  return static_cast<unsigned long>(sfs.f_type) == kTracefsMagic;
}

bool read_text_file(const std::string &path, std::string *out, std::string *error) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    set_error(error, "cannot read " + path + ": " + errno_text(errno));
    return false;
  }
  std::string data;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR)
        continue;
      int err = errno;
      ::close(fd);
      set_error(error, "cannot read " + path + ": " + errno_text(err));
      return false;
    }
    if (n == 0)
      break;
    data.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  *out = std::move(data);
  return true;
}

std::string find_or_mount_tracefs(std::string *error) {
  if (is_tracefs_mount(kTracefsPath))
    return kTracefsPath;
  // With debugfs mounted, /sys/kernel/debug/tracing is an automount of tracefs.
  if (is_tracefs_mount(kDebugfsTracingPath))
    return kDebugfsTracingPath;

  if (int err = directory_status(kTracefsPath); err != 0) {
    std::string why = err == ENOENT ? "the mount point does not exist (is sysfs mounted, and does "
                                      "the kernel have CONFIG_TRACING?)"
                                    : errno_text(err);
    set_error(error, std::string("cannot mount tracefs at ") + kTracefsPath + ": " + why);
    return "";
  }

  MountPointLock lock(kTracefsPath);
  // Another process may have mounted it while we waited for the lock.
  if (is_tracefs_mount(kTracefsPath))
    return kTracefsPath;
  if (::mount("nodev", kTracefsPath, "tracefs", 0, nullptr) != 0) {
    int err = errno;
    std::string msg =
        std::string("cannot mount tracefs at ") + kTracefsPath + ": " + errno_text(err);
    if (err == EPERM || err == EACCES)
      msg += " (bpfscope must run as root, with CAP_SYS_ADMIN)";
    else if (err == ENODEV)
      msg += " (the kernel has no tracefs support)";
    set_error(error, msg);
    return "";
  }
  if (!is_tracefs_mount(kTracefsPath)) {
    set_error(error, std::string("mounted tracefs at ") + kTracefsPath +
                         " but it is not visible there afterwards");
    return "";
  }
  return kTracefsPath;
}

std::string tracefs_root(std::string *error) {
  static std::mutex mu;
  static std::string cached;
  std::lock_guard<std::mutex> guard(mu);
  // Re-validating the cached root costs one statfs(2) and keeps the answer right when tracefs was
  // unmounted meanwhile, or in a forked child that moved to another mount namespace.
  if (!cached.empty() && is_tracefs_mount(cached))
    return cached;
  std::string root = find_or_mount_tracefs(error);
  if (!root.empty())
    cached = root;
  return root;
}

} // namespace bpfscope
