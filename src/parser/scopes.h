// Lexical scopes of `$variables`, as in bpftrace v0.26: a variable exists from its declaration
// (`let`, or its first assignment) to the end of the block it was declared in, and a `let` or a
// `for` variable may not shadow one that is visible. Each declaration gets a storage name, the
// key of its slot in ProbeInfo::variables: the name itself for the first one in a probe, then
// "$x#1", "$x#2", ... so that sibling blocks may each have a `$x` of its own type.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace bpfscope {

class ScopeStack {
public:
  void reset() {
    scopes_.clear();
    declared_.clear();
  }
  void push() { scopes_.emplace_back(); }
  void pop() {
    if (!scopes_.empty())
      scopes_.pop_back();
  }
  // The storage name of the visible `name`, or "" when none is in scope.
  std::string resolve(const std::string &name) const {
    for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
      auto found = it->find(name);
      if (found != it->end())
        return found->second;
    }
    return "";
  }
  // Declares `name` in the innermost scope; returns its storage name.
  std::string declare(const std::string &name) {
    int n = declared_[name]++;
    std::string storage = n == 0 ? name : name + "#" + std::to_string(n);
    if (scopes_.empty())
      push();
    scopes_.back()[name] = storage;
    return storage;
  }

private:
  std::vector<std::map<std::string, std::string>> scopes_;
  std::map<std::string, int> declared_; // declarations so far in the probe, by name
};

} // namespace bpfscope
