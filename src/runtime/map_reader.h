// Reads a BPF map into the printable form, combining per-CPU values (sums for count/sum/avg/
// stats/hist, the extreme over the CPUs that saw a value for min/max), and clears or zeroes maps.
#pragma once

#include "parser/semantic.h"
#include "runtime/format_map.h"

#include <string>

namespace bpfscope {

bool read_map(int fd, const MapInfo &info, PrintableMap &out, std::string &error);
void clear_map(int fd, const MapInfo &info);
void zero_map(int fd, const MapInfo &info);

} // namespace bpfscope
