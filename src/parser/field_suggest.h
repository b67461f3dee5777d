// "Did you mean" for a misspelled `args.NAME`: the closest field name, by edit distance.
#pragma once

#include "parser/probe_target.h"

#include <string>
#include <vector>

namespace bpfscope {

// The hint for an unknown field `name` among `fields`: "Did you mean 'count'? fields: a, count"
// when one is close (at most a third of the name's length away), else just the field list; ""
// when there are no fields. Tracepoints' common_* fields are left out of the list.
std::string field_hint(const std::string &name, const std::vector<ContextField> &fields);

// The candidate closest to `name` by edit distance (at most a third of its length away), or ""
// when none is that close. For "Did you mean" on unknown function names.
std::string closest_name(const std::string &name, const std::vector<std::string> &candidates);

} // namespace bpfscope
