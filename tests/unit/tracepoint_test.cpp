// Unit tests for tracefs discovery, tracepoint format parsing, name suggestions and perf-event
// attachment. Runs as root on the target machine (Linux 6.18, no kprobes, no hardware PMU).
#include "runtime/perf_attach.h"
#include "runtime/suggest.h"
#include "runtime/tracefs.h"
#include "runtime/tracepoint_format.h"

#include <algorithm>
#include <bpf/bpf.h>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <functional>
#include <gtest/gtest.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace bpfscope {
namespace {

using Kind = TracepointField::Kind;

// ---- Fixtures: format files copied verbatim from this machine (Linux 6.18) ----

// events/syscalls/sys_enter_openat/format
const char *const kSysEnterOpenatFormat = R"fmt(name: sys_enter_openat
ID: 782
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:int __syscall_nr;	offset:8;	size:4;	signed:1;
	field:int dfd;	offset:16;	size:8;	signed:0;
	field:const char * filename;	offset:24;	size:8;	signed:0;
	field:int flags;	offset:32;	size:8;	signed:0;
	field:umode_t mode;	offset:40;	size:8;	signed:0;

print fmt: "dfd: 0x%08lx, filename: 0x%08lx, flags: 0x%08lx, mode: 0x%08lx", ((unsigned long)(REC->dfd)), ((unsigned long)(REC->filename)), ((unsigned long)(REC->flags)), ((unsigned long)(REC->mode))
)fmt";

// events/sched/sched_switch/format
const char *const kSchedSwitchFormat = R"fmt(name: sched_switch
ID: 372
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:char prev_comm[16];	offset:8;	size:16;	signed:0;
	field:pid_t prev_pid;	offset:24;	size:4;	signed:1;
	field:int prev_prio;	offset:28;	size:4;	signed:1;
	field:long prev_state;	offset:32;	size:8;	signed:1;
	field:char next_comm[16];	offset:40;	size:16;	signed:0;
	field:pid_t next_pid;	offset:56;	size:4;	signed:1;
	field:int next_prio;	offset:60;	size:4;	signed:1;

print fmt: "prev_comm=%s prev_pid=%d prev_prio=%d prev_state=%s%s ==> next_comm=%s next_pid=%d next_prio=%d", REC->prev_comm, REC->prev_pid, REC->prev_prio, (REC->prev_state & ((((0x00000000 | 0x00000001 | 0x00000002 | 0x00000004 | 0x00000008 | 0x00000010 | 0x00000020 | 0x00000040) + 1) << 1) - 1)) ? __print_flags(REC->prev_state & ((((0x00000000 | 0x00000001 | 0x00000002 | 0x00000004 | 0x00000008 | 0x00000010 | 0x00000020 | 0x00000040) + 1) << 1) - 1), "|", { 0x00000001, "S" }, { 0x00000002, "D" }, { 0x00000004, "T" }, { 0x00000008, "t" }, { 0x00000010, "X" }, { 0x00000020, "Z" }, { 0x00000040, "P" }, { 0x00000080, "I" }) : "R", REC->prev_state & (((0x00000000 | 0x00000001 | 0x00000002 | 0x00000004 | 0x00000008 | 0x00000010 | 0x00000020 | 0x00000040) + 1) << 1) ? "+" : "", REC->next_comm, REC->next_pid, REC->next_prio
)fmt";

// events/sched/sched_process_exec/format
const char *const kSchedProcessExecFormat = R"fmt(name: sched_process_exec
ID: 365
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:__data_loc char[] filename;	offset:8;	size:4;	signed:0;
	field:pid_t pid;	offset:12;	size:4;	signed:1;
	field:pid_t old_pid;	offset:16;	size:4;	signed:1;

print fmt: "filename=%s pid=%d old_pid=%d", __get_str(filename), REC->pid, REC->old_pid
)fmt";

// events/raw_syscalls/sys_enter/format
const char *const kRawSysEnterFormat = R"fmt(name: sys_enter
ID: 443
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:long id;	offset:8;	size:8;	signed:1;
	field:unsigned long args[6];	offset:16;	size:48;	signed:0;

print fmt: "NR %ld (%lx, %lx, %lx, %lx, %lx, %lx)", REC->id, REC->args[0], REC->args[1], REC->args[2], REC->args[3], REC->args[4], REC->args[5]
)fmt";

// Runs `body` in a forked child that has its own private mount namespace, so that mounting and
// unmounting there never affects the host. The child reports failures as text through a pipe; an
// empty string means success.
std::string run_in_private_mount_ns(const std::function<std::string()> &body) {
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) != 0)
    return std::string("pipe: ") + strerror(errno);
  pid_t pid = fork();
  if (pid < 0)
    return std::string("fork: ") + strerror(errno);
  if (pid == 0) {
    close(pipefd[0]);
    std::string result;
    if (unshare(CLONE_NEWNS) != 0)
      result = std::string("unshare(CLONE_NEWNS): ") + strerror(errno);
    else if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
      result = std::string("make / private: ") + strerror(errno);
    else
      result = body();
    if (!result.empty() && write(pipefd[1], result.data(), result.size()) < 0)
      _exit(3);
    _exit(result.empty() ? 0 : 1);
  }
  close(pipefd[1]);
  std::string out;
  char buf[512];
  ssize_t n;
  while ((n = read(pipefd[0], buf, sizeof(buf))) > 0)
    out.append(buf, static_cast<size_t>(n));
  close(pipefd[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status))
    return "child crashed (status " + std::to_string(status) + ")" + out;
  if (WEXITSTATUS(status) != 0 && out.empty())
    return "child exited with " + std::to_string(WEXITSTATUS(status));
  return out;
}

// Unmounts every tracefs/debugfs layer at `path` (mounts can be stacked). Child-only.
std::string unmount_all(const char *path) {
  for (int i = 0; i < 16; i++) {
    if (umount2(path, MNT_DETACH) != 0) {
      if (errno == EINVAL || errno == ENOENT) // not a mount point (any more)
        return "";
      return std::string("umount ") + path + ": " + strerror(errno);
    }
  }
  return std::string("too many stacked mounts at ") + path;
}

// Puts the child's namespace into the "fresh machine" state: no tracefs, no debugfs.
std::string make_fresh_machine() {
  std::string err = unmount_all("/sys/kernel/debug");
  if (err.empty())
    err = unmount_all(kTracefsPath);
  if (!err.empty())
    return err;
  if (is_tracefs_mount(kTracefsPath))
    return "tracefs is still mounted after unmounting";
  return "";
}

bool is_dir(const std::string &p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// ---- parse_tracepoint_format ----

TEST(TracepointFormatParse, SysEnterOpenat) {
  std::string err;
  auto fmt = parse_tracepoint_format(kSysEnterOpenatFormat, &err);
  ASSERT_TRUE(fmt) << err;
  EXPECT_EQ(fmt->event, "sys_enter_openat");
  EXPECT_EQ(fmt->category, "");
  EXPECT_EQ(fmt->id, 782);
  ASSERT_EQ(fmt->fields.size(), 9u);

  const auto &type = fmt->fields[0];
  EXPECT_EQ(type.name, "common_type");
  EXPECT_EQ(type.c_type, "unsigned short");
  EXPECT_EQ(type.offset, 0);
  EXPECT_EQ(type.size, 2);
  EXPECT_FALSE(type.is_signed);
  EXPECT_EQ(type.kind, Kind::Integer);
  EXPECT_TRUE(type.common);
  const auto &cpid = fmt->fields[3];
  EXPECT_EQ(cpid.name, "common_pid");
  EXPECT_EQ(cpid.offset, 4);
  EXPECT_TRUE(cpid.is_signed);
  EXPECT_TRUE(cpid.common);

  const auto &nr = fmt->fields[4];
  EXPECT_EQ(nr.name, "__syscall_nr");
  EXPECT_EQ(nr.offset, 8);
  EXPECT_EQ(nr.size, 4);
  EXPECT_TRUE(nr.is_signed);
  EXPECT_FALSE(nr.common);

  // Syscall arguments are all 8 bytes wide, whatever their C type; signedness comes from the file.
  const auto &dfd = fmt->fields[5];
  EXPECT_EQ(dfd.name, "dfd");
  EXPECT_EQ(dfd.c_type, "int");
  EXPECT_EQ(dfd.offset, 16);
  EXPECT_EQ(dfd.size, 8);
  EXPECT_FALSE(dfd.is_signed);
  EXPECT_EQ(dfd.kind, Kind::Integer);

  const auto &filename = fmt->fields[6];
  EXPECT_EQ(filename.name, "filename");
  EXPECT_EQ(filename.c_type, "const char *");
  EXPECT_EQ(filename.decl, "const char * filename");
  EXPECT_EQ(filename.offset, 24);
  EXPECT_EQ(filename.size, 8);
  EXPECT_EQ(filename.kind, Kind::Pointer);
  EXPECT_FALSE(filename.common);

  const auto &mode = fmt->fields[8];
  EXPECT_EQ(mode.name, "mode");
  EXPECT_EQ(mode.c_type, "umode_t");
  EXPECT_EQ(mode.offset, 40);
  EXPECT_EQ(mode.kind, Kind::Integer);

  EXPECT_EQ(fmt->record_size(), 48);
  ASSERT_NE(fmt->find_field("flags"), nullptr);
  EXPECT_EQ(fmt->find_field("flags")->offset, 32);
  EXPECT_EQ(fmt->find_field("nope"), nullptr);
}

TEST(TracepointFormatParse, SchedSwitchCharArrays) {
  std::string err;
  auto fmt = parse_tracepoint_format(kSchedSwitchFormat, &err);
  ASSERT_TRUE(fmt) << err;
  EXPECT_EQ(fmt->event, "sched_switch");
  EXPECT_EQ(fmt->id, 372);
  ASSERT_EQ(fmt->fields.size(), 11u);

  const auto *prev_comm = fmt->find_field("prev_comm");
  ASSERT_NE(prev_comm, nullptr);
  EXPECT_EQ(prev_comm->kind, Kind::CharArray);
  EXPECT_EQ(prev_comm->c_type, "char[16]");
  EXPECT_EQ(prev_comm->decl, "char prev_comm[16]");
  EXPECT_EQ(prev_comm->element_type, "char");
  EXPECT_EQ(prev_comm->array_len, 16);
  EXPECT_EQ(prev_comm->element_size, 1);
  EXPECT_EQ(prev_comm->offset, 8);
  EXPECT_EQ(prev_comm->size, 16);

  const auto *prev_pid = fmt->find_field("prev_pid");
  ASSERT_NE(prev_pid, nullptr);
  EXPECT_EQ(prev_pid->c_type, "pid_t");
  EXPECT_EQ(prev_pid->offset, 24);
  EXPECT_EQ(prev_pid->size, 4);
  EXPECT_TRUE(prev_pid->is_signed);
  EXPECT_EQ(prev_pid->kind, Kind::Integer);

  const auto *prev_state = fmt->find_field("prev_state");
  ASSERT_NE(prev_state, nullptr);
  EXPECT_EQ(prev_state->c_type, "long");
  EXPECT_EQ(prev_state->offset, 32);
  EXPECT_EQ(prev_state->size, 8);
  EXPECT_TRUE(prev_state->is_signed);

  const auto *next_comm = fmt->find_field("next_comm");
  ASSERT_NE(next_comm, nullptr);
  EXPECT_EQ(next_comm->kind, Kind::CharArray);
  EXPECT_EQ(next_comm->offset, 40);

  const auto *next_prio = fmt->find_field("next_prio");
  ASSERT_NE(next_prio, nullptr);
  EXPECT_EQ(next_prio->offset, 60);
  EXPECT_EQ(fmt->record_size(), 64);
}

TEST(TracepointFormatParse, SchedProcessExecDataLoc) {
  std::string err;
  auto fmt = parse_tracepoint_format(kSchedProcessExecFormat, &err);
  ASSERT_TRUE(fmt) << err;
  EXPECT_EQ(fmt->event, "sched_process_exec");
  EXPECT_EQ(fmt->id, 365);
  ASSERT_EQ(fmt->fields.size(), 7u);
  const auto &filename = fmt->fields[4];
  EXPECT_EQ(filename.name, "filename");
  EXPECT_EQ(filename.kind, Kind::DataLocString);
  EXPECT_EQ(filename.c_type, "__data_loc char[]");
  EXPECT_EQ(filename.decl, "__data_loc char[] filename");
  EXPECT_EQ(filename.element_type, "char");
  EXPECT_EQ(filename.offset, 8);
  EXPECT_EQ(filename.size, 4);
  EXPECT_FALSE(filename.rel_loc);
  const auto &pid = fmt->fields[5];
  EXPECT_EQ(pid.name, "pid");
  EXPECT_EQ(pid.offset, 12);
  EXPECT_TRUE(pid.is_signed);
  EXPECT_EQ(fmt->fields[6].name, "old_pid");
  EXPECT_EQ(fmt->fields[6].offset, 16);
}

TEST(TracepointFormatParse, RawSyscallsSysEnterArray) {
  std::string err;
  auto fmt = parse_tracepoint_format(kRawSysEnterFormat, &err);
  ASSERT_TRUE(fmt) << err;
  EXPECT_EQ(fmt->event, "sys_enter");
  EXPECT_EQ(fmt->id, 443);
  ASSERT_EQ(fmt->fields.size(), 6u);
  const auto &id = fmt->fields[4];
  EXPECT_EQ(id.name, "id");
  EXPECT_EQ(id.c_type, "long");
  EXPECT_EQ(id.offset, 8);
  EXPECT_EQ(id.size, 8);
  EXPECT_TRUE(id.is_signed);
  EXPECT_EQ(id.kind, Kind::Integer);
  const auto &args = fmt->fields[5];
  EXPECT_EQ(args.name, "args");
  EXPECT_EQ(args.kind, Kind::Array);
  EXPECT_EQ(args.c_type, "unsigned long[6]");
  EXPECT_EQ(args.decl, "unsigned long args[6]");
  EXPECT_EQ(args.element_type, "unsigned long");
  EXPECT_EQ(args.array_len, 6);
  EXPECT_EQ(args.element_size, 8);
  EXPECT_EQ(args.offset, 16);
  EXPECT_EQ(args.size, 48);
  EXPECT_FALSE(args.is_signed);
}

// Declarations seen elsewhere in this machine's events/*/*/format files.
TEST(TracepointFormatParse, OtherDeclarationShapes) {
  const char *text = "name: synthetic\n"
                     "ID: 9999\n"
                     "format:\n"
                     "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
                     "\n"
                     "\tfield:__data_loc u64[] phys_addrs;\toffset:8;\tsize:4;\tsigned:0;\n"
                     "\tfield:__data_loc cpumask_t cpumask;\toffset:12;\tsize:4;\tsigned:0;\n"
                     "\tfield:__rel_loc char[] msg;\toffset:16;\tsize:4;\tsigned:0;\n"
                     "\tfield:void __seg_gs * ptr;\toffset:24;\tsize:8;\tsigned:0;\n"
                     "\tfield:const char *const * argv;\toffset:32;\tsize:8;\tsigned:0;\n"
                     "\tfield:const void *const cookie;\toffset:40;\tsize:8;\tsigned:0;\n"
                     "\tfield:bool ok;\toffset:48;\tsize:1;\tsigned:0;\n"
                     "\tfield:enum xfs_group_type gtype;\toffset:49;\tsize:1;\tsigned:0;\n"
                     "\tfield:u8 uuid[16];\toffset:50;\tsize:16;\tsigned:0;\n"
                     "\tfield:unsigned char mac[6];\toffset:66;\tsize:6;\tsigned:0;\n"
                     "\tfield:struct sockaddr_in6 addr;\toffset:72;\tsize:28;\tsigned:0;\n"
                     "\tfield:char *name;\toffset:104;\tsize:8;\tsigned:0;\n"
                     "\tfield:unsigned long args[];\toffset:112;\tsize:0;\tsigned:0;\n"
                     "\n"
                     "print fmt: \"%s\", REC->msg\n";
  std::string err;
  auto fmt = parse_tracepoint_format(text, &err);
  ASSERT_TRUE(fmt) << err;
  ASSERT_EQ(fmt->fields.size(), 14u);
  auto f = [&](const char *name) {
    const TracepointField *p = fmt->find_field(name);
    EXPECT_NE(p, nullptr) << name;
    return p ? *p : TracepointField{};
  };
  EXPECT_EQ(f("phys_addrs").kind, Kind::DataLocArray);
  EXPECT_EQ(f("phys_addrs").element_type, "u64");
  EXPECT_EQ(f("cpumask").kind, Kind::DataLocArray);
  EXPECT_EQ(f("cpumask").element_type, "cpumask_t");
  EXPECT_EQ(f("msg").kind, Kind::DataLocString);
  EXPECT_TRUE(f("msg").rel_loc);
  EXPECT_EQ(f("msg").c_type, "__rel_loc char[]");
  EXPECT_EQ(f("ptr").kind, Kind::Pointer);
  EXPECT_EQ(f("ptr").c_type, "void __seg_gs *");
  EXPECT_EQ(f("argv").kind, Kind::Pointer);
  EXPECT_EQ(f("argv").c_type, "const char *const *");
  EXPECT_EQ(f("cookie").kind, Kind::Pointer);
  EXPECT_EQ(f("ok").kind, Kind::Integer);
  EXPECT_EQ(f("gtype").kind, Kind::Integer);
  EXPECT_EQ(f("gtype").c_type, "enum xfs_group_type");
  EXPECT_EQ(f("uuid").kind, Kind::Array); // only plain char arrays are strings
  EXPECT_EQ(f("uuid").array_len, 16);
  EXPECT_EQ(f("uuid").element_size, 1);
  EXPECT_EQ(f("mac").kind, Kind::Array);
  EXPECT_EQ(f("addr").kind, Kind::Other);
  EXPECT_EQ(f("name").kind, Kind::Pointer);
  EXPECT_EQ(f("name").c_type, "char *");
  EXPECT_EQ(f("args").kind, Kind::Array);
  EXPECT_EQ(f("args").array_len, 0);
  EXPECT_EQ(f("args").size, 0);
}

TEST(TracepointFormatParse, Errors) {
  std::string err;
  EXPECT_FALSE(parse_tracepoint_format("", &err));
  EXPECT_NE(err.find("name:"), std::string::npos) << err;

  err.clear();
  EXPECT_FALSE(parse_tracepoint_format("name: x\nformat:\n", &err));
  EXPECT_NE(err.find("ID"), std::string::npos) << err;

  err.clear();
  EXPECT_FALSE(parse_tracepoint_format("name: x\nID: abc\n", &err));
  EXPECT_NE(err.find("ID"), std::string::npos) << err;

  err.clear();
  EXPECT_FALSE(parse_tracepoint_format(
      "name: x\nID: 1\nformat:\n\tfield:int a;\toffset:zz;\tsize:4;\tsigned:1;\n", &err));
  EXPECT_NE(err.find("offset"), std::string::npos) << err;

  err.clear();
  EXPECT_FALSE(
      parse_tracepoint_format("name: x\nID: 1\nformat:\n\tfield:int a;\tsigned:1;\n", &err));
  EXPECT_FALSE(err.empty());

  err.clear();
  EXPECT_FALSE(parse_tracepoint_format(
      "name: x\nID: 1\nformat:\n\tfield:int;\toffset:0;\tsize:4;\tsigned:1;\n", &err));
  EXPECT_NE(err.find("field name"), std::string::npos) << err;

  // A null error pointer is allowed.
  EXPECT_FALSE(parse_tracepoint_format("garbage", nullptr));
}

// ---- tracefs ----

// Proves the fresh-machine path: in a private mount namespace with neither tracefs nor debugfs
// mounted, find_or_mount_tracefs() mounts tracefs at /sys/kernel/tracing itself.
TEST(TracepointTracefs, MountsTracefsWhenMissing) {
  bool host_mounted_before = is_tracefs_mount(kTracefsPath);
  std::string result = run_in_private_mount_ns([]() -> std::string {
    std::string err = make_fresh_machine();
    if (!err.empty())
      return err;
    std::string root = find_or_mount_tracefs(&err);
    if (root != kTracefsPath)
      return "find_or_mount_tracefs returned '" + root + "', error: " + err;
    if (!is_tracefs_mount(kTracefsPath))
      return "tracefs not mounted afterwards";
    if (!is_dir(root + "/events"))
      return "no events/ directory";
    if (!is_dir(root + "/events/syscalls/sys_enter_openat"))
      return "no events/syscalls/sys_enter_openat";
    // A second call finds the existing mount instead of stacking another one.
    if (find_or_mount_tracefs(&err) != kTracefsPath)
      return "second call failed: " + err;
    if (umount2(kTracefsPath, 0) != 0)
      return std::string("umount: ") + strerror(errno);
    if (is_tracefs_mount(kTracefsPath))
      return "tracefs was mounted twice";
    // The file-level API works end to end from the fresh state too.
    auto fmt = read_tracepoint_format("sched", "sched_switch", &err);
    if (!fmt)
      return "read_tracepoint_format: " + err;
    if (fmt->category != "sched" || fmt->find_field("next_pid") == nullptr)
      return "bad sched_switch format";
    return "";
  });
  EXPECT_EQ(result, "");
  // The host's mount table is untouched.
  EXPECT_EQ(is_tracefs_mount(kTracefsPath), host_mounted_before);
}

TEST(TracepointTracefs, UsesDebugfsTracingWhenAlreadyThere) {
  std::string result = run_in_private_mount_ns([]() -> std::string {
    std::string err = make_fresh_machine();
    if (!err.empty())
      return err;
    if (mount("debugfs", "/sys/kernel/debug", "debugfs", 0, nullptr) != 0)
      return std::string("mount debugfs: ") + strerror(errno);
    std::string root = find_or_mount_tracefs(&err);
    if (root != kDebugfsTracingPath)
      return "expected " + std::string(kDebugfsTracingPath) + ", got '" + root + "': " + err;
    if (is_tracefs_mount(kTracefsPath))
      return "mounted a second tracefs although debugfs/tracing was there";
    if (!is_dir(root + "/events/syscalls"))
      return "no events/syscalls under " + root;
    return "";
  });
  EXPECT_EQ(result, "");
}

TEST(TracepointTracefs, ClearErrorWithoutPrivileges) {
  std::string result = run_in_private_mount_ns([]() -> std::string {
    std::string err = make_fresh_machine();
    if (!err.empty())
      return err;
    // Drop CAP_SYS_ADMIN from the effective set so that mount(2) fails with EPERM.
    __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2];
    if (syscall(SYS_capget, &hdr, data) != 0)
      return std::string("capget: ") + strerror(errno);
    data[CAP_SYS_ADMIN / 32].effective &= ~(1u << (CAP_SYS_ADMIN % 32));
    if (syscall(SYS_capset, &hdr, data) != 0)
      return std::string("capset: ") + strerror(errno);
    std::string root = find_or_mount_tracefs(&err);
    if (!root.empty())
      return "unexpectedly succeeded: " + root;
    if (err.rfind("cannot mount tracefs at /sys/kernel/tracing: Operation not permitted", 0) != 0)
      return "unexpected error text: " + err;
    // The public API reports the same sentence and does not cache the failure.
    std::string err2;
    if (!list_tracepoints(&err2).empty() || err2.find("cannot mount tracefs") == std::string::npos)
      return "list_tracepoints error: " + err2;
    return "";
  });
  EXPECT_EQ(result, "");
}

TEST(TracepointTracefs, ClearErrorWithoutMountPoint) {
  std::string result = run_in_private_mount_ns([]() -> std::string {
    std::string err = make_fresh_machine();
    if (!err.empty())
      return err;
    // Hide /sys/kernel/tracing behind an empty tmpfs.
    if (mount("tmpfs", "/sys/kernel", "tmpfs", 0, "size=64k") != 0)
      return std::string("mount tmpfs: ") + strerror(errno);
    std::string root = find_or_mount_tracefs(&err);
    if (!root.empty())
      return "unexpectedly succeeded: " + root;
    if (err.rfind("cannot mount tracefs at /sys/kernel/tracing: the mount point does not exist",
                  0) != 0)
      return "unexpected error text: " + err;
    return "";
  });
  EXPECT_EQ(result, "");
}

TEST(TracepointTracefs, RootIsCachedAndMounted) {
  std::string err;
  std::string root = tracefs_root(&err);
  ASSERT_FALSE(root.empty()) << err;
  EXPECT_TRUE(is_tracefs_mount(root));
  EXPECT_EQ(tracefs_root(nullptr), root);
  EXPECT_TRUE(is_dir(root + "/events"));
}

// ---- live tracepoints ----

TEST(TracepointLive, ReadSysEnterOpenat) {
  std::string err;
  auto fmt = read_tracepoint_format("syscalls", "sys_enter_openat", &err);
  ASSERT_TRUE(fmt) << err;
  EXPECT_EQ(fmt->category, "syscalls");
  EXPECT_EQ(fmt->event, "sys_enter_openat");
  EXPECT_GT(fmt->id, 0);
  const TracepointField *filename = fmt->find_field("filename");
  ASSERT_NE(filename, nullptr);
  EXPECT_EQ(filename->offset, 24);
  EXPECT_EQ(filename->size, 8);
  EXPECT_EQ(filename->kind, Kind::Pointer);
  EXPECT_EQ(read_tracepoint_id("syscalls", "sys_enter_openat", &err), fmt->id) << err;
}

TEST(TracepointLive, ReadRealFormatsOfFixtureEvents) {
  // The live files parse the same way as the fixtures copied from this machine.
  struct Case {
    const char *cat, *event, *fixture;
  } cases[] = {{"syscalls", "sys_enter_openat", kSysEnterOpenatFormat},
               {"sched", "sched_switch", kSchedSwitchFormat},
               {"sched", "sched_process_exec", kSchedProcessExecFormat},
               {"raw_syscalls", "sys_enter", kRawSysEnterFormat}};
  for (const auto &c : cases) {
    std::string err;
    auto live = read_tracepoint_format(c.cat, c.event, &err);
    ASSERT_TRUE(live) << err;
    auto fixture = parse_tracepoint_format(c.fixture, &err);
    ASSERT_TRUE(fixture) << err;
    ASSERT_EQ(live->fields.size(), fixture->fields.size()) << c.event;
    for (size_t i = 0; i < live->fields.size(); i++) {
      EXPECT_EQ(live->fields[i].name, fixture->fields[i].name);
      EXPECT_EQ(live->fields[i].offset, fixture->fields[i].offset);
      EXPECT_EQ(live->fields[i].kind, fixture->fields[i].kind);
    }
  }
}

TEST(TracepointLive, MissingTracepointErrors) {
  std::string err;
  EXPECT_FALSE(read_tracepoint_format("syscalls", "sys_enter_opnat", &err));
  EXPECT_NE(err.find("tracepoint syscalls:sys_enter_opnat does not exist"), std::string::npos)
      << err;
  err.clear();
  EXPECT_FALSE(read_tracepoint_format("nosuchcat", "x", &err));
  EXPECT_NE(err.find("no category 'nosuchcat'"), std::string::npos) << err;
  err.clear();
  EXPECT_FALSE(read_tracepoint_format("..", "events", &err));
  EXPECT_NE(err.find("invalid tracepoint name"), std::string::npos) << err;
  err.clear();
  EXPECT_FALSE(read_tracepoint_format("syscalls/../sched", "sched_switch", &err));
  EXPECT_FALSE(err.empty());
  err.clear();
  EXPECT_EQ(read_tracepoint_id("syscalls", "sys_enter_opnat", &err), -1);
  EXPECT_NE(err.find("does not exist"), std::string::npos) << err;
}

TEST(TracepointLive, ListTracepoints) {
  std::string err;
  auto all = list_tracepoints(&err);
  ASSERT_FALSE(all.empty()) << err;
  EXPECT_GT(all.size(), 1000u);
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end()));
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end());
  EXPECT_TRUE(std::binary_search(all.begin(), all.end(), "syscalls:sys_enter_openat"));
  EXPECT_TRUE(std::binary_search(all.begin(), all.end(), "sched:sched_switch"));
  for (const auto &tp : all)
    ASSERT_NE(tp.find(':'), std::string::npos) << tp;
}

TEST(TracepointLive, MatchTracepoints) {
  std::string err;
  auto m = match_tracepoints("syscalls:sys_enter_open*", &err);
  ASSERT_FALSE(m.empty()) << err;
  EXPECT_TRUE(std::binary_search(m.begin(), m.end(), "syscalls:sys_enter_openat"));
  for (const auto &tp : m)
    EXPECT_EQ(tp.rfind("syscalls:sys_enter_open", 0), 0u) << tp;
  auto sched = match_tracepoints("sched:*", &err);
  EXPECT_TRUE(std::binary_search(sched.begin(), sched.end(), "sched:sched_switch"));
  for (const auto &tp : sched)
    EXPECT_EQ(tp.rfind("sched:", 0), 0u) << tp;
  // '*' in the category does not run into the event name.
  auto any = match_tracepoints("*:sched_switch", &err);
  EXPECT_EQ(any, std::vector<std::string>{"sched:sched_switch"});
  EXPECT_TRUE(match_tracepoints("nosuch:*", &err).empty());
}

// ---- glob ----

TEST(TracepointGlob, Basics) {
  EXPECT_TRUE(glob_match("", ""));
  EXPECT_FALSE(glob_match("", "a"));
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_TRUE(glob_match("*", "anything"));
  EXPECT_TRUE(glob_match("abc", "abc"));
  EXPECT_FALSE(glob_match("abc", "abcd"));
  EXPECT_FALSE(glob_match("abcd", "abc"));
  EXPECT_TRUE(glob_match("sys_enter_*", "sys_enter_openat"));
  EXPECT_FALSE(glob_match("sys_enter_*", "sys_exit_openat"));
  EXPECT_TRUE(glob_match("*open*", "sys_enter_openat"));
  EXPECT_TRUE(glob_match("*openat", "sys_enter_openat"));
  EXPECT_FALSE(glob_match("*openat", "sys_enter_openat2"));
  EXPECT_TRUE(glob_match("syscalls:sys_*_read", "syscalls:sys_exit_read"));
  EXPECT_TRUE(glob_match("a*b*c", "aXbYbZc"));
  EXPECT_FALSE(glob_match("a*b*c", "aXbYbZ"));
  EXPECT_TRUE(glob_match("**a**", "xxa"));
  EXPECT_TRUE(glob_match("sched_?witch", "sched_switch"));
  EXPECT_FALSE(glob_match("sched_?witch", "sched_witch"));
  EXPECT_TRUE(glob_match("???", "abc"));
  EXPECT_FALSE(glob_match("???", "ab"));
}

TEST(TracepointGlob, Classes) {
  EXPECT_TRUE(glob_match("sys_[ae]*", "sys_enter_read"));
  EXPECT_FALSE(glob_match("sys_[ax]*", "sys_enter_read"));
  EXPECT_TRUE(glob_match("cpu[0-9]", "cpu7"));
  EXPECT_FALSE(glob_match("cpu[0-9]", "cpux"));
  EXPECT_TRUE(glob_match("cpu[!0-9]", "cpux"));
  EXPECT_TRUE(glob_match("cpu[^0-9]", "cpux"));
  EXPECT_FALSE(glob_match("cpu[!0-9]", "cpu3"));
  EXPECT_TRUE(glob_match("[]]", "]"));
  EXPECT_TRUE(glob_match("x[a-cx-z]", "xy"));
  EXPECT_FALSE(glob_match("x[a-cx-z]", "xm"));
  EXPECT_TRUE(glob_match("a[-]b", "a-b"));
  // An unterminated class is a literal '['.
  EXPECT_TRUE(glob_match("a[b", "a[b"));
  // Escapes.
  EXPECT_TRUE(glob_match("a\\*b", "a*b"));
  EXPECT_FALSE(glob_match("a\\*b", "axb"));
  EXPECT_TRUE(glob_match("a\\?", "a?"));
  EXPECT_TRUE(has_glob_chars("sys_*"));
  EXPECT_TRUE(has_glob_chars("a?"));
  EXPECT_TRUE(has_glob_chars("[ab]"));
  EXPECT_FALSE(has_glob_chars("sys_enter_openat"));
  EXPECT_FALSE(has_glob_chars("a\\*"));
}

TEST(TracepointGlob, PathologicalPatternIsFast) {
  std::string text(2000, 'a');
  std::string pattern;
  for (int i = 0; i < 30; i++)
    pattern += "*a";
  pattern += "b";
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(glob_match(pattern, text));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

// ---- suggestions ----

TEST(SuggestClosest, TracepointTypos) {
  std::string err;
  auto all = list_tracepoints(&err);
  ASSERT_FALSE(all.empty()) << err;
  auto s = closest_names("syscalls:sys_enter_opnat", all);
  ASSERT_FALSE(s.empty());
  EXPECT_LE(s.size(), 3u);
  EXPECT_EQ(s[0], "syscalls:sys_enter_openat");
  EXPECT_EQ(closest_names("sched:sched_swtich", all, 1),
            std::vector<std::string>{"sched:sched_switch"});
  EXPECT_EQ(closest_names("SCHED:SCHED_SWITCH", all, 1),
            std::vector<std::string>{"sched:sched_switch"});
  // Right event, wrong or missing category.
  EXPECT_EQ(closest_names("syscall:sys_enter_openat", all, 1),
            std::vector<std::string>{"syscalls:sys_enter_openat"});
  EXPECT_EQ(closest_names("sys_enter_openat", all, 1),
            std::vector<std::string>{"syscalls:sys_enter_openat"});
  EXPECT_EQ(closest_names("foo:sched_switch", all, 1),
            std::vector<std::string>{"sched:sched_switch"});
}

TEST(SuggestClosest, UnrelatedNamesGiveNothing) {
  std::string err;
  auto all = list_tracepoints(&err);
  ASSERT_FALSE(all.empty()) << err;
  EXPECT_TRUE(closest_names("xyzzy:plugh", all).empty());
  EXPECT_TRUE(closest_names("totally_unrelated_name", all).empty());
  EXPECT_TRUE(closest_names("q", all).empty());
  EXPECT_TRUE(closest_names("", all).empty());
  EXPECT_TRUE(closest_names("sched:sched_switch", {}, 3).empty());
  EXPECT_TRUE(closest_names("sched:sched_switch", all, 0).empty());
}

TEST(SuggestClosest, RankingAndLimits) {
  std::vector<std::string> c = {"vfs_read",    "vfs_readv",  "vfs_write", "vfs_read",
                                "do_sys_open", "vfs_rename", "ksys_read"};
  auto s = closest_names("vfs_raed", c);
  ASSERT_FALSE(s.empty());
  EXPECT_EQ(s[0], "vfs_read");                              // one transposition
  EXPECT_EQ(std::count(s.begin(), s.end(), "vfs_read"), 1); // duplicates collapsed
  EXPECT_LE(s.size(), 3u);
  EXPECT_EQ(closest_names("vfs_read", c, 2).size(), 2u);
  EXPECT_EQ(closest_names("vfs_read", c, 2)[0], "vfs_read");
  // Same category wins a tie.
  std::vector<std::string> tps = {"aaa:event_x", "bbb:event_y", "ccc:event_z"};
  auto t = closest_names("bbb:event_q", tps);
  ASSERT_FALSE(t.empty());
  EXPECT_EQ(t[0], "bbb:event_y");
}

TEST(SuggestClosest, EditDistance) {
  EXPECT_EQ(edit_distance("", "", 5), 0);
  EXPECT_EQ(edit_distance("abc", "", 5), 3);
  EXPECT_EQ(edit_distance("abc", "abc", 5), 0);
  EXPECT_EQ(edit_distance("abc", "ABC", 5), 0);
  EXPECT_EQ(edit_distance("abc", "acb", 5), 1);
  EXPECT_EQ(edit_distance("kitten", "sitting", 5), 3);
  EXPECT_EQ(edit_distance("kitten", "sitting", 2), 3); // limit + 1
  EXPECT_EQ(edit_distance("a", "abcdefgh", 3), 4);
}

TEST(SuggestClosest, FastOnManyCandidates) {
  // ~60000 kernel-function-like names.
  std::vector<std::string> names;
  const char *prefixes[] = {"vfs_", "do_", "__x64_sys_", "ext4_", "tcp_", "__se_", "xfs_", "ksys_"};
  const char *stems[] = {"read",   "write",  "open",   "close",   "fsync",
                         "mmap",   "ioctl",  "poll",   "sendmsg", "recvmsg",
                         "lookup", "rename", "unlink", "mkdir",   "statx"};
  for (int i = 0; names.size() < 60000; i++)
    for (const char *p : prefixes)
      for (const char *s : stems)
        names.push_back(std::string(p) + s + "_" + std::to_string(i));
  names.push_back("vfs_fallocate");
  auto start = std::chrono::steady_clock::now();
  auto s = closest_names("vfs_falocate", names);
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(s.empty());
  EXPECT_EQ(s[0], "vfs_fallocate");
  EXPECT_LT(elapsed, std::chrono::milliseconds(500));
}

TEST(SuggestClosest, DidYouMean) {
  EXPECT_EQ(did_you_mean({}), "");
  EXPECT_EQ(did_you_mean({"a:b"}), "Did you mean a:b?");
  EXPECT_EQ(did_you_mean({"a", "b"}), "Did you mean a or b?");
  EXPECT_EQ(did_you_mean({"a", "b", "c"}), "Did you mean a, b or c?");
}

// ---- perf events ----

TEST(PerfCpuList, Parse) {
  std::string err;
  EXPECT_EQ(parse_cpu_list("0-1,3,5-6", &err), (std::vector<int>{0, 1, 3, 5, 6}));
  EXPECT_EQ(parse_cpu_list("0\n", &err), (std::vector<int>{0}));
  EXPECT_EQ(parse_cpu_list("0-1\n", &err), (std::vector<int>{0, 1}));
  EXPECT_EQ(parse_cpu_list("2,4-4,7", &err), (std::vector<int>{2, 4, 7}));
  for (const char *bad : {"", "\n", "a", "1-0", "0-", "-1", "0,,1", "1-2-3", "0,"}) {
    err.clear();
    EXPECT_TRUE(parse_cpu_list(bad, &err).empty()) << bad;
    EXPECT_FALSE(err.empty()) << bad;
  }
}

TEST(PerfCpuList, OnlineCpus) {
  std::string err;
  auto cpus = online_cpus(&err);
  ASSERT_FALSE(cpus.empty()) << err;
  EXPECT_EQ(cpus.front(), 0);
  EXPECT_EQ(static_cast<long>(cpus.size()), sysconf(_SC_NPROCESSORS_ONLN));
  EXPECT_TRUE(std::is_sorted(cpus.begin(), cpus.end()));
}

int sys_enter_openat_id() {
  std::string err;
  int id = read_tracepoint_id("syscalls", "sys_enter_openat", &err);
  EXPECT_GT(id, 0) << err;
  return id;
}

TEST(PerfEvents, OpenCpuClock) {
  std::string err;
  int fd = open_cpu_clock_event(0, 0, 99, &err);
  ASSERT_GE(fd, 0) << err;
  EXPECT_EQ(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
  close(fd);
  fd = open_cpu_clock_event(0, 10'000'000, 0, &err);
  ASSERT_GE(fd, 0) << err;
  close(fd);

  err.clear();
  EXPECT_EQ(open_cpu_clock_event(0, 0, 0, &err), -1);
  EXPECT_NE(err.find("exactly one"), std::string::npos) << err;
  err.clear();
  EXPECT_EQ(open_cpu_clock_event(0, 1000, 99, &err), -1);
  EXPECT_FALSE(err.empty());
  // Above /proc/sys/kernel/perf_event_max_sample_rate.
  err.clear();
  EXPECT_EQ(open_cpu_clock_event(0, 0, 100'000'000, &err), -1);
  EXPECT_NE(err.find("perf_event_max_sample_rate"), std::string::npos) << err;
}

TEST(PerfEvents, OpenSoftwareEvents) {
  std::string err;
  for (uint64_t config : {PERF_COUNT_SW_CONTEXT_SWITCHES, PERF_COUNT_SW_PAGE_FAULTS,
                          PERF_COUNT_SW_CPU_MIGRATIONS, PERF_COUNT_SW_TASK_CLOCK}) {
    int fd = open_software_event(config, 0, 100, &err);
    EXPECT_GE(fd, 0) << config << ": " << err;
    if (fd >= 0)
      close(fd);
  }
}

TEST(PerfEvents, OpenTracepoint) {
  int id = sys_enter_openat_id();
  std::string err;
  int fd = open_tracepoint_event(id, 0, &err);
  ASSERT_GE(fd, 0) << err;
  EXPECT_EQ(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
  close(fd);

  // One tracepoint event for all CPUs (cpu = -1) with pid = -1 is rejected by the kernel.
  err.clear();
  EXPECT_EQ(open_tracepoint_event(id, -1, &err), -1);
  EXPECT_NE(err.find("Invalid argument"), std::string::npos) << err;

  err.clear();
  EXPECT_EQ(open_tracepoint_event(0x3fffffff, 0, &err), -1);
  EXPECT_NE(err.find("cannot open perf event for tracepoint id 1073741823 on CPU 0"),
            std::string::npos)
      << err;
  err.clear();
  EXPECT_EQ(open_tracepoint_event(-5, 0, &err), -1);
  EXPECT_FALSE(err.empty());
}

// ---- attaching BPF programs ----

bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
  bpf_insn i;
  std::memset(&i, 0, sizeof(i));
  i.code = code;
  i.dst_reg = dst & 0xf;
  i.src_reg = src & 0xf;
  i.off = off;
  i.imm = imm;
  return i;
}

// r0 = 0; exit
int load_trivial_program(bpf_prog_type type, std::string *err) {
  bpf_insn insns[] = {insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0),
                      insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)};
  static char log[4096];
  LIBBPF_OPTS(bpf_prog_load_opts, opts, .log_level = 0, .log_size = sizeof(log), .log_buf = log);
  int fd = bpf_prog_load(type, "bpfscope_test", "GPL", insns, 2, &opts);
  if (fd < 0)
    *err = std::string("bpf_prog_load: ") + strerror(-fd) + " " + log;
  return fd;
}

// Tracepoint program that increments counter[0] (an array map) when the current process hits it:
//   if ((bpf_get_current_pid_tgid() >> 32) == tgid) __sync_fetch_and_add(&counter[0], 1);
int load_counting_program(int map_fd, int tgid, std::string *err) {
  std::vector<bpf_insn> p = {
      insn(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_get_current_pid_tgid),
      insn(BPF_ALU64 | BPF_RSH | BPF_K, BPF_REG_0, 0, 0, 32),
      insn(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_0, 0, 9, tgid), // -> exit path
      insn(BPF_ST | BPF_MEM | BPF_W, BPF_REG_10, 0, -4, 0),   // key = 0
      insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_10, 0, 0),
      insn(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, -4),
      insn(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_1, BPF_PSEUDO_MAP_FD, 0, map_fd),
      insn(0, 0, 0, 0, 0),
      insn(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem),
      insn(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_0, 0, 2, 0),
      insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_1, 0, 0, 1),
      insn(BPF_STX | BPF_ATOMIC | BPF_DW, BPF_REG_0, BPF_REG_1, 0, BPF_ADD),
      insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0),
      insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
  };
  static char log[65536];
  LIBBPF_OPTS(bpf_prog_load_opts, opts, .log_level = 1, .log_size = sizeof(log), .log_buf = log);
  int fd =
      bpf_prog_load(BPF_PROG_TYPE_TRACEPOINT, "bpfscope_count", "GPL", p.data(), p.size(), &opts);
  if (fd < 0)
    *err = std::string("bpf_prog_load: ") + strerror(-fd) + "\n" + log;
  return fd;
}

uint64_t read_counter(int map_fd) {
  uint32_t key = 0;
  uint64_t value = 0;
  EXPECT_EQ(bpf_map_lookup_elem(map_fd, &key, &value), 0);
  return value;
}

void openat_n_times(int n) {
  for (int i = 0; i < n; i++) {
    long fd = syscall(SYS_openat, AT_FDCWD, "/nonexistent/bpfscope-tracepoint-test", O_RDONLY);
    if (fd >= 0)
      close(static_cast<int>(fd));
  }
}

TEST(PerfAttach, TrivialProgramToTracepointViaLink) {
  std::string err;
  int prog = load_trivial_program(BPF_PROG_TYPE_TRACEPOINT, &err);
  ASSERT_GE(prog, 0) << err;
  int perf = open_tracepoint_event(sys_enter_openat_id(), 0, &err);
  ASSERT_GE(perf, 0) << err;
  auto a = attach_bpf_to_perf_event(prog, perf, &err);
  ASSERT_TRUE(a) << err;
  EXPECT_EQ(a->perf_fd, perf);
  EXPECT_GE(a->link_fd, 0);
  EXPECT_FALSE(a->legacy_ioctl); // Linux 6.18 supports BPF perf links
  EXPECT_EQ(fcntl(a->link_fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
  bpf_link_info info;
  std::memset(&info, 0, sizeof(info));
  uint32_t len = sizeof(info);
  ASSERT_EQ(bpf_obj_get_info_by_fd(a->link_fd, &info, &len), 0);
  EXPECT_EQ(info.type, BPF_LINK_TYPE_PERF_EVENT);
  openat_n_times(3);
  close_attachment(*a);
  EXPECT_EQ(a->perf_fd, -1);
  EXPECT_EQ(a->link_fd, -1);
  close_attachment(*a); // idempotent
  close(prog);
}

TEST(PerfAttach, OneTracepointAttachmentRunsOnEveryCpu) {
  std::string err;
  auto cpus = online_cpus(&err);
  ASSERT_FALSE(cpus.empty()) << err;
  int map = bpf_map_create(BPF_MAP_TYPE_ARRAY, "bpfscope_cnt", 4, 8, 1, nullptr);
  ASSERT_GE(map, 0) << strerror(-map);
  int prog = load_counting_program(map, getpid(), &err);
  ASSERT_GE(prog, 0) << err;
  auto a = attach_bpf_to_tracepoint(prog, sys_enter_openat_id(), &err);
  ASSERT_TRUE(a) << err;

  cpu_set_t saved;
  ASSERT_EQ(sched_getaffinity(0, sizeof(saved), &saved), 0);
  for (int cpu : cpus) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    ASSERT_EQ(sched_setaffinity(0, sizeof(set), &set), 0);
    uint64_t before = read_counter(map);
    openat_n_times(50);
    // Exactly once per call: the program runs on this CPU even though the perf event was opened
    // on the first CPU only, and not more than once.
    EXPECT_EQ(read_counter(map) - before, 50u) << "cpu " << cpu;
  }
  sched_setaffinity(0, sizeof(saved), &saved);

  // After detaching, the program no longer runs.
  close_attachment(*a);
  uint64_t before = read_counter(map);
  openat_n_times(20);
  EXPECT_EQ(read_counter(map), before);
  close(prog);
  close(map);
}

TEST(PerfAttach, SameProgramTwiceOnOneTracepointIsRejected) {
  std::string err;
  auto cpus = online_cpus(&err);
  ASSERT_FALSE(cpus.empty()) << err;
  int prog = load_trivial_program(BPF_PROG_TYPE_TRACEPOINT, &err);
  ASSERT_GE(prog, 0) << err;
  int id = sys_enter_openat_id();
  auto first = attach_bpf_to_tracepoint(prog, id, &err);
  ASSERT_TRUE(first) << err;
  int perf2 = open_tracepoint_event(id, cpus.back(), &err);
  ASSERT_GE(perf2, 0) << err;
  err.clear();
  EXPECT_FALSE(attach_bpf_to_perf_event(prog, perf2, &err));
  EXPECT_NE(err.find("already attached"), std::string::npos) << err;
  // Once the first attachment is gone the program can be attached again (the kernel cleaned up).
  close_attachment(*first);
  auto second = attach_bpf_to_perf_event(prog, perf2, &err);
  ASSERT_TRUE(second) << err;
  close_attachment(*second);
  close(prog);
}

TEST(PerfAttach, PerfEventProgramOnEveryCpuClock) {
  std::string err;
  auto cpus = online_cpus(&err);
  ASSERT_FALSE(cpus.empty()) << err;
  int prog = load_trivial_program(BPF_PROG_TYPE_PERF_EVENT, &err);
  ASSERT_GE(prog, 0) << err;
  std::vector<PerfAttachment> attachments;
  for (int cpu : cpus) {
    int fd = open_cpu_clock_event(cpu, 0, 99, &err);
    ASSERT_GE(fd, 0) << err;
    auto a = attach_bpf_to_perf_event(prog, fd, &err);
    ASSERT_TRUE(a) << "cpu " << cpu << ": " << err;
    EXPECT_GE(a->link_fd, 0);
    attachments.push_back(*a);
  }
  for (auto &a : attachments)
    close_attachment(a);
  close(prog);
}

TEST(PerfAttach, Errors) {
  std::string err;
  EXPECT_FALSE(attach_bpf_to_perf_event(-1, 5, &err));
  EXPECT_FALSE(err.empty());

  // A tracepoint program cannot be attached to a cpu-clock event; the perf fd stays with the
  // caller.
  int prog = load_trivial_program(BPF_PROG_TYPE_TRACEPOINT, &err);
  ASSERT_GE(prog, 0) << err;
  int fd = open_cpu_clock_event(0, 0, 99, &err);
  ASSERT_GE(fd, 0) << err;
  err.clear();
  EXPECT_FALSE(attach_bpf_to_perf_event(prog, fd, &err));
  EXPECT_NE(err.find("cannot attach BPF program to perf event"), std::string::npos) << err;
  EXPECT_EQ(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC); // still open
  close(fd);

  err.clear();
  EXPECT_FALSE(attach_bpf_to_tracepoint(prog, 0x3fffffff, &err));
  EXPECT_FALSE(err.empty());
  close(prog);
}

} // namespace
} // namespace bpfscope
