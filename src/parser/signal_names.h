// Signal numbers by name ("SIGUSR1" or "USR1"), for signal() and signal_thread().
#pragma once

#include <string>

namespace bpfscope {

// The number of the signal named `name`, or 0 when there is none by that name.
int signal_number(const std::string &name);

} // namespace bpfscope
