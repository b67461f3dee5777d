// "Did you mean" for a misspelled field name (`args.NAME`, `$record.NAME`): the closest name, by
// edit distance.
#pragma once

#include "parser/probe_target.h"

#include <string>
#include <vector>

namespace bpfscope {

// The hint for an unknown field `name` among `names`: "Did you mean 'count'? fields: a, count"
// when one is close (at most a third of the name's length away), else just the field list; ""
// when there are no names.
std::string name_hint(const std::string &name, const std::vector<std::string> &names);

// name_hint over a probe's context fields, leaving out tracepoints' common_* fields.
std::string field_hint(const std::string &name, const std::vector<ContextField> &fields);

// The candidate closest to `name` by edit distance (at most a third of its length away), or ""
// when none is that close. For "Did you mean" on unknown function names.
std::string closest_name(const std::string &name, const std::vector<std::string> &candidates);

} // namespace bpfscope
