// "Did you mean ...?" suggestions for misspelled probe names.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace bpfscope {

// Up to `max` candidates closest to `name`, best first (e.g. "syscalls:sys_enter_opnat" ->
// {"syscalls:sys_enter_openat", ...}).
//
// Distance is case-insensitive optimal-string-alignment Damerau-Levenshtein (insertions,
// deletions, substitutions and adjacent transpositions cost 1). For "category:event" names the
// event parts are also compared on their own (+1 when the categories differ), so a right event
// under a wrong category ("syscall:sys_enter_openat", "sys_enter_openat") is still found. A
// candidate is only suggested when its distance is at most a threshold derived from the length of
// the (event part of the) name: 1 for up to 6 characters, growing by one per 5 characters, capped
// at 4, so unrelated names yield nothing. Ties prefer the same category, then a similar length,
// then alphabetical order. Fast enough for tens of thousands of candidates (bounded computation
// with early exits, no per-candidate allocation).
std::vector<std::string> closest_names(const std::string &name,
                                       const std::vector<std::string> &candidates, size_t max = 3);

// The bounded distance used above: case-insensitive OSA distance between a and b, or limit + 1
// when it exceeds `limit`. Exposed for tests.
int edit_distance(const std::string &a, const std::string &b, int limit);

// Formats a hint line: "" when there is nothing to suggest, "Did you mean X?" for one, and
// "Did you mean X, Y or Z?" for several.
std::string did_you_mean(const std::vector<std::string> &suggestions);

} // namespace bpfscope
