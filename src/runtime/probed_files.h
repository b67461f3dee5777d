// Which ELF files a user-space attach point (uprobe, uretprobe, usdt) searches: the binary it
// names, or, when it names none and -p is given, every file holding code in that process.
#pragma once

#include "parser/ast.h"
#include "parser/diagnostics.h"

#include <optional>
#include <string>
#include <vector>

namespace bpfscope {

// With -p (target_pid >= 0), a bare library name ("libc") is first looked up among the
// process's own mappings, the copy it really runs; otherwise it is found as the dynamic linker
// would (binary_path.h). `error` may be null.
std::optional<std::string> find_probed_binary(const std::string &name, int target_pid,
                                              std::string *error);

// Fills `files`. An empty `binary` means "the whole -p process"; without -p that is an error
// "SUBJECT does not say which binary to probe" with `hint`. A binary that cannot be found is
// reported as "KIND: why". Returns false after reporting at the attach point.
bool probed_files(const std::string &binary, int target_pid, const ast::AttachPoint &ap,
                  const std::string &subject, const std::string &hint, const std::string &kind,
                  std::vector<std::string> &files, Diagnostics &diags);

} // namespace bpfscope
