// Offsets between the kernel's boot clock (what BPF programs read cheaply) and other clocks,
// measured when a run starts and handed to the programs through the globals map (codegen.h's
// kGlobalSwTaiOffset, kGlobalBootToWall), so that an object from the cache never reuses the
// offsets of the run that compiled it.
#pragma once

#include <cstdint>

namespace bpfscope {

// nsecs(sw_tai): CLOCK_TAI minus CLOCK_BOOTTIME, in ns, now.
int64_t sw_tai_offset();

// tseries(): CLOCK_REALTIME minus CLOCK_BOOTTIME, in ns, now.
int64_t boot_to_wall_offset();

} // namespace bpfscope
