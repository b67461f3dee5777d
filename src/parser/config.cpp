// The table of config variables: name, type, accepted values, and where each one is stored.
#include "parser/config.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <functional>
#include <sstream>

namespace bpfscope {

namespace {

enum class KeyType { Integer, Bool, Enum, String };

struct KeySpec {
  const char *name;
  KeyType type;
  std::vector<std::string> choices; // Enum: accepted words (compared case-insensitively)
  uint64_t min = 0, max = UINT64_MAX;
  std::function<void(RunConfig &, const ConfigValue &)> store;
  std::function<std::string(const RunConfig &)> show;
};

std::string upper(std::string s) {
  for (char &c : s)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string lower(std::string s) {
  for (char &c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

template <class T> std::string num(T v) { return std::to_string(v); }
std::string flag(bool b) { return b ? "true" : "false"; }

const std::vector<KeySpec> &key_table() {
  static const std::vector<std::string> kUnstable = {"error", "warn", "enable"};
  static const std::vector<KeySpec> table = {
      {"cache_user_symbols",
       KeyType::Enum,
       {"PER_PROGRAM", "PER_PID", "NONE"},
       0,
       0,
       [](RunConfig &c, const ConfigValue &v) { c.cache_user_symbols = upper(v.text); },
       [](const RunConfig &c) { return c.cache_user_symbols; }},
      {"cpp_demangle",
       KeyType::Bool,
       {},
       0,
       1,
       [](RunConfig &c, const ConfigValue &v) { c.cpp_demangle = v.number; },
       [](const RunConfig &c) { return flag(c.cpp_demangle); }},
      {"lazy_symbolication",
       KeyType::Bool,
       {},
       0,
       1,
       [](RunConfig &c, const ConfigValue &v) { c.lazy_symbolication = v.number; },
       [](const RunConfig &c) { return flag(c.lazy_symbolication); }},
      {"license",
       KeyType::Enum,
       {"GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL",
        "Dual MPL/GPL"},
       0,
       0,
       [](RunConfig &c, const ConfigValue &v) { c.license = v.text; },
       [](const RunConfig &c) { return c.license; }},
      {"log_size",
       KeyType::Integer,
       {},
       1,
       1u << 30,
       [](RunConfig &c, const ConfigValue &v) { c.log_size = v.number; },
       [](const RunConfig &c) { return num(c.log_size); }},
      {"max_bpf_progs",
       KeyType::Integer,
       {},
       1,
       1u << 20,
       [](RunConfig &c, const ConfigValue &v) { c.max_bpf_progs = static_cast<int>(v.number); },
       [](const RunConfig &c) { return num(c.max_bpf_progs); }},
      {"max_cat_bytes",
       KeyType::Integer,
       {},
       1,
       1u << 30,
       [](RunConfig &c, const ConfigValue &v) { c.max_cat_bytes = v.number; },
       [](const RunConfig &c) { return num(c.max_cat_bytes); }},
      {"max_map_keys",
       KeyType::Integer,
       {},
       1,
       1u << 30,
       [](RunConfig &c, const ConfigValue &v) { c.max_map_keys = static_cast<int>(v.number); },
       [](const RunConfig &c) { return num(c.max_map_keys); }},
      {"max_probes",
       KeyType::Integer,
       {},
       1,
       1u << 20,
       [](RunConfig &c, const ConfigValue &v) { c.max_probes = static_cast<int>(v.number); },
       [](const RunConfig &c) { return num(c.max_probes); }},
      {"max_strlen",
       KeyType::Integer,
       {},
       1,
       1u << 20,
       [](RunConfig &c, const ConfigValue &v) { c.max_strlen = static_cast<int>(v.number); },
       [](const RunConfig &c) { return num(c.max_strlen); }},
      {"missing_probes",
       KeyType::Enum,
       {"error", "warn", "ignore"},
       0,
       0,
       [](RunConfig &c, const ConfigValue &v) { c.missing_probes = lower(v.text); },
       [](const RunConfig &c) { return c.missing_probes; }},
      {"on_stack_limit",
       KeyType::Integer,
       {},
       0,
       512,
       [](RunConfig &c, const ConfigValue &v) { c.on_stack_limit = v.number; },
       [](const RunConfig &c) { return num(c.on_stack_limit); }},
      {"perf_rb_pages",
       KeyType::Integer,
       {},
       1,
       1u << 20,
       [](RunConfig &c, const ConfigValue &v) { c.perf_rb_pages = v.number; },
       [](const RunConfig &c) { return num(c.perf_rb_pages); }},
      {"print_maps_on_exit",
       KeyType::Bool,
       {},
       0,
       1,
       [](RunConfig &c, const ConfigValue &v) { c.print_maps_on_exit = v.number; },
       [](const RunConfig &c) { return flag(c.print_maps_on_exit); }},
      {"show_debug_info",
       KeyType::Bool,
       {},
       0,
       1,
       [](RunConfig &c, const ConfigValue &v) { c.show_debug_info = v.number; },
       [](const RunConfig &c) { return flag(c.show_debug_info); }},
      {"stack_mode",
       KeyType::Enum,
       {"bpftrace", "perf", "raw"},
       0,
       0,
       [](RunConfig &c, const ConfigValue &v) { c.stack_mode = lower(v.text); },
       [](const RunConfig &c) { return c.stack_mode; }},
      {"str_trunc_trailer",
       KeyType::String,
       {},
       0,
       0,
       [](RunConfig &c, const ConfigValue &v) { c.str_trunc_trailer = v.text; },
       [](const RunConfig &c) { return c.str_trunc_trailer; }},
      {"unstable_addr", KeyType::Enum, kUnstable, 0, 0,
       [](RunConfig &c, const ConfigValue &v) { c.unstable_addr = lower(v.text); },
       [](const RunConfig &c) { return c.unstable_addr; }},
      {"unstable_map_decl", KeyType::Enum, kUnstable, 0, 0,
       [](RunConfig &c, const ConfigValue &v) { c.unstable_map_decl = lower(v.text); },
       [](const RunConfig &c) { return c.unstable_map_decl; }},
      {"unstable_tseries", KeyType::Enum, kUnstable, 0, 0,
       [](RunConfig &c, const ConfigValue &v) { c.unstable_tseries = lower(v.text); },
       [](const RunConfig &c) { return c.unstable_tseries; }},
  };
  return table;
}

const KeySpec *find_key(const std::string &canonical) {
  for (const auto &k : key_table())
    if (canonical == k.name)
      return &k;
  return nullptr;
}

const char *kind_name(ConfigValue::Kind k) {
  switch (k) {
  case ConfigValue::Kind::Integer:
    return "integer";
  case ConfigValue::Kind::Word:
    return "identifier";
  case ConfigValue::Kind::String:
    return "string";
  }
  return "?";
}

} // namespace

std::string canonical_config_key(const std::string &key) {
  std::string k = lower(key);
  if (k.rfind("bpftrace_", 0) == 0)
    k = k.substr(9);
  else if (k.rfind("bpfscope_", 0) == 0)
    k = k.substr(9);
  if (k == "map_keys_max") // bpftrace's older spelling
    k = "max_map_keys";
  return find_key(k) ? k : "";
}

bool set_config(RunConfig &config, const std::string &key, const ConfigValue &value,
                std::string &error, bool &bad_key, std::string * /*warning: none yet*/) {
  bad_key = false;
  std::string canonical = canonical_config_key(key);
  const KeySpec *spec = find_key(canonical);
  if (!spec) {
    bad_key = true;
    error = "Unrecognized config variable: " + key;
    return false;
  }
  ConfigValue v = value;
  auto wrong_type = [&](const char *expected) {
    bad_key = true;
    error = "Invalid type for " + key + ". Type: " + kind_name(value.kind) +
            ". Expected Type: " + expected;
    return false;
  };
  switch (spec->type) {
  case KeyType::Integer:
    if (v.kind != ConfigValue::Kind::Integer)
      return wrong_type("integer");
    if (v.number < spec->min || v.number > spec->max) {
      error = "Invalid value for " + key + ": " + std::to_string(v.number) + " (expected " +
              std::to_string(spec->min) + " to " + std::to_string(spec->max) + ")";
      return false;
    }
    break;
  case KeyType::Bool:
    if (v.kind == ConfigValue::Kind::Word && (lower(v.text) == "true" || lower(v.text) == "false"))
      v.number = lower(v.text) == "true";
    else if (v.kind == ConfigValue::Kind::Integer && v.number <= 1)
      ;
    else if (v.kind == ConfigValue::Kind::Integer) {
      error = "Invalid value for " + key + ": " + std::to_string(v.number) +
              " (expected true or false)";
      return false;
    } else if (v.kind == ConfigValue::Kind::Word) {
      error = "Invalid value for " + key + ": " + v.text + " (expected true or false)";
      return false;
    } else {
      return wrong_type("boolean");
    }
    break;
  case KeyType::Enum: {
    if (v.kind == ConfigValue::Kind::Integer)
      return wrong_type("string");
    auto match = std::find_if(spec->choices.begin(), spec->choices.end(),
                              [&](const std::string &c) { return lower(c) == lower(v.text); });
    if (match == spec->choices.end()) {
      std::string list;
      for (const auto &c : spec->choices)
        list += (list.empty() ? "" : ", ") + c;
      error = "Invalid value for " + key + ": " + v.text + " (expected one of: " + list + ")";
      return false;
    }
    v.text = *match;
    break;
  }
  case KeyType::String:
    if (v.kind == ConfigValue::Kind::Integer)
      return wrong_type("string");
    break;
  }
  spec->store(config, v);
  config.explicitly_set.insert(spec->name);
  return true;
}

bool apply_config_env(RunConfig &config, std::string &error) {
  for (const auto &spec : key_table()) {
    std::string up = upper(spec.name);
    std::vector<std::string> names = {"BPFSCOPE_" + up, "BPFTRACE_" + up};
    if (std::string(spec.name) == "max_map_keys")
      names.push_back("BPFTRACE_MAP_KEYS_MAX");
    for (const auto &name : names) {
      const char *raw = getenv(name.c_str());
      if (!raw || !*raw)
        continue;
      std::string text = raw;
      ConfigValue v;
      bool digits =
          std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (digits && spec.type != KeyType::String) {
        errno = 0;
        char *end = nullptr;
        v.number = strtoull(text.c_str(), &end, 10);
        if (errno) {
          error = name + ": value '" + text + "' is out of range";
          return false;
        }
      } else {
        v.kind = spec.type == KeyType::String ? ConfigValue::Kind::String : ConfigValue::Kind::Word;
        v.text = text;
      }
      if (spec.type == KeyType::Integer && !digits) {
        error = name + ": expected a number, got '" + text + "'";
        return false;
      }
      bool bad_key = false;
      std::string message;
      std::string warning;
      if (!set_config(config, name, v, message, bad_key, &warning)) {
        error = message;
        return false;
      }
      if (!warning.empty())
        config.env_warnings.push_back(warning);
      config.from_env.insert(spec.name);
      break;
    }
  }
  return true;
}

std::vector<std::string> config_not_honoured(const RunConfig &) {
  // Every variable bpfscope checks is honoured today (max_cat_bytes and str_trunc_trailer were
  // the last ones without effect); one that is not gets its warning here.
  return {};
}

std::string RunConfig::summary() const {
  std::ostringstream out;
  for (const auto &k : key_table())
    out << k.name << "=" << k.show(*this) << "\n";
  return out.str();
}

} // namespace bpfscope
