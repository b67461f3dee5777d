#include "runtime/format_resolved.h"

#include "runtime/cgroup_paths.h"

#include <arpa/inet.h>

#include <cstdio>
#include <cstring>
#include <ctime>
#include <map>

namespace bpfscope {

namespace {

uint64_t load_u64(const uint8_t *data) {
  uint64_t v;
  std::memcpy(&v, data, 8);
  return v;
}

uint64_t clock_ns(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ULL + static_cast<uint64_t>(ts.tv_nsec);
}

std::string format_inet(const uint8_t *data) {
  uint64_t family = load_u64(data);
  char buf[INET6_ADDRSTRLEN] = "";
  int af = family == AF_INET6 ? AF_INET6 : AF_INET;
  if (family != AF_INET && family != AF_INET6)
    return "";
  inet_ntop(af, data + 8, buf, sizeof(buf));
  return buf;
}

std::string format_macaddr(const uint8_t *data) {
  char buf[18];
  std::snprintf(buf, sizeof(buf), "%02X:%02X:%02X:%02X:%02X:%02X", data[0], data[1], data[2],
                data[3], data[4], data[5]);
  return buf;
}

// An integer array, `[1,2,3,4]`: each element as its type reads it (little endian).
std::string format_int_array(const Type &type, const uint8_t *data) {
  Type element = type.int_array_element();
  int step = element.size > 0 ? element.size : 1;
  std::string s = "[";
  for (int offset = 0; offset + step <= type.size; offset += step) {
    if (offset)
      s += ',';
    uint64_t bits = 0;
    std::memcpy(&bits, data + offset, static_cast<size_t>(step));
    if (element.is_signed && step < 8 && (bits >> (step * 8 - 1)) & 1)
      bits |= ~0ULL << (step * 8); // sign-extend
    s += element.is_signed ? std::to_string(static_cast<int64_t>(bits)) : std::to_string(bits);
  }
  return s + "]";
}

} // namespace

std::string format_timestamp(const std::string &fmt, uint64_t boot_ns) {
  // The boot clock's origin in wall-clock time, measured now: realtime - boottime.
  uint64_t wall_ns = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME) + boot_ns;
  time_t secs = static_cast<time_t>(wall_ns / 1000000000ULL);
  char micros[8];
  std::snprintf(micros, sizeof(micros), "%06llu",
                static_cast<unsigned long long>((wall_ns % 1000000000ULL) / 1000));
  std::string expanded;
  for (size_t i = 0; i < fmt.size(); i++) {
    if (fmt[i] == '%' && i + 1 < fmt.size()) {
      if (fmt[i + 1] == 'f') {
        expanded += micros;
      } else {
        expanded += fmt[i];
        expanded += fmt[i + 1];
      }
      i++;
      continue;
    }
    expanded += fmt[i];
  }
  struct tm tm;
  localtime_r(&secs, &tm);
  char buf[1024];
  size_t n = std::strftime(buf, sizeof(buf), expanded.c_str(), &tm);
  return std::string(buf, n);
}

std::string syscall_name(uint64_t nr) {
  static const std::map<uint64_t, const char *> names = {
#include "runtime/syscall_names_x86_64.inc"
  };
  auto it = names.find(nr);
  return it != names.end() ? it->second : std::to_string(nr);
}

std::string signal_name(int64_t sig) {
  // bpftrace v0.26 prints strsignal(3)'s description ("Interrupt", "Real-time signal 0") for
  // 0 to 64 and "N/A" for any other number; the number is taken as a 32-bit int first.
  int32_t n = static_cast<int32_t>(sig);
  if (n < 0 || n > 64)
    return "N/A";
  return strsignal(n);
}

std::string format_resolved(const Type &type, const uint8_t *data) {
  switch (type.resolved) {
  case ResolvedKind::Timestamp:
    return format_timestamp(type.resolved_arg, load_u64(data));
  case ResolvedKind::Inet:
    return format_inet(data);
  case ResolvedKind::MacAddr:
    return format_macaddr(data);
  case ResolvedKind::CgroupPath:
    return cgroup_path(load_u64(data), type.resolved_arg);
  case ResolvedKind::SyscallName:
    return syscall_name(load_u64(data));
  case ResolvedKind::SignalName:
    return signal_name(static_cast<int64_t>(load_u64(data)));
  case ResolvedKind::Bytes:
    return format_int_array(type, data);
  case ResolvedKind::None:
    break;
  }
  return "";
}

} // namespace bpfscope
