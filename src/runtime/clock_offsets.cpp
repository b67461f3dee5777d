#include "runtime/clock_offsets.h"

#include <time.h>

namespace bpfscope {

namespace {

int64_t now_ns(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

// `other` minus the boot clock, the boot clock read on both sides of `other`: their midpoint is
// when `other` was read.
int64_t offset_from_boot(clockid_t other) {
  int64_t before = now_ns(CLOCK_BOOTTIME);
  int64_t value = now_ns(other);
  int64_t after = now_ns(CLOCK_BOOTTIME);
  return value - (before + (after - before) / 2);
}

} // namespace

int64_t sw_tai_offset() { return offset_from_boot(CLOCK_TAI); }

int64_t boot_to_wall_offset() { return offset_from_boot(CLOCK_REALTIME); }

} // namespace bpfscope
