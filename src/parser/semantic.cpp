#include "parser/semantic.h"

#include "parser/bare_calls.h"
#include "parser/field_suggest.h"
#include "parser/function_inline.h"
#include "parser/int_promotion.h"
#include "parser/pt_regs.h"

#include "parser/scopes.h"
#include "parser/script_types.h"
#include "parser/semantic_enums.h"
#include "parser/semantic_map_decls.h"
#include "parser/semantic_types.h"

#include "parser/semantic_comptime.h"
#include "parser/semantic_equality.h"
#include "parser/semantic_percpu.h"
#include "parser/semantic_predicates.h"
#include "parser/semantic_stdlib.h"
#include "parser/semantic_tracing_calls.h"
#include "parser/semantic_unsupported.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include <algorithm>
#include <set>

namespace bpfscope {

using namespace ast;

Type MapInfo::bpf_key_type() const {
  // A keyless aggregation lives in a per-CPU array: its key is a 32-bit index (0, or the
  // histogram bucket), and the update needs no hash lookup.
  if (keyless() && per_cpu())
    return is_histogram() ? Type::tuple({Type::integer(4, false)}) : Type::integer(4, false);
  if (!is_histogram())
    return keyless() ? Type::integer(8, false) : key_type;
  std::vector<Type> fields;
  if (key_type.is_tuple())
    fields = key_type.fields;
  else
    fields.push_back(key_type);
  fields.push_back(Type::integer(8, false));
  return Type::tuple(fields);
}

int MapInfo::bpf_key_size() const { return bpf_key_type().size; }

int MapInfo::bpf_value_size() const {
  switch (value_type.kind) {
  case TypeKind::Min:
  case TypeKind::Max:
  case TypeKind::Avg:
  case TypeKind::Stats:
    return 16; // {value, set} or {count, total}
  case TypeKind::Tseries:
    return 32; // {interval number, value, count, last update}, see compile_tseries.cpp
  case TypeKind::Count:
  case TypeKind::Sum:
  case TypeKind::Hist:
  case TypeKind::Lhist:
    return 8;
  default:
    return value_type.size;
  }
}

Type type_from_name(const std::string &name) {
  static const std::map<std::string, Type> names = {
      {"uint8", Type::integer(1, false)},  {"uint16", Type::integer(2, false)},
      {"uint32", Type::integer(4, false)}, {"uint64", Type::integer(8, false)},
      {"int8", Type::integer(1, true)},    {"int16", Type::integer(2, true)},
      {"int32", Type::integer(4, true)},   {"int64", Type::integer(8, true)},
      {"u8", Type::integer(1, false)},     {"u16", Type::integer(2, false)},
      {"u32", Type::integer(4, false)},    {"u64", Type::integer(8, false)},
      {"s8", Type::integer(1, true)},      {"s16", Type::integer(2, true)},
      {"s32", Type::integer(4, true)},     {"s64", Type::integer(8, true)},
      {"bool", Type::boolean()},
  };
  auto it = names.find(name);
  if (it != names.end())
    return it->second;
  // string[N]
  if (name.rfind("string[", 0) == 0 && name.back() == ']') {
    int n = std::atoi(name.substr(7, name.size() - 8).c_str());
    if (n > 0)
      return Type::string(n);
  }
  return Type::none();
}

namespace {

bool is_aggregation_call(const std::string &name) {
  static const std::set<std::string> names = {"count", "sum",  "avg",   "min",    "max",
                                              "stats", "hist", "lhist", "tseries"};
  return names.count(name) > 0;
}

// The storage form of a value: integers widen to 64 bits so that one map or variable can hold
// any integer assigned to it; strings keep their size (unified to the largest later).
Type storage_type(const Type &t) {
  if (t.kind == TypeKind::Integer) {
    if (t.is_pointer)
      return t;
    Type wide = Type::integer(8, t.is_signed);
    wide.enum_names = t.enum_names; // an enum value still prints by name
    return wide;
  }
  if (t.kind == TypeKind::Tuple) {
    std::vector<Type> fields;
    for (auto &f : t.fields)
      fields.push_back(storage_type(f));
    return t.with_fields(fields);
  }
  return t;
}

// Widens `into` so that it can also hold `t` (same kind already checked). Returns true when
// `into` changed.
bool unify_into(Type &into, const Type &t) {
  if (into.kind == TypeKind::String && t.size > into.size) {
    into.size = t.size;
    return true;
  }
  if (into.kind == TypeKind::Tuple && into.fields.size() == t.fields.size()) {
    bool changed = false;
    std::vector<Type> fields = into.fields;
    for (size_t i = 0; i < fields.size(); i++) {
      // A record's fields pair up by name (same_kind checked that every name is there).
      int j = into.is_named_record() ? t.field_index(into.field_names[i]) : static_cast<int>(i);
      if (j >= 0)
        changed |= unify_into(fields[i], t.fields[j]);
    }
    if (changed)
      into = into.with_fields(fields);
    return changed;
  }
  return false;
}

// A literal's type, as bpftrace v0.26 really types it: the smallest signed type holding it (`1`
// is an int8: v0.26 prints "map already has a type 'int8'" after `@x = 1`, see
// shared/reference), uint64 only above INT64_MAX; a negated literal gets the smallest signed
// one (`-1` is an int8, `-1000` an int16). Newer bpftrace docs call `1` a uint8; v0.26 does not.
Type smallest_integer_for(uint64_t v) {
  for (int bytes : {1, 2, 4, 8})
    if (v <= (uint64_t{1} << (bytes * 8 - 1)) - 1)
      return Type::integer(bytes, true);
  return Type::integer(8, false);
}

Type smallest_integer_for_negated(uint64_t magnitude) {
  for (int bytes : {1, 2, 4})
    if (magnitude <= uint64_t{1} << (bytes * 8 - 1))
      return Type::integer(bytes, true);
  return Type::integer(8, true);
}

bool parse_integer_param(const std::string &s, int64_t &out) {
  if (s.empty())
    return false;
  char *end = nullptr;
  errno = 0;
  long long v = std::strtoll(s.c_str(), &end, 0);
  if (errno || *end)
    return false;
  out = v;
  return true;
}

class Analyser : public StdlibAnalyser {
public:
  Analyser(ProgramInfo &info, const SemanticOptions &opts, Diagnostics &diags, TypeResolver *types)
      : info_(info), opts_(opts), diags_(diags),
        types_(types, [this](const SourceRange &loc, const std::string &msg,
                             const std::string &hint) { error(loc, msg, hint); }) {}

  static constexpr int kMaxExprDepth = 256;
  // Variables of the current probe declared `string[N]` / `buffer[N]` (by storage name): their
  // size is fixed.
  std::set<std::string> sized_vars_;
  // Integer variables declared `let $x: TYPE` (by storage name): they keep TYPE.
  std::set<std::string> fixed_int_vars_;
  // Integer variables (by storage name), map values and map keys (by map name and key index)
  // whose type so far came only from positive literals: sign-flexible (int_promotion.h), they
  // take an unsigned type they meet silently. Maps keep theirs across rounds, as their types.
  std::set<std::string> flexible_vars_;
  std::set<std::string> flexible_map_values_;
  std::set<std::pair<std::string, size_t>> flexible_map_keys_;
  int expr_depth_ = 0;
  bool depth_reported_ = false;

  // The first round only learns the types of maps (a probe may read a map that a later probe
  // assigns); the second reports errors and records resources.
  void run(Program &program, bool reporting) {
    reporting_ = reporting;
    function_names_ = program.function_names;
    if (reporting) {
      info_.printfs.clear();
      info_.map_prints.clear();
      info_.value_prints.clear();
      info_.time_formats.clear();
    }
    for (size_t i = 0; i < program.probes.size(); i++) {
      probe_ = &info_.probes[i];
      learned_vars_ = probe_->variables;
      probe_->variables.clear();
      sized_vars_.clear();
      fixed_int_vars_.clear();
      flexible_vars_.clear();
      probe_->call_locals.clear();
      scopes_.reset();
      probe_->program_per_target = false;
      Probe &p = *program.probes[i];
      if (p.predicate) {
        Type t = expr(*p.predicate);
        if (!t.is_none() && !t.is_integer())
          error(p.predicate->loc, "Invalid type for predicate: " + t.name());
      }
      block(*p.body);
    }
  }

private:
  void error(const SourceRange &loc, const std::string &msg,
             const std::string &hint = "") override {
    if (reporting_)
      diags_.error(loc, msg, hint);
  }

  void block(Block &b) {
    scopes_.push();
    for (auto &s : b.stmts)
      stmt(*s);
    scopes_.pop();
  }

  void stmt(Stmt &s) {
    switch (s.kind) {
    case StmtKind::Expr: {
      auto &es = static_cast<ExprStmt &>(s);
      if (es.expr->kind == ExprKind::Call) {
        auto &c = static_cast<Call &>(*es.expr);
        if (is_aggregation_call(c.name)) {
          error(c.loc, c.name + "() must be assigned directly to a map",
                "write @name = " + c.name + "(...);");
          return;
        }
      }
      statement_call_ = es.expr.get();
      expr(*es.expr);
      statement_call_ = nullptr;
      break;
    }
    case StmtKind::AssignMap:
      assign_map(static_cast<AssignMap &>(s));
      break;
    case StmtKind::AssignVar:
      assign_var(static_cast<AssignVar &>(s));
      break;
    case StmtKind::If: {
      auto &i = static_cast<If &>(s);
      Type t = expr(*i.cond);
      if (!t.is_none() && !t.is_integer())
        error(i.cond->loc, "Invalid condition in if(): " + t.name());
      prune_compile_time_branch(i);
      block(*i.then_block);
      if (i.else_block)
        block(*i.else_block);
      break;
    }
    case StmtKind::Block:
      block(static_cast<Block &>(s));
      break;
    case StmtKind::While: {
      auto &w = static_cast<While &>(s);
      Type t = expr(*w.cond);
      if (!t.is_none() && !t.is_integer())
        error(w.cond->loc, "Invalid condition in while(): " + t.name());
      loop_depth_++;
      block(*w.body);
      loop_depth_--;
      break;
    }
    case StmtKind::Unroll: {
      auto &u = static_cast<Unroll &>(s);
      int64_t n;
      if (!constant_integer(*u.count, n)) {
        error(u.count->loc, "unroll() expects a constant integer count");
      } else if (n < 1 || n > 100) {
        error(u.count->loc, std::string("unroll ") +
                                (n < 1 ? "minimum value is 1" : "maximum value is 100") + " (" +
                                std::to_string(n) + " given)");
      }
      // break and continue would leave an unrolled body, not a loop: not allowed inside.
      int saved = loop_depth_;
      loop_depth_ = 0;
      block(*u.body);
      loop_depth_ = saved;
      break;
    }
    case StmtKind::For:
      for_stmt(static_cast<For &>(s));
      break;
    case StmtKind::Jump: {
      auto &j = static_cast<Jump &>(s);
      if (j.value)
        return_value(j);
      if (j.jump != JumpKind::Return && loop_depth_ == 0)
        error(j.loc, std::string(j.jump == JumpKind::Break ? "break" : "continue") +
                         " used outside of a loop");
      break;
    }
    }
  }

  // A call of a user-defined function, inlined (function_inline.h): the parameter bindings,
  // then the body, whose `return value` statements give the result.
  Type function_call(BlockExpr &b) {
    const FunctionSignature &sig = *b.function;
    std::set<std::string> before;
    for (auto &[storage, t] : probe_->variables)
      before.insert(storage);
    scopes_.push();
    for (size_t i = 0; i < sig.params.size() && i < b.body->stmts.size(); i++) {
      auto &bind = static_cast<AssignVar &>(*b.body->stmts[i]);
      const auto &param = sig.params[i];
      bool is_string = is_string_type(param.type_name);
      // An integer parameter's argument comes wrapped in a cast to the parameter's type.
      Expr &arg = is_string ? *bind.value : *static_cast<Cast &>(*bind.value).operand;
      Type given = expr(arg);
      // `string` takes the argument's size; `string[N]` is N bytes (longer arguments are cut).
      Type wanted = param.type_name == "string" ? given : type_from_name(param.type_name);
      if (!given.is_none() && (is_string ? !given.is_string() : !given.is_integer())) {
        error(arg.loc,
              "Function '" + sig.name + "' expects " + param.type_name + " for parameter " +
                  param.name + ", not " + given.name(),
              "parameter declared at " + where_declared(param.type_range));
        wanted = Type::none();
      }
      std::string storage = scopes_.declare(bind.var->name);
      bind.var->storage = storage;
      if (wanted.is_none()) // reported (or untyped): the declared type keeps the body checkable
        wanted = param.type_name == "string" ? Type::string(1) : type_from_name(param.type_name);
      bind.value->type = wanted;
      Type stored = storage_type(wanted);
      probe_->variables[storage] = stored;
      bind.var->type = stored;
    }
    functions_.push_back({&sig, 0});
    int saved_loops = loop_depth_;
    loop_depth_ = 0; // break/continue cannot leave the function (function_inline.cpp checks)
    for (size_t i = sig.params.size(); i < b.body->stmts.size(); i++)
      stmt(*b.body->stmts[i]);
    loop_depth_ = saved_loops;
    int string_size = functions_.back().string_size;
    functions_.pop_back();
    scopes_.pop();
    b.locals.clear();
    for (auto &[storage, t] : probe_->variables)
      if (!before.count(storage)) {
        b.locals.push_back(storage);
        probe_->call_locals.insert(storage);
      }
    if (sig.return_type == "void")
      return Type::none();
    if (sig.return_type == "string")
      return Type::string(std::max(string_size, 1));
    return type_from_name(sig.return_type);
  }

  // "Did you mean" among the script's functions and the library's most used ones.
  std::string unknown_function_hint(const std::string &name) const {
    std::vector<std::string> names = function_names_;
    for (const char *n :
         {"printf", "print",   "str",  "exit",   "count",   "sum",      "avg",    "min",
          "max",    "stats",   "hist", "lhist",  "delete",  "clear",    "zero",   "time",
          "join",   "ksym",    "usym", "kstack", "ustack",  "strftime", "system", "cat",
          "signal", "strncmp", "buf",  "ntop",   "has_key", "len",      "errorf"})
      names.push_back(n);
    std::string best = closest_name(name, names);
    return best.empty() ? "" : "Did you mean '" + best + "'?";
  }

  // `return value;` in a function body.
  void return_value(Jump &j) {
    Type t = expr(*j.value);
    if (functions_.empty()) {
      error(j.loc, "return with a value is only allowed in a function",
            "a probe's `return` ends the probe and takes no value");
      return;
    }
    auto &f = functions_.back();
    const std::string &rt = f.sig->return_type;
    if (t.is_none() || rt == "void")
      return;
    bool fits = is_string_type(rt) ? t.is_string() : t.is_integer();
    if (!fits) {
      error(j.value->loc,
            "Function '" + f.sig->name + "' is of type " + rt + ", cannot return " + t.name());
      return;
    }
    if (t.is_string())
      f.string_size = std::max(f.string_size, t.size);
  }

  std::string where_declared(const SourceRange &r) const {
    return "line " + std::to_string(r.begin_line) + ", column " + std::to_string(r.begin_col);
  }

  // The aggregations a `for` loop can iterate over: one number per key once the CPUs' values
  // are combined.
  static bool reducible_aggregation(const Type &t) {
    return t.kind == TypeKind::Count || t.kind == TypeKind::Sum || t.kind == TypeKind::Min ||
           t.kind == TypeKind::Max || t.kind == TypeKind::Avg;
  }

  // `if (is_str($x)) {...} else {...}`: only the branch taken is kept (and checked), so the
  // other may do what $x's type does not allow.
  void prune_compile_time_branch(If &i) {
    if (!mentions_compile_time_query(*i.cond))
      return;
    std::optional<int64_t> taken = compile_time_value(*i.cond);
    if (!taken)
      return;
    if (*taken)
      i.else_block.reset();
    else
      i.then_block->stmts.clear();
  }

  // `for ($i : a..b)` and `for ($kv : @map)`. The loop variable exists only in the body and must
  // not shadow a variable in scope (bpftrace's rule).
  void for_stmt(For &f) {
    const std::string &name = f.var->name;
    if (!scopes_.resolve(name).empty())
      error(f.var->loc, "Loop declaration shadows existing variable: " + name);
    Type var_type;
    if (f.map) {
      MapInfo *mi = find_map(f.map->name);
      if (!mi) {
        error(f.map->loc, "Undefined map: " + f.map->name);
      } else if (mi->value_type.is_aggregation() && !reducible_aggregation(mi->value_type)) {
        // As bpftrace v0.26: a value that is several numbers (stats) or buckets has no single
        // value to give the loop.
        error(f.map->loc, "Loop expression does not support type: " + mi->value_type.name(),
              "iterate over a map of plain values, or of count(), sum(), min(), max() or avg()");
      } else if (mi->key_known && mi->keyless()) {
        error(f.map->loc, "Maps used as for-loop expressions must have keys to iterate over");
      } else if (!mi->value_type.is_none() && !mi->key_type.is_none()) {
        // count(), sum(), min(), max() and avg() give `$kv.1` as an integer: the value of all
        // CPUs combined (compile_for.cpp).
        Type value = mi->value_type;
        if (value.is_aggregation())
          value = Type::integer(8, value.kind != TypeKind::Count && value.is_signed);
        var_type = Type::tuple({mi->key_type, value});
      }
    } else {
      Type start = expr(*f.start), end = expr(*f.end);
      if (!start.is_none() && !start.is_integer())
        error(f.start->loc,
              "Loop range requires an integer for the start value, not " + start.name());
      if (!end.is_none() && !end.is_integer())
        error(f.end->loc, "Loop range requires an integer for the end value, not " + end.name());
      var_type = Type::integer(8, true);
    }
    scopes_.push();
    f.var->storage = scopes_.declare(name);
    if (!var_type.is_none()) {
      probe_->variables[f.var->storage] = var_type;
      f.var->type = var_type;
    }
    loop_depth_++;
    block(*f.body);
    loop_depth_--;
    scopes_.pop();
  }

  // ------------------------------------------------------------------ maps

  MapInfo *find_map(const std::string &name) {
    auto it = info_.map_ids.find(name);
    return it == info_.map_ids.end() ? nullptr : &info_.maps[it->second];
  }

  MapInfo &get_or_create_map(const Map &m) {
    if (MapInfo *found = find_map(m.name))
      return *found;
    MapInfo mi;
    mi.name = m.name;
    mi.id = static_cast<int>(info_.maps.size());
    mi.first_use = m.loc;
    info_.map_ids[m.name] = mi.id;
    info_.maps.push_back(mi);
    return info_.maps.back();
  }

  // Types the keys of `m` and reconciles them with the map's key type.
  void map_keys(Map &m, MapInfo &mi) {
    std::vector<Type> key_types, logical_types;
    for (auto &k : m.keys) {
      Type t = expr(*k);
      if (t.is_none())
        return;
      if (!t.is_integer() && !t.is_string() && !t.is_tuple() && t.kind != TypeKind::Stack &&
          !t.is_user_resolved() && t.kind != TypeKind::Usym && t.kind != TypeKind::Buffer &&
          t.kind != TypeKind::Resolved) {
        error(k->loc, "Invalid map key type: " + t.name());
        return;
      }
      key_types.push_back(storage_type(t));
      logical_types.push_back(t);
    }
    auto combine = [](const std::vector<Type> &types) {
      return types.empty() ? Type::none() : types.size() == 1 ? types[0] : Type::tuple(types);
    };
    Type key = combine(key_types), logical = combine(logical_types);
    if (mi.key_type.is_none() && !mi.key_known) {
      mi.key_type = key;
      mi.key_logical = holds_integers(logical) ? logical : Type::none();
      mi.key_known = true;
      for (size_t i = 0; i < m.keys.size(); i++)
        if (logical_types[i].kind == TypeKind::Integer && logical_types[i].is_signed &&
            flexible_expr(m.keys[i].get()))
          flexible_map_keys_.insert({m.name, i});
      return;
    }
    Type expected = mi.key_logical.is_none() ? mi.key_type : mi.key_logical;
    auto mismatch = [&] {
      error(m.loc, "Argument mismatch for " + m.name + ": trying to access with arguments: [" +
                       describe_keys(logical) + "] when map expects arguments: [" +
                       describe_keys(expected) + "]");
    };
    if (!mi.key_type.same_kind(key)) {
      mismatch();
      return;
    }
    if (holds_integers(logical)) {
      // The key type grows to hold every key used (v0.26); a uint64 meeting a signed type makes
      // an int64 key, with a warning.
      Type merged = expected;
      std::vector<IntCast> casts;
      auto merge_key = [&](Type &slot, const Type &t, size_t i) {
        std::pair<std::string, size_t> flex_key{m.name, i};
        bool slot_flexible = flexible_map_keys_.count(flex_key) > 0;
        bool value_flexible = flexible_expr(m.keys[i].get());
        merge_integers(slot, t, m.keys[i].get(), &casts, slot_flexible, value_flexible);
        if (!(slot_flexible && value_flexible && slot.kind == TypeKind::Integer && slot.is_signed))
          flexible_map_keys_.erase(flex_key);
      };
      if (m.keys.size() == 1) {
        merge_key(merged, logical, 0);
      } else if (merged.kind == TypeKind::Tuple && merged.fields.size() == m.keys.size()) {
        std::vector<Type> fields = merged.fields;
        for (size_t i = 0; i < fields.size(); i++)
          merge_key(fields[i], logical.fields[i], i);
        merged = Type::tuple(fields);
      }
      warn_casts(casts, m.loc, "keys of " + m.name);
      mi.key_logical = merged;
      sign_storage_like(mi.key_type, merged);
    }
    unify_into(mi.key_type, key);
  }

  static std::string describe_keys(const Type &key) {
    if (key.is_none())
      return "";
    if (!key.is_tuple())
      return key.name();
    std::string s;
    for (size_t i = 0; i < key.fields.size(); i++)
      s += (i ? ", " : "") + key.fields[i].name();
    return s;
  }

  Type aggregation_value(Call &c) {
    auto want_args = [&](size_t n) {
      if (c.args.size() != n) {
        error(c.loc, c.name + "() requires " + std::to_string(n) + " argument" +
                         (n == 1 ? "" : "s") + " (" + std::to_string(c.args.size()) + " provided)");
        return false;
      }
      return true;
    };
    static const std::map<std::string, TypeKind> kinds = {
        {"count", TypeKind::Count}, {"sum", TypeKind::Sum},    {"avg", TypeKind::Avg},
        {"min", TypeKind::Min},     {"max", TypeKind::Max},    {"stats", TypeKind::Stats},
        {"hist", TypeKind::Hist},   {"lhist", TypeKind::Lhist}};
    if (c.name == "tseries")
      return check_tseries(c, *this);
    TypeKind kind = kinds.at(c.name);
    size_t nargs = kind == TypeKind::Count ? 0 : kind == TypeKind::Lhist ? 4 : 1;
    int64_t hist_bits = 0;
    if (kind == TypeKind::Hist && c.args.size() == 2) {
      nargs = 2; // hist(x, bits): 2^bits buckets per power of two
      if (!constant_integer(*c.args[1], hist_bits) || hist_bits < 0 || hist_bits > 5) {
        error(c.args[1]->loc, "hist() bits must be a constant from 0 to 5");
        return Type::none();
      }
    }
    if (!want_args(nargs))
      return Type::none();
    bool is_signed = true;
    for (size_t i = 0; i < c.args.size(); i++) {
      Type t = expr(*c.args[i]);
      if (!t.is_none() && !t.is_integer()) {
        error(c.args[i]->loc,
              c.name + "() only supports integer arguments (" + t.name() + " provided)");
        return Type::none();
      }
      if (i == 0)
        is_signed = t.is_signed || t.kind == TypeKind::Boolean;
    }
    Type result = Type::aggregation(kind, is_signed);
    result.hist_bits = static_cast<int>(hist_bits);
    if (kind == TypeKind::Lhist) {
      int64_t bounds[3];
      for (int i = 0; i < 3; i++) {
        if (!constant_integer(*c.args[i + 1], bounds[i])) {
          error(c.args[i + 1]->loc, "lhist() expects a constant integer here");
          return Type::none();
        }
      }
      if (bounds[2] <= 0) {
        error(c.args[3]->loc,
              "lhist() step must be >= 1 (" + std::to_string(bounds[2]) + " provided)");
        return Type::none();
      }
      if (bounds[1] <= bounds[0]) {
        error(c.loc, "lhist() max must be greater than min (min " + std::to_string(bounds[0]) +
                         ", max " + std::to_string(bounds[1]) + ")");
        return Type::none();
      }
      // In 128 bits: max - min may not fit in 64.
      __int128 buckets = (static_cast<__int128>(bounds[1]) - bounds[0]) / bounds[2];
      if (buckets > 1000) {
        error(c.loc,
              "lhist() too many buckets, must be <= 1000 (" +
                  (buckets > INT64_MAX ? std::string("more than 2^63")
                                       : std::to_string(static_cast<int64_t>(buckets))) +
                  " requested)",
              "use a larger step");
        return Type::none();
      }
      result.lhist_min = bounds[0];
      result.lhist_max = bounds[1];
      result.lhist_step = bounds[2];
    }
    return result;
  }

  bool constant_integer(const Expr &e, int64_t &out) override {
    if (e.kind == ExprKind::Integer) {
      out = static_cast<int64_t>(static_cast<const IntegerLit &>(e).value);
      return true;
    }
    if (e.kind == ExprKind::Unary) {
      auto &u = static_cast<const Unary &>(e);
      if (u.op == UnaryOp::Neg && constant_integer(*u.operand, out)) {
        if (out == INT64_MIN)
          return false; // -(-2^63) does not fit
        out = -out;
        return true;
      }
    }
    if (e.kind == ExprKind::Positional) {
      auto &p = static_cast<const Positional &>(e);
      if (p.is_count) {
        out = static_cast<int64_t>(info_.positional_params.size());
        return true;
      }
      if (p.index >= 1 && static_cast<size_t>(p.index) <= info_.positional_params.size())
        return parse_integer_param(info_.positional_params[p.index - 1], out);
    }
    return false;
  }

  // A constant index may be computed: `(1, "a")[1 - 1]`.
  bool constant_index(const Expr &e, int64_t &out) {
    if (e.kind != ExprKind::Binary)
      return constant_integer(e, out);
    auto &b = static_cast<const Binary &>(e);
    int64_t l, r;
    if (!constant_index(*b.lhs, l) || !constant_index(*b.rhs, r))
      return false;
    switch (b.op) {
    case BinaryOp::Add:
      return !__builtin_add_overflow(l, r, &out);
    case BinaryOp::Sub:
      return !__builtin_sub_overflow(l, r, &out);
    case BinaryOp::Mul:
      return !__builtin_mul_overflow(l, r, &out);
    default:
      return false;
    }
  }

  void assign_map(AssignMap &a) {
    MapInfo &mi0 = get_or_create_map(*a.map);
    int id = mi0.id;
    map_keys(*a.map, info_.maps[id]);
    Type value;
    if (a.value->kind == ExprKind::Call &&
        is_aggregation_call(static_cast<Call &>(*a.value).name)) {
      if (a.compound) {
        error(a.loc, "Aggregations cannot be used with compound assignment");
        return;
      }
      value = aggregation_value(static_cast<Call &>(*a.value));
      a.value->type = value;
    } else {
      value = expr(*a.value);
      if (a.compound)
        value = compound_result(a.op, a.map->loc, map_value_type(info_.maps[id]), *a.value, value,
                                a.loc);
    }
    if (value.is_none())
      return;
    if (value.kind == TypeKind::Context) {
      error(a.value->loc, "args cannot be assigned to a map", "assign a field: args.NAME");
      return;
    }
    if (!storable(value, a.value->loc))
      return;
    MapInfo &mi = info_.maps[id];
    a.map->type = mi.value_type;
    Type stored = storage_type(value.kind == TypeKind::Boolean ? value : value);
    bool value_flexible = !a.compound && value.kind == TypeKind::Integer && value.is_signed &&
                          flexible_expr(a.value.get());
    if (mi.value_type.is_none()) {
      mi.value_type = stored;
      mi.value_logical = holds_integers(value) ? value : Type::none();
      mi.declared_name = value.name();
      a.map->type = stored;
      if (value_flexible)
        flexible_map_values_.insert(mi.name);
      return;
    }
    if (mi.value_type.kind == TypeKind::Lhist && stored.kind == TypeKind::Lhist &&
        mi.value_type != stored) {
      error(a.loc, "Different lhist bounds in a single map are not supported (" + mi.name +
                       " already has min " + std::to_string(mi.value_type.lhist_min) + ", max " +
                       std::to_string(mi.value_type.lhist_max) + ", step " +
                       std::to_string(mi.value_type.lhist_step) + ")");
      return;
    }
    if (mi.value_type.kind == TypeKind::Hist && stored.kind == TypeKind::Hist &&
        mi.value_type.hist_bits != stored.hist_bits) {
      error(a.loc, "Different bits in a single hist map are not supported (" + mi.name +
                       " already has " + std::to_string(mi.value_type.hist_bits) + " bits)");
      return;
    }
    auto mismatch = [&] {
      error(a.loc, "Type mismatch for " + mi.name + ": trying to assign value of type '" +
                       value.name() + "' when map already has a type '" + mi.declared_name + "'");
    };
    if (!mi.value_type.same_kind(stored)) {
      mismatch();
      return;
    }
    // An aggregation of any signed value (`@m = max(3); @m = max(-4)`) compares signed.
    if (mi.value_type.is_aggregation() && stored.is_signed)
      mi.value_type.is_signed = true;
    if (holds_integers(value)) {
      // The value type grows to hold every value stored (v0.26); a uint64 meeting a signed type
      // makes an int64, with a warning.
      Type merged = mi.value_logical.is_none() ? mi.value_type : mi.value_logical;
      bool slot_flexible = flexible_map_values_.count(mi.name) > 0;
      std::vector<IntCast> casts;
      merge_integers(merged, value, a.compound ? nullptr : a.value.get(), &casts, slot_flexible,
                     value_flexible);
      warn_casts(casts, a.value->loc, "values of " + mi.name);
      if (!(slot_flexible && value_flexible && merged.is_signed))
        flexible_map_values_.erase(mi.name);
      mi.value_logical = merged;
      mi.declared_name = merged.name();
      sign_storage_like(mi.value_type, merged);
    }
    unify_into(mi.value_type, stored);
    a.map->type = mi.value_type;
  }

  Type compound_result(BinaryOp op, const SourceRange &, const Type &current,
                       const Expr &value_expr, const Type &value, const SourceRange &loc) {
    if (current.is_none() || value.is_none())
      return value;
    if (!current.is_integer() || !value.is_integer()) {
      error(loc, std::string("Compound assignment ") + binary_op_spelling(op) +
                     "= requires integer operands (" + current.name() + " and " + value.name() +
                     ")");
      return Type::none();
    }
    return arithmetic_result(op, current, nullptr, value, &value_expr, loc);
  }

  void assign_var(AssignVar &a) {
    const std::string &name = a.var->name;
    Type value = a.value ? expr(*a.value) : Type::none(); // `let $x = $x` reads an outer $x
    std::string storage = scopes_.resolve(name);
    if (a.declaration) {
      if (!storage.empty())
        error(a.var->loc,
              "Variable " + name + " was already declared. Variable shadowing is not allowed.");
      storage = scopes_.declare(name);
    } else if (storage.empty()) {
      if (a.compound) {
        error(a.var->loc, "Undefined or undeclared variable: " + name);
        return;
      }
      storage = scopes_.declare(name);
    }
    a.var->storage = storage;
    if (!a.declared_type.empty()) {
      sized_declaration(a, value);
      return;
    }
    if (!a.value)
      return;
    auto it = probe_->variables.find(storage);
    if (a.compound) {
      if (it == probe_->variables.end()) {
        error(a.var->loc, "Undefined or undeclared variable: " + name);
        return;
      }
      value = compound_result(a.op, a.var->loc, it->second, *a.value, value, a.loc);
    }
    if (value.is_none())
      return;
    if (value.kind == TypeKind::Context) {
      error(a.value->loc, "args cannot be assigned to a variable", "assign a field: args.NAME");
      return;
    }
    if (!storable(value, a.value->loc))
      return;
    // Variables keep their values' own integer types (their slots are 8 bytes wide anyway).
    Type stored = value;
    if (it == probe_->variables.end()) {
      // Start from the type the previous round learned, so that reads before a later, wider
      // assignment (`$a = 1; print($a); $a = -1000;`) see the final type.
      auto learned = learned_vars_.find(storage);
      if (learned != learned_vars_.end() && learned->second.kind == TypeKind::Integer &&
          value.kind == TypeKind::Integer) {
        Type seeded = learned->second;
        std::vector<IntCast> casts;
        merge_integers(seeded, value, a.compound ? nullptr : a.value.get(), &casts);
        warn_casts(casts, a.value->loc, "values of " + name);
        stored = seeded;
      }
      probe_->variables[storage] = stored;
      a.var->type = stored;
      if (a.declaration && a.type_annotated && stored.kind == TypeKind::Integer) {
        fixed_int_vars_.insert(storage);
        warn_declaration_cast(*a.value);
      } else if (!a.compound && stored.kind == TypeKind::Integer && stored.is_signed &&
                 flexible_expr(a.value.get())) {
        flexible_vars_.insert(storage);
      }
      return;
    }
    if (fixed_int_vars_.count(storage) && it->second.kind == TypeKind::Integer &&
        value.kind == TypeKind::Integer) {
      // A declared integer type stays: every value is cast to it. A literal must fit; another
      // integer whose type may not fit is cast with a warning (v0.26, PR #5148). `+=` and `++`
      // wrap at its width, as in C.
      if (!a.compound) {
        auto literal = literal_of(a.value.get());
        auto fits =
            upcast_for_assignment(it->second, value, literal, false, flexible_expr(a.value.get()));
        if (!fits || fits->size != it->second.size || fits->is_signed != it->second.is_signed) {
          if (literal) {
            error(a.loc, "Type mismatch for " + a.var->name + ": trying to assign value of type '" +
                             value.name() + "' when variable already has a type '" +
                             it->second.name() + "'");
            return;
          }
          if (reporting_)
            diags_.warning(a.value->loc, "implicit cast from '" + value.name() + "' to '" +
                                             it->second.name() + "' may change the value");
        }
      }
      a.var->type = it->second;
      return;
    }
    if (sized_vars_.count(storage)) { // its declared size stays; the value must fit in it
      if (!fits_declared(it->second, value))
        error(a.loc, "Type mismatch for " + a.var->name + ": trying to assign value of type '" +
                         value.name() + "' when variable already has a type '" + it->second.name() +
                         "'");
      a.var->type = it->second;
      return;
    }
    auto mismatch = [&] {
      error(a.loc, "Type mismatch for " + a.var->name + ": trying to assign value of type '" +
                       value.name() + "' when variable already contains a value of type '" +
                       it->second.name() + "'");
    };
    if (!it->second.same_kind(stored)) {
      mismatch();
      return;
    }
    // Integers grow to hold every value assigned (v0.26); a uint64 meeting a signed type makes
    // an int64, with a warning.
    if (holds_integers(value)) {
      bool slot_flexible = flexible_vars_.count(storage) > 0;
      bool value_flexible = !a.compound && flexible_expr(a.value.get());
      std::vector<IntCast> casts;
      merge_integers(it->second, value, a.compound ? nullptr : a.value.get(), &casts, slot_flexible,
                     value_flexible);
      warn_casts(casts, a.value->loc, "values of " + name);
      if (!(slot_flexible && value_flexible && it->second.kind == TypeKind::Integer &&
            it->second.is_signed))
        flexible_vars_.erase(storage);
    }
    if (unify_into(it->second, stored))
      retype_needed_ = true;
    a.var->type = it->second;
  }

  // `let $x: string[N] [= v]` and `let $b: buffer[N] [= v]`: the variable has exactly that type
  // for the rest of its life (later values are not widened into it), and every value assigned
  // must fit: a string of at most N bytes with its NUL, a buffer of at most N bytes.
  void sized_declaration(AssignVar &a, const Type &value) {
    const std::string &t = a.declared_type;
    size_t open = t.find('[');
    std::string base = t.substr(0, open);
    unsigned long long n = std::strtoull(t.c_str() + open + 1, nullptr, 10);
    if (base != "string" && base != "buffer") {
      error(a.declared_loc, "Invalid type annotation: " + t,
            "sized annotations are string[N] and buffer[N]; integers are written uint8 ... int64");
      return;
    }
    if (n < 1 || n > kMaxStringLiteral) {
      error(a.declared_loc, "Invalid size for " + base + ": " + std::to_string(n) +
                                " (it must be from 1 to " + std::to_string(kMaxStringLiteral) +
                                ")");
      return;
    }
    Type declared =
        base == "string" ? Type::string(static_cast<int>(n)) : Type::buffer(static_cast<int>(n));
    if (a.value && !value.is_none() && !fits_declared(declared, value)) {
      error(a.loc, "Type mismatch for " + a.var->name + ": trying to assign value of type '" +
                       value.name() + "' when variable already has a type '" + declared.name() +
                       "'");
      return;
    }
    probe_->variables[a.var->storage] = declared;
    sized_vars_.insert(a.var->storage);
    a.var->type = declared;
  }

  // Whether `value` may be stored in a variable declared `declared` (string[N] or buffer[N]).
  static bool fits_declared(const Type &declared, const Type &value) {
    if (declared.kind != value.kind)
      return false;
    return value.size <= declared.size;
  }

  // Struct and array values live in kernel memory and are only read member by member.
  // (Their members are filled in here, for printing.)
  bool storable(Type &t, const SourceRange &loc) {
    if (!t.is_record() && !t.is_array())
      return true;
    return types_.make_whole(t, loc);
  }

  // ------------------------------------------------------------------ expressions

  static std::optional<IntLiteral> literal_of(const Expr *e) {
    return e ? integer_literal_of(*e) : std::nullopt;
  }

  // Whether `e` is sign-flexible (int_promotion.h): a positive literal, or a read of a variable
  // or map value whose type so far came only from positive literals.
  bool flexible_expr(const Expr *e) const {
    if (!e)
      return false;
    if (sign_flexible(integer_literal_of(*e)))
      return true;
    if (e->kind == ExprKind::Variable)
      return flexible_vars_.count(static_cast<const Variable &>(*e).storage) > 0;
    if (e->kind == ExprKind::Map)
      return flexible_map_values_.count(static_cast<const Map &>(*e).name) > 0;
    return false;
  }

  // Warns, at the value cast, about the implicit casts merge_integers inserted (a uint64 taken
  // as an int64); `what` names the slot's earlier contents ("values of $a").
  void warn_casts(const std::vector<IntCast> &casts, const SourceRange &fallback,
                  const std::string &what) {
    if (!reporting_)
      return;
    for (const IntCast &c : casts) {
      const SourceRange &loc = c.where ? c.where->loc : fallback;
      if (c.earlier)
        diags_.warning(loc, "implicit cast of the earlier '" + c.from.name() + "' " + what +
                                " to '" + c.to.name() + "' may change them");
      else
        diags_.warning(loc, "implicit cast from '" + c.from.name() + "' to '" + c.to.name() +
                                "' may change the value");
    }
  }

  // `let $x: TYPE = v` is `$x = (TYPE)v`: warns when v's integer type may not fit in TYPE.
  void warn_declaration_cast(const Expr &value) {
    if (!reporting_ || value.kind != ExprKind::Cast)
      return;
    const Expr *operand = static_cast<const Cast &>(value).operand.get();
    if (!operand || operand->type.kind != TypeKind::Integer || value.type.kind != TypeKind::Integer)
      return;
    auto fits = upcast_for_assignment(value.type, operand->type, literal_of(operand), false,
                                      flexible_expr(operand));
    if (!fits || fits->size != value.type.size || fits->is_signed != value.type.is_signed)
      diags_.warning(operand->loc, "implicit cast from '" + operand->type.name() + "' to '" +
                                       value.type.name() + "' may change the value");
  }

  // The type integer operands meet in (int_promotion.h); warns, as bpftrace does, when there is
  // none (a uint64 against a signed integer), and then compares or computes in int64 (v0.26).
  std::optional<Type> promoted_operands(BinaryOp op, const Type &l, const Expr *le, const Type &r,
                                        const Expr *re, const SourceRange &loc) {
    auto promoted = promote_operands(l, literal_of(le), r, literal_of(re), flexible_expr(le),
                                     flexible_expr(re));
    if (!promoted && reporting_) {
      bool comparison = op == BinaryOp::Eq || op == BinaryOp::Ne || op == BinaryOp::Lt ||
                        op == BinaryOp::Le || op == BinaryOp::Gt || op == BinaryOp::Ge;
      bool arithmetic = op == BinaryOp::Add || op == BinaryOp::Sub || op == BinaryOp::Mul ||
                        op == BinaryOp::Div || op == BinaryOp::Mod;
      if (comparison || arithmetic)
        diags_.warning(loc, std::string(comparison ? "comparison of" : "arithmetic on") +
                                " integers of different signs: '" + l.name() + "' and '" +
                                r.name() + "' can lead to undefined behavior");
    }
    return promoted;
  }

  // Integer arithmetic is computed in 64-bit registers and gives a 64-bit result: signed, unless
  // the operands meet as uint64 (every narrower type fits in an int64, as C promotes to int). A
  // uint64 against a signed integer computes in int64, with a warning.
  Type arithmetic_result(BinaryOp op, const Type &l, const Expr *le, const Type &r, const Expr *re,
                         const SourceRange &loc) {
    auto promoted = promoted_operands(op, l, le, r, re, loc);
    return Type::integer(8, !promoted || promoted->is_signed || promoted->size < 8);
  }

  // The type a read of map `mi` gives: the integer type the language sees for plain integer
  // values (8-byte storage otherwise, whose layout the generated code reads).
  static Type map_value_type(const MapInfo &mi) {
    if (mi.value_type.kind == TypeKind::Integer && mi.value_logical.kind == TypeKind::Integer)
      return mi.value_logical;
    return mi.value_type;
  }

  Type expr(Expr &e) override {
    // Expressions nested thousands deep (`!!!!…`, `((((…`) would overflow the stack here and in
    // codegen, which both recurse: refuse them (reported once, at the first level too deep).
    if (expr_depth_ >= kMaxExprDepth) {
      if (!depth_reported_)
        error(e.loc, "expression nested too deeply (more than " + std::to_string(kMaxExprDepth) +
                         " levels)");
      depth_reported_ = reporting_;
      e.type = Type::none();
      return e.type;
    }
    struct DepthGuard {
      int &d;
      explicit DepthGuard(int &depth) : d(depth) { ++d; }
      ~DepthGuard() { --d; }
    } guard(expr_depth_);
    Type t = expr_inner(e);
    e.type = t;
    return t;
  }

  Type expr_inner(Expr &e) {
    switch (e.kind) {
    case ExprKind::Index: {
      // Tuples by field number, strings by byte (an int8, like C's char).
      auto &ix = static_cast<Index &>(e);
      Type base = expr(*ix.base);
      Type index_type = expr(*ix.index);
      if (base.is_none())
        return base;
      if (base.is_array() || base.is_ptr()) // kernel memory, any index (semantic_types.h)
        return index_type.is_none() ? Type::none() : types_.index(ix, base, index_type);
      if (!constant_index(*ix.index, ix.constant)) {
        error(ix.index->loc, "The index must be a constant integer");
        return Type::none();
      }
      if (base.is_tuple()) {
        if (ix.constant < 0 || static_cast<size_t>(ix.constant) >= base.fields.size()) {
          error(ix.loc, "Invalid tuple index: " + std::to_string(ix.constant) + ". Found " +
                            std::to_string(base.fields.size()) + " elements in tuple.");
          return Type::none();
        }
        return base.fields[ix.constant];
      }
      if (base.is_int_array()) {
        if (ix.constant < 0 || ix.constant >= base.array_len) {
          error(ix.loc,
                "Index " + std::to_string(ix.constant) + " is out of bounds for " + base.name());
          return Type::none();
        }
        return base.int_array_element();
      }
      if (base.is_string()) {
        if (ix.constant < 0 || ix.constant >= base.size) {
          error(ix.loc,
                "Index " + std::to_string(ix.constant) + " is out of bounds for " + base.name());
          return Type::none();
        }
        return Type::integer(1, true);
      }
      error(ix.loc, "The [] operator can not be used on expressions of type " + base.name());
      return Type::none();
    }
    case ExprKind::BlockExpr: {
      // The statements and the value share one scope, which ends with the block.
      auto &b = static_cast<BlockExpr &>(e);
      if (b.function)
        return function_call(b);
      scopes_.push();
      for (auto &s : b.body->stmts)
        stmt(*s);
      Type t = expr(*b.value);
      scopes_.pop();
      return t;
    }
    case ExprKind::Integer:
      return smallest_integer_for(static_cast<IntegerLit &>(e).value);
    case ExprKind::String: {
      size_t n = static_cast<StringLit &>(e).value.size();
      if (n > kMaxStringLiteral) {
        error(e.loc, "String is too long (over " + std::to_string(kMaxStringLiteral) + " bytes)",
              "a probe has 512 bytes of stack; keep literals short");
        return Type::none();
      }
      return Type::string(static_cast<int>(n) + 1);
    }
    case ExprKind::Builtin:
      return builtin(static_cast<Builtin &>(e));
    case ExprKind::Positional: {
      auto &p = static_cast<Positional &>(e);
      if (p.is_count)
        return Type::integer(8, true);
      if (p.index < 1 || static_cast<size_t>(p.index) > info_.positional_params.size())
        return Type::integer(8, true); // unset parameters read as 0, as in bpftrace
      int64_t v;
      const std::string &s = info_.positional_params[p.index - 1];
      if (parse_integer_param(s, v))
        return Type::integer(8, true);
      return Type::string(static_cast<int>(s.size()) + 1);
    }
    case ExprKind::Variable: {
      auto &v = static_cast<Variable &>(e);
      v.storage = scopes_.resolve(v.name);
      auto it = probe_->variables.find(v.storage);
      if (it == probe_->variables.end()) {
        error(v.loc, "Undefined or undeclared variable: " + v.name);
        return Type::none();
      }
      return it->second;
    }
    case ExprKind::Map: {
      auto &m = static_cast<Map &>(e);
      MapInfo *mi = find_map(m.name);
      if (!mi) {
        error(m.loc, "Undefined map: " + m.name);
        return Type::none();
      }
      map_keys(m, *mi);
      mi = find_map(m.name);
      if (mi->value_type.is_aggregation()) {
        error(m.loc,
              "The value of " + m.name + " (" + mi->value_type.name() +
                  ") can only be printed, not read in a probe",
              "keep a separate map of plain values to read in the probe");
        return Type::none();
      }
      return map_value_type(*mi);
    }
    case ExprKind::Call:
      return call(static_cast<Call &>(e));
    case ExprKind::Binary:
      return binary(static_cast<Binary &>(e));
    case ExprKind::Unary:
      return unary(static_cast<Unary &>(e));
    case ExprKind::Ternary: {
      auto &t = static_cast<Ternary &>(e);
      Type c = expr(*t.cond);
      Type a = expr(*t.then_expr);
      Type b = expr(*t.else_expr);
      if (c.is_none() || a.is_none() || b.is_none())
        return Type::none();
      if (!c.is_integer()) {
        error(t.cond->loc, "Invalid condition in ternary: " + c.name());
        return Type::none();
      }
      if (a.is_integer() && b.is_integer()) {
        // Both branches meet in one integer type (v0.26): an int64 for a uint64 and a signed
        // type, the uint64 branch cast with a warning.
        auto promoted = promote_operands(
            a, integer_literal_of(*t.then_expr), b, integer_literal_of(*t.else_expr),
            flexible_expr(t.then_expr.get()), flexible_expr(t.else_expr.get()));
        if (!promoted) {
          Type wide = Type::integer(8, true);
          const Expr &cast = promotion_view(a).is_signed ? *t.else_expr : *t.then_expr;
          if (reporting_)
            diags_.warning(cast.loc, "implicit cast from '" + cast.type.name() + "' to '" +
                                         wide.name() + "' may change the value");
          return wide;
        }
        return *promoted;
      }
      if (!a.same_kind(b)) {
        error(t.loc, "Ternary operator branches have different types: '" + a.name() + "' and '" +
                         b.name() + "'");
        return Type::none();
      }
      // Tuples meet field by field, as a variable assigned both would.
      Type r = a;
      if (holds_integers(b)) {
        std::vector<IntCast> casts;
        merge_integers(r, b, t.else_expr.get(), &casts);
        for (IntCast &c : casts) // the slot's "earlier values" are the other branch
          if (c.earlier)
            c = IntCast{t.then_expr.get(), false, c.from, c.to};
        warn_casts(casts, t.else_expr->loc, "");
      }
      unify_into(r, b);
      return r;
    }
    case ExprKind::Cast: {
      auto &c = static_cast<Cast &>(e);
      Type from = expr(*c.operand);
      // Names the language does not define (`pid_t`, `uint64_t`) are C type names too.
      bool c_name = TypeRules::is_c_type_name(c.type_name) ||
                    (type_from_name(c.type_name).is_none() && c.type_name != "string" &&
                     c.type_name != "void" && c.type_name.find('[') == std::string::npos);
      if (c.type_of || c_name) {
        Type to = c.type_of ? expr(*c.type_of) : types_.from_text(c.type_name, c.loc);
        if (to.is_none() || from.is_none())
          return Type::none();
        if (!from.is_integer() || !to.is_integer()) {
          error(c.loc, "Cannot cast from '" + from.name() + "' to '" + to.name() + "'");
          return Type::none();
        }
        // A cast changes what the address points to, not where: user memory stays user memory.
        if (to.is_ptr())
          to.user_memory = from.user_memory;
        if (std::string why = enum_cast_error(c, to); !why.empty()) {
          error(c.loc, why);
          return Type::none();
        }
        return to;
      }
      if (c.type_name.back() == ']' && c.type_name.rfind("string[", 0) != 0)
        return array_cast(c, from);
      Type to = type_from_name(c.type_name);
      if (c.type_name == "string" && !from.is_none()) {
        error(c.loc, "Cannot cast from '" + from.name() + "' to 'string'",
              "use str() to read a string from a pointer");
        return Type::none();
      }
      if (to.is_none()) {
        error(c.loc, "Unknown type in cast: " + c.type_name);
        return Type::none();
      }
      if (from.is_none())
        return Type::none();
      if (to.is_integer() && from.is_integer())
        return to;
      if (to.kind == TypeKind::Integer && from.is_int_array()) { // `(uint64)$bytes`
        if (from.size != to.size) {
          error(c.loc, "Cannot cast from '" + from.name() + "' to '" + to.name() +
                           "': the sizes differ (" + std::to_string(from.size) + " and " +
                           std::to_string(to.size) + " bytes)");
          return Type::none();
        }
        return to;
      }
      error(c.loc, "Cannot cast from '" + from.name() + "' to '" + to.name() + "'");
      return Type::none();
    }
    case ExprKind::Field:
      return field(static_cast<Field &>(e));
    case ExprKind::TypeQuery: {
      auto &q = static_cast<TypeQuery &>(e);
      bool outer = in_sizeof_;
      in_sizeof_ = true;
      Type operand = q.operand ? expr(*q.operand) : Type::none();
      in_sizeof_ = outer;
      return types_.query(q, operand);
    }
    case ExprKind::TupleLit: {
      auto &t = static_cast<TupleLit &>(e);
      std::vector<Type> fields;
      for (auto &el : t.elems) {
        Type ft = expr(*el);
        if (ft.is_none())
          return Type::none();
        if (ft.kind == TypeKind::Context || ft.is_aggregation()) {
          error(el->loc, std::string(t.names.empty() ? "Invalid tuple element type: "
                                                     : "Invalid record field type: ") +
                             ft.name());
          return Type::none();
        }
        // Integer fields keep their types: tuples are upcast field by field when combined.
        fields.push_back(ft);
      }
      if (t.names.empty())
        return Type::tuple(fields);
      for (size_t i = 0; i < t.names.size(); i++) {
        for (size_t j = 0; j < i; j++) {
          if (t.names[j] == t.names[i]) {
            error(t.name_locs[i], "Record has a duplicate field named '" + t.names[i] + "'");
            return Type::none();
          }
        }
      }
      return Type::named_record(fields, t.names);
    }
    case ExprKind::TupleIndex: {
      auto &t = static_cast<TupleIndex &>(e);
      Type base = expr(*t.base);
      if (base.is_none())
        return base;
      if (!base.is_tuple()) {
        error(t.loc, "Can not access index " + std::to_string(t.index) + " on a value of type '" +
                         base.name() + "'");
        return Type::none();
      }
      if (t.index < 0 || static_cast<size_t>(t.index) >= base.fields.size()) {
        error(t.loc, "Invalid tuple index: " + std::to_string(t.index) + ". Found " +
                         std::to_string(base.fields.size()) + " elements in tuple.");
        return Type::none();
      }
      return base.fields[t.index];
    }
    }
    return Type::none();
  }

  // `(uint8[8])x`, `(int8[])x`: an integer, a string or another integer array seen as an array
  // of integers of the same total size (an integer literal adapts to the array's size). Without
  // a length, the value's size gives it.
  Type array_cast(Cast &c, const Type &from) {
    size_t open = c.type_name.find('[');
    Type element = type_from_name(c.type_name.substr(0, open));
    if (element.kind != TypeKind::Integer) {
      error(c.loc, "Unknown type in cast: " + c.type_name,
            "integer arrays are uint8[N] ... int64[N]");
      return Type::none();
    }
    if (from.is_none())
      return from;
    std::string len_text = c.type_name.substr(open + 1, c.type_name.size() - open - 2);
    bool literal = c.operand->kind == ExprKind::Integer ||
                   (c.operand->kind == ExprKind::Unary &&
                    static_cast<Unary &>(*c.operand).operand->kind == ExprKind::Integer);
    if (!from.is_integer() && !from.is_string() && !from.is_int_array()) {
      error(c.loc, "Cannot cast from '" + from.name() + "' to '" + c.type_name + "'",
            "only integers, strings and integer arrays can be cast to an integer array");
      return Type::none();
    }
    int from_size = from.kind == TypeKind::Boolean ? 1 : from.size;
    if (from.is_integer() && literal)
      from_size = 8;
    long long total = from_size;
    if (!len_text.empty()) {
      total = std::strtoll(len_text.c_str(), nullptr, 10) * element.size;
      bool fits = total == from_size ||
                  (from.is_integer() && literal && (total == 1 || total == 2 || total == 4));
      if (!fits) {
        error(c.loc, "Cannot cast from '" + from.name() + "' to '" + c.type_name +
                         "': the sizes differ (" + std::to_string(from_size) + " and " +
                         std::to_string(total) + " bytes)");
        return Type::none();
      }
    } else if (total % element.size != 0) {
      error(c.loc, "Cannot cast from '" + from.name() + "' to '" + c.type_name +
                       "': " + std::to_string(total) + " bytes are not a whole number of " +
                       element.name() + " elements");
      return Type::none();
    }
    if (total <= 0) {
      error(c.loc, "Cannot cast to an empty array: " + c.type_name);
      return Type::none();
    }
    return Type::int_array(element, static_cast<int>(total / element.size));
  }

  Type builtin(Builtin &b) {
    const std::string &n = b.name;
    if (n == "pid" || n == "tid" || n == "uid" || n == "gid" || n == "cpu" || n == "rand")
      return Type::integer(4, false);
    if (n == "curtask")
      return types_.curtask();
    if (n == "nsecs" || n == "elapsed" || n == "cgroup")
      return Type::integer(8, false);
    if (n == "comm")
      return Type::string(16);
    if (n == "true" || n == "false")
      return Type::boolean();
    if (n == "probe") {
      probe_->program_per_target = true;
      size_t longest = 0;
      for (auto &t : probe_->targets)
        longest = std::max(longest, t.name.size());
      return Type::string(static_cast<int>(longest) + 1);
    }
    if (n == "args" || n == "ctx") {
      for (auto &t : probe_->targets) {
        if (!t.dwarf_function.empty() && opts_.load_context_fields) {
          opts_.load_context_fields(t);
          t.dwarf_function.clear(); // read once, whatever the result
        }
      }
      bool has_fields = false;
      for (auto &t : probe_->targets)
        has_fields |= !t.fields.empty();
      for (auto &t : probe_->targets) {
        if (t.fields.empty() && !t.args_error.empty()) {
          error(b.loc, t.args_error);
          return Type::none();
        }
      }
      if (!has_fields) {
        error(b.loc, "The " + n + " builtin can only be used with tracepoint probes");
        return Type::none();
      }
      probe_->program_per_target = true;
      return Type::context();
    }
    if (n.size() >= 4 && n.rfind("arg", 0) == 0 &&
        n.find_first_not_of("0123456789", 3) == std::string::npos) {
      int index = std::atoi(n.c_str() + 3);
      for (auto &t : probe_->targets) {
        if (t.arg_source == ArgumentSource::None) {
          error(b.loc,
                "The " + n +
                    " builtin can only be used with kprobe, uprobe, usdt, "
                    "fentry and rawtracepoint probes (not " +
                    t.provider + ")",
                t.provider == "tracepoint" ? "tracepoint arguments are args.NAME" : "");
          return Type::none();
        }
        if (t.max_args == 0 && t.has_retval) {
          error(b.loc,
                "The " + n + " builtin cannot be used in " + t.name +
                    ": a return probe no longer has the arguments",
                "save them in an entry probe, e.g. @arg[tid] = " + n);
          return Type::none();
        }
        if (index >= t.max_args) {
          error(b.loc, "The " + n + " builtin is out of range: " + t.name + " has " +
                           std::to_string(t.max_args) + " arguments (arg0 to arg" +
                           std::to_string(t.max_args - 1) + ")");
          return Type::none();
        }
      }
      return Type::integer(8, false);
    }
    if (n == "retval") {
      for (auto &t : probe_->targets) {
        if (!t.has_retval) {
          error(b.loc, "The retval builtin can only be used with return probes (kretprobe, "
                       "uretprobe, fexit), not " +
                           t.name);
          return Type::none();
        }
      }
      // Typed when every target agrees (fexit knows its function's return type from BTF).
      const ProbeTarget &first = probe_->targets.front();
      bool same_pointer = first.retval_type.is_ptr();
      for (auto &t : probe_->targets)
        same_pointer &= t.retval_type == first.retval_type;
      if (same_pointer)
        return first.retval_type;
      for (auto &t : probe_->targets)
        if (t.retval_size != first.retval_size || t.retval_signed != first.retval_signed)
          return Type::integer(8, false);
      return Type::integer(first.retval_size, first.retval_signed);
    }
    if (n == "func") {
      size_t longest = 0;
      for (auto &t : probe_->targets) {
        if (t.function.empty()) {
          error(b.loc, "The func builtin can only be used with function probes (kprobe, "
                       "uprobe, fentry and their return probes), not " +
                           t.name);
          return Type::none();
        }
        longest = std::max(longest, t.function.size());
      }
      probe_->program_per_target = true;
      return Type::string(static_cast<int>(longest) + 1);
    }
    if (n == "cpid") {
      if (!opts_.process.has_child) {
        error(b.loc, "The cpid builtin can only be used with a child command (-c CMD)");
        return Type::none();
      }
      return Type::integer(4, false);
    }
    if (n == "kstack")
      return stack_type(false, opts_.stack_mode, kDefaultStackLimit);
    if (n == "ustack")
      return stack_type(true, opts_.stack_mode, kDefaultStackLimit);
    if (n == "numaid" || n == "ncpus")
      return Type::integer(4, false);
    if (n == "jiffies")
      return Type::integer(8, false);
    if (n == "username")
      return Type::username();
    if (n == "usermode")
      return Type::integer(1, false);
    if (n == "ppid") {
      if (!info_.ppid_offsets && opts_.ppid_offsets)
        info_.ppid_offsets = opts_.ppid_offsets();
      if (!info_.ppid_offsets) {
        error(b.loc, "The ppid builtin needs kernel BTF (/sys/kernel/btf/vmlinux) to find "
                     "task_struct's real_parent and tgid");
        return Type::none();
      }
      return Type::integer(4, false);
    }
    if (auto t = check_stdlib_builtin(b, *this))
      return *t;
    if (auto v = types_.enum_value(n)) { // a kernel enumerator, e.g. TASK_RUNNING
      info_.enum_constants[n] = *v;
      Type t = Type::integer(8, true);
      t.enum_names = types_.enum_of(n); // printf("%s", TASK_RUNNING) prints the name
      return t;
    }
    if (in_sizeof_) // sizeof(pid_t): a type name, parsed as an expression
      if (auto t = types_.named(n))
        return *t;
    error(b.loc, "Unknown identifier: '" + n + "'");
    return Type::none();
  }

  Type field(Field &f) {
    Type base = expr(*f.base);
    if (base.is_none())
      return base;
    if (base.is_ptr() || base.is_record())
      return types_.member(f, base);
    if (base.is_named_record()) {
      f.record_field = base.field_index(f.field);
      if (f.record_field < 0) {
        error(f.loc, "Record does not contain a field named '" + f.field + "'",
              name_hint(f.field, base.field_names));
        return Type::none();
      }
      return base.fields[f.record_field];
    }
    if (base.kind != TypeKind::Context) {
      error(f.loc,
            "Can not access field '" + f.field + "' on expression of type '" + base.name() + "'");
      return Type::none();
    }
    Type result;
    for (auto &t : probe_->targets) {
      const ContextField *found = nullptr;
      for (auto &cf : t.fields)
        if (cf.name == f.field)
          found = &cf;
      if (!found) {
        error(f.loc, "Can't find field '" + f.field + "' in " + t.name,
              field_hint(f.field, t.fields));
        return Type::none();
      }
      Type ft = context_field_type(*found);
      if (!result.is_none() && !result.same_kind(ft)) {
        error(f.loc, "Field '" + f.field + "' has different types in the probes matched");
        return Type::none();
      }
      if (result.is_none() || (ft.is_string() && ft.size > result.size))
        result = ft;
    }
    return result;
  }

  Type context_field_type(const ContextField &cf) {
    switch (cf.kind) {
    case ContextField::Kind::CharArray:
      return Type::string(cf.size);
    case ContextField::Kind::DataLocString:
      return Type::string(opts_.max_strlen);
    case ContextField::Kind::Pointer: {
      if (cf.type.is_ptr())
        return cf.type;
      // Tracepoint fields: a pointer to a struct or union is typed from its declaration
      // (`struct sockaddr * uservaddr`), others stay addresses.
      Type t = types_.record_pointer(cf.c_type).value_or(Type::pointer());
      t.user_memory = cf.user_memory; // kept by casts: `(struct S *)args.buf`
      return t;
    }
    case ContextField::Kind::Integer: {
      Type t =
          Type::integer(cf.size == 1 || cf.size == 2 || cf.size == 4 ? cf.size : 8, cf.is_signed);
      t.enum_names = context_enum_names(cf, types_);
      return t;
    }
    }
    return Type::none();
  }

  // A map read whose map has no value type yet (only `@i = @i + 1` assigns it): in arithmetic
  // it can only be an integer, as bpftrace infers.
  bool untyped_map_read(const Expr &e) {
    if (e.kind != ExprKind::Map)
      return false;
    MapInfo *mi = find_map(static_cast<const Map &>(e).name);
    return mi && mi->value_type.is_none();
  }

  Type binary(Binary &b) {
    Type l = expr(*b.lhs);
    Type r = expr(*b.rhs);
    if (l.is_none() && untyped_map_read(*b.lhs) && r.is_integer())
      l = b.lhs->type = Type::integer(8, true);
    if (r.is_none() && untyped_map_read(*b.rhs) && l.is_integer())
      r = b.rhs->type = Type::integer(8, true);
    if (l.is_none() || r.is_none())
      return Type::none();
    bool comparison = b.op == BinaryOp::Eq || b.op == BinaryOp::Ne || b.op == BinaryOp::Lt ||
                      b.op == BinaryOp::Le || b.op == BinaryOp::Gt || b.op == BinaryOp::Ge;
    // Comparisons and logical operators give a bool (printed true/false), as in bpftrace v0.26.
    if (l.is_string() && r.is_string() && (b.op == BinaryOp::Eq || b.op == BinaryOp::Ne))
      return Type::boolean();
    if ((b.op == BinaryOp::Eq || b.op == BinaryOp::Ne) &&
        (is_composite_value(l) || is_composite_value(r))) {
      if (composite_comparable(l, r))
        return Type::boolean();
      error(b.loc, std::string("Type mismatch for '") + binary_op_spelling(b.op) +
                       "': comparing '" + l.name() + "' with '" + r.name() + "'");
      return Type::none();
    }
    if (!l.is_integer() || !r.is_integer()) {
      error(b.loc,
            std::string("Invalid operands for '") + binary_op_spelling(b.op) + "': '" + l.name() +
                "' and '" + r.name() + "'",
            l.is_string() || r.is_string() ? "strings support only == and !=" : "");
      return Type::none();
    }
    if (b.op == BinaryOp::LogicalAnd || b.op == BinaryOp::LogicalOr)
      return Type::boolean();
    if (comparison) {
      // No common type (a uint64 against a signed integer, with a warning): compared as int64.
      auto promoted = promoted_operands(b.op, l, b.lhs.get(), r, b.rhs.get(), b.loc);
      b.operand_type = promoted ? *promoted : Type::integer(8, true);
      return Type::boolean();
    }
    // Pointer arithmetic, as in C: `p + n` and `p - n` step by the pointee's size.
    if (l.is_ptr() && r.is_ptr() && b.op == BinaryOp::Sub)
      return Type::integer(8, true);
    if (l.is_ptr() && !r.is_ptr() && (b.op == BinaryOp::Add || b.op == BinaryOp::Sub))
      return l;
    if (r.is_ptr() && !l.is_ptr() && b.op == BinaryOp::Add)
      return r;
    Type result = arithmetic_result(b.op, l, b.lhs.get(), r, b.rhs.get(), b.loc);
    b.operand_type = result;
    return result;
  }

  // `$x++` and `@x++` count in 64 bits: a narrower variable or map value becomes an int64 (as
  // with `$x += 1`, whose result is an int64), so that a uint8 counter does not wrap at 256.
  void widen_counter(Expr &operand, const Type &t) {
    // A counter is no longer sign-flexible (a decrement may take it below zero).
    if (operand.kind == ExprKind::Variable)
      flexible_vars_.erase(static_cast<Variable &>(operand).storage);
    else if (operand.kind == ExprKind::Map)
      flexible_map_values_.erase(static_cast<Map &>(operand).name);
    if (t.kind != TypeKind::Integer || t.size == 8)
      return;
    Type wide = Type::integer(8, true);
    if (operand.kind == ExprKind::Variable) {
      const std::string &storage = static_cast<Variable &>(operand).storage;
      if (fixed_int_vars_.count(storage))
        return; // a declared type stays (the count wraps at its width)
      auto it = probe_->variables.find(storage);
      if (it != probe_->variables.end() && it->second.kind == TypeKind::Integer)
        it->second = wide;
    } else if (MapInfo *mi = find_map(static_cast<Map &>(operand).name)) {
      if (mi->value_logical.kind == TypeKind::Integer) {
        mi->value_logical = wide;
        mi->declared_name = wide.name();
      }
    }
    operand.type = wide;
  }

  Type unary(Unary &u) {
    bool step = u.op == UnaryOp::Increment || u.op == UnaryOp::Decrement;
    if (step && u.operand->kind == ExprKind::Map) {
      // `@n++` may create the map, as an integer counter starting at 0.
      auto &m = static_cast<Map &>(*u.operand);
      int id = get_or_create_map(m).id;
      map_keys(m, info_.maps[id]);
      MapInfo &mi = info_.maps[id];
      if (mi.value_type.is_none()) {
        mi.value_type = mi.value_logical = Type::integer(8, true);
        mi.declared_name = "int64";
      }
    }
    Type t = expr(*u.operand);
    if (t.is_none())
      return t;
    switch (u.op) {
    case UnaryOp::Increment:
    case UnaryOp::Decrement:
      if (u.operand->kind != ExprKind::Variable && u.operand->kind != ExprKind::Map) {
        error(u.loc, "++ and -- apply only to variables and maps");
        return Type::none();
      }
      [[fallthrough]];
    case UnaryOp::Neg:
    case UnaryOp::BitNot:
      if (!t.is_integer()) {
        error(u.loc, "Invalid operand type for unary operator: '" + t.name() + "'");
        return Type::none();
      }
      if (u.op == UnaryOp::Neg && u.operand->kind == ExprKind::Integer)
        return smallest_integer_for_negated(static_cast<IntegerLit &>(*u.operand).value);
      if (u.op == UnaryOp::Neg || u.op == UnaryOp::BitNot) {
        // Keeps the operand's width, as bpftrace does: `-1` stays an int8 literal, so
        // printf("%u", -1) prints a 32-bit value.
        int size = t.kind == TypeKind::Integer ? t.size : 8;
        return Type::integer(size, u.op == UnaryOp::Neg ? true : t.is_signed);
      }
      widen_counter(*u.operand, t);
      return Type::integer(8, t.is_signed || (t.kind == TypeKind::Integer && t.size < 8));
    case UnaryOp::LogicalNot:
      if (!t.is_integer()) {
        error(u.loc, "Invalid operand type for '!': '" + t.name() + "'");
        return Type::none();
      }
      return Type::boolean();
    case UnaryOp::Deref:
      return types_.deref(u, t);
    case UnaryOp::AddressOf:
      error(u.loc, "Pointer dereference and address-of are not supported yet");
      return Type::none();
    }
    return Type::none();
  }

  // ------------------------------------------------------------------ calls

  bool want_args(Call &c, size_t min, size_t max) override {
    if (c.args.size() >= min && c.args.size() <= max)
      return true;
    std::string expected =
        min == max ? std::to_string(min) : std::to_string(min) + " to " + std::to_string(max);
    error(c.loc, c.name + "() takes " + expected + " argument" + (max == 1 ? "" : "s") + " (" +
                     std::to_string(c.args.size()) + " provided)");
    return false;
  }

  Map *map_argument(Call &c, size_t i) override {
    if (i >= c.args.size() || c.args[i]->kind != ExprKind::Map) {
      error(i < c.args.size() ? c.args[i]->loc : c.loc, c.name + "() expects a map argument");
      return nullptr;
    }
    auto &m = static_cast<Map &>(*c.args[i]);
    MapInfo *mi = find_map(m.name);
    if (!mi) {
      error(m.loc, "Undefined map: " + m.name);
      return nullptr;
    }
    m.type = mi->value_type;
    return &m;
  }

  // ------------------------------------------------------------------ stacks and symbols

  // A kstack/ustack of `limit` frames; each limit in use gets its own stack map.
  Type stack_type(bool user, StackMode mode, int limit) {
    auto &limits = info_.stack_limits;
    if (std::find(limits.begin(), limits.end(), limit) == limits.end())
      limits.push_back(limit);
    return Type::stack(user, mode, limit);
  }

  // Whether an identifier as kstack's first argument is meant as its mode (a bare word), not a
  // value such as arg0 or pid given as the number of frames.
  static bool is_stack_mode_name(const std::string &name) {
    static const std::set<std::string> values = {"pid",    "tid",    "uid",    "gid",
                                                 "cpu",    "rand",   "nsecs",  "elapsed",
                                                 "retval", "cgroup", "curtask"};
    return name.find_first_not_of("abcdefghijklmnopqrstuvwxyz") == std::string::npos &&
           !values.count(name);
  }

  // kstack(), kstack(N), kstack(MODE), kstack(MODE, N) with MODE bpftrace, perf or raw.
  Type stack_call(Call &c, bool user) {
    if (!want_args(c, 0, 2))
      return Type::none();
    StackMode mode = opts_.stack_mode;
    int64_t limit = kDefaultStackLimit;
    size_t next = 0;
    if (!c.args.empty() && c.args[0]->kind == ExprKind::Builtin &&
        is_stack_mode_name(static_cast<Builtin &>(*c.args[0]).name)) {
      static const std::map<std::string, StackMode> modes = {
          {"bpftrace", StackMode::Bpftrace}, {"perf", StackMode::Perf}, {"raw", StackMode::Raw}};
      auto it = modes.find(static_cast<Builtin &>(*c.args[0]).name);
      if (it == modes.end()) {
        error(c.args[0]->loc,
              c.name + "(): unknown stack mode '" + static_cast<Builtin &>(*c.args[0]).name + "'",
              "the modes are bpftrace, perf and raw");
        return Type::none();
      }
      mode = it->second;
      next = 1;
    }
    if (next < c.args.size()) {
      if (!constant_integer(*c.args[next], limit)) {
        error(c.args[next]->loc, c.name + "() expects a constant number of frames");
        return Type::none();
      }
      if (limit < 1 || limit > kDefaultStackLimit) {
        error(c.args[next]->loc, c.name + "(): the number of frames must be between 1 and " +
                                     std::to_string(kDefaultStackLimit) + " (" +
                                     std::to_string(limit) + " provided)");
        return Type::none();
      }
      next++;
    }
    if (next != c.args.size()) {
      error(c.loc, c.name + "() takes a mode (bpftrace, perf, raw) and/or a number of frames");
      return Type::none();
    }
    return stack_type(user, mode, static_cast<int>(limit));
  }

  // kaddr("symbol"): the symbol's address, resolved now from the running kernel.
  Type kaddr_call(Call &c) {
    if (!want_args(c, 1, 1))
      return Type::none();
    if (c.args[0]->kind != ExprKind::String) {
      error(c.args[0]->loc, "kaddr() expects a string literal (the symbol's name)");
      return Type::none();
    }
    const std::string &name = static_cast<StringLit &>(*c.args[0]).value;
    std::optional<uint64_t> address;
    if (opts_.kernel_symbol_address)
      address = opts_.kernel_symbol_address(name);
    if (!address) {
      error(c.loc, "Could not resolve kernel symbol: " + name,
            "kernel symbols are listed in /proc/kallsyms");
      return Type::none();
    }
    if (reporting_) {
      c.resource_id = static_cast<int>(info_.kernel_addresses.size());
      info_.kernel_addresses.push_back(*address);
    }
    return Type::integer(8, false);
  }

  // uaddr("sym"): the address of a symbol of the probed binary (uprobe, uretprobe, usdt), a
  // constant like kaddr()'s (resource_id indexes info_.kernel_addresses as well).
  // reg("name"): a register of the probe's pt_regs context; resource_id is its byte offset.
  Type reg_call(Call &c) {
    if (!want_args(c, 1, 1))
      return Type::none();
    if (c.args[0]->kind != ExprKind::String) {
      error(c.args[0]->loc, "reg() expects a string literal (a register's name)");
      return Type::none();
    }
    const std::string &name = static_cast<StringLit &>(*c.args[0]).value;
    int offset = pt_regs_offset(name);
    if (offset < 0) {
      error(c.args[0]->loc, "'" + name + "' is not a valid register",
            "registers: " + pt_regs_names());
      return Type::none();
    }
    for (auto &t : probe_->targets) {
      if (t.program_kind != ProgramKind::Kprobe && t.program_kind != ProgramKind::PerfEvent) {
        error(c.loc, "reg() can only be used in kprobe, uprobe, usdt and profile/interval probes, "
                     "not " +
                         t.name);
        return Type::none();
      }
    }
    c.resource_id = offset;
    return Type::integer(8, false);
  }

  Type uaddr_call(Call &c) {
    if (!want_args(c, 1, 1))
      return Type::none();
    if (c.args[0]->kind != ExprKind::String) {
      error(c.args[0]->loc, "uaddr() expects a string literal (the symbol's name)");
      return Type::none();
    }
    const std::string &name = static_cast<StringLit &>(*c.args[0]).value;
    std::string path;
    for (auto &t : probe_->targets) {
      if (t.provider != "uprobe" && t.provider != "uretprobe" && t.provider != "usdt") {
        error(c.loc,
              "uaddr() can only be used in uprobe, uretprobe and usdt probes, not " + t.name);
        return Type::none();
      }
      if (!path.empty() && t.path != path) {
        error(c.loc, "uaddr() needs the probe's targets to be in one binary (" + path + " and " +
                         t.path + ")");
        return Type::none();
      }
      path = t.path;
    }
    std::optional<uint64_t> address;
    if (opts_.user_symbol_address && !path.empty())
      address = opts_.user_symbol_address(path, name);
    if (!address) {
      error(c.loc, "Could not resolve symbol: " + path + ":" + name,
            "uaddr() takes a symbol of the probed binary's .symtab or .dynsym");
      return Type::none();
    }
    if (reporting_) {
      c.resource_id = static_cast<int>(info_.kernel_addresses.size());
      info_.kernel_addresses.push_back(*address);
    }
    return Type::integer(8, false);
  }

  // nsecs(boot|monotonic|tai), pid(curr_ns|init), tid(curr_ns|init): the mode is a bare word,
  // remembered in the call's resource_id (see ClockMode and IdNamespace in semantic.h).
  Type clock_or_id_call(Call &c) {
    if (!want_args(c, 0, 1))
      return Type::none();
    bool is_nsecs = c.name == "nsecs";
    // bpftrace v0.26: nsecs counts on the boot clock unless told otherwise.
    std::string mode = is_nsecs ? "boot" : "curr_ns";
    if (c.args.size() == 1) {
      if (c.args[0]->kind != ExprKind::Builtin) {
        error(c.args[0]->loc,
              c.name + "() expects " +
                  (is_nsecs ? "boot, monotonic, tai or sw_tai" : "curr_ns or init"));
        return Type::none();
      }
      mode = static_cast<Builtin &>(*c.args[0]).name;
    }
    static const std::map<std::string, int> clocks = {{"monotonic", kClockMonotonic},
                                                      {"boot", kClockBoot},
                                                      {"tai", kClockTai},
                                                      {"sw_tai", kClockSwTai}};
    static const std::map<std::string, int> spaces = {{"curr_ns", kIdCurrentNs},
                                                      {"init", kIdInitNs}};
    const auto &modes = is_nsecs ? clocks : spaces;
    auto it = modes.find(mode);
    if (it == modes.end()) {
      error(c.args[0]->loc,
            c.name + "(): unknown " + (is_nsecs ? "clock" : "namespace") + " '" + mode + "'",
            is_nsecs ? "the clocks are boot, monotonic, tai and sw_tai"
                     : "the namespaces are curr_ns and init");
      return Type::none();
    }
    c.resource_id = it->second;
    return is_nsecs ? Type::integer(8, false) : Type::integer(4, false);
  }

  // buf(ptr, len): a buffer as big as a constant length, or max_strlen for a run-time one.
  Type buffer_call(Call &c) {
    if (!want_args(c, 2, 2))
      return Type::none();
    Type p = expr(*c.args[0]);
    Type len = expr(*c.args[1]);
    if (p.is_none() || len.is_none())
      return Type::none();
    if (!p.is_integer()) {
      error(c.args[0]->loc, "buf() expects an address (" + p.name() + " provided)");
      return Type::none();
    }
    if (!len.is_integer()) {
      error(c.args[1]->loc, "buf() expects an integer length (" + len.name() + " provided)");
      return Type::none();
    }
    int64_t n = 0;
    if (constant_integer(*c.args[1], n)) {
      if (n < 0) {
        error(c.args[1]->loc, "buf() length must not be negative");
        return Type::none();
      }
      if (n > opts_.max_strlen) {
        error(c.args[1]->loc, "buf() length " + std::to_string(n) + " exceeds the maximum of " +
                                  std::to_string(opts_.max_strlen));
        return Type::none();
      }
      return Type::buffer(static_cast<int>(n));
    }
    return Type::buffer(opts_.max_strlen);
  }

  // The type of the one argument of `c`, which must be an integer (pointers and bools count,
  // unless `plain`); `what` names it in the error ("an integer address"). none() after an error.
  Type one_integer_argument(Call &c, const std::string &what, bool plain = false) {
    if (!want_args(c, 1, 1))
      return Type::none();
    Type t = expr(*c.args[0]);
    if (t.is_none())
      return t;
    if (plain ? t.kind != TypeKind::Integer : !t.is_integer()) {
      error(c.args[0]->loc, c.name + "() expects " + what + " (" + t.name() + " provided)");
      return Type::none();
    }
    return t;
  }

  Type call(Call &c) {
    const std::string &n = c.name;
    // Functions that produce no value may only stand as statements (`@x = exit();` would leave
    // codegen with nothing to store).
    static const std::set<std::string> statements_only = {"printf", "print", "time",   "exit",
                                                          "clear",  "zero",  "errorf", "warnf"};
    if (statements_only.count(n) && statement_call_ != &c) {
      error(c.loc, n + "() does not return a value", "call it as a statement of its own");
      return Type::none();
    }
    if (is_aggregation_call(n)) {
      error(c.loc, n + "() must be assigned directly to a map", "write @name = " + n + "(...);");
      return Type::none();
    }
    if ((n == "printf" || n == "print" || n == "time" || n == "errorf" || n == "warnf") &&
        reporting_) {
      for (auto &t : probe_->targets)
        if (t.program_kind != ProgramKind::Special)
          info_.prints_from_probes = true;
    }
    if (n == "printf" || n == "errorf" || n == "warnf") {
      if (c.args.empty() || c.args[0]->kind != ExprKind::String) {
        error(c.loc, n + "() requires a string literal as its first argument");
        return Type::none();
      }
      std::vector<Type> arg_types;
      for (size_t i = 1; i < c.args.size(); i++) {
        Type t = expr(*c.args[i]);
        if (t.is_none())
          return Type::none();
        if (t.kind == TypeKind::Context || t.is_aggregation()) {
          error(c.args[i]->loc, "printf() cannot print a value of type " + t.name());
          return Type::none();
        }
        if (!storable(t, c.args[i]->loc))
          return Type::none();
        arg_types.push_back(t);
      }
      const std::string &fmt = static_cast<StringLit &>(*c.args[0]).value;
      if (opts_.check_printf) {
        std::string problem = opts_.check_printf(fmt, arg_types);
        if (!problem.empty()) {
          error(c.loc, problem);
          return Type::none();
        }
      }
      if (reporting_) {
        record_id_ = static_cast<int>(info_.printfs.size());
        info_.printfs.push_back({fmt, Type::tuple(arg_types), ""});
        if (n != "printf") { // errorf/warnf: where the call is, like a diagnostic
          PrintfInfo &p = info_.printfs.back();
          p.where_file = diags_.filename_of(c.loc.file);
          p.where_line = c.loc.begin_line;
          p.where_col = c.loc.begin_col;
          p.json_type = n;
          p.stderr_prefix = p.where_file + ":" + std::to_string(c.loc.begin_line) + ":" +
                            std::to_string(c.loc.begin_col) + "-" + std::to_string(c.loc.end_col) +
                            ": " + (n == "errorf" ? "ERROR: " : "WARNING: ");
        }
        c.resource_id = record_id_;
      }
      return Type::none();
    }
    if (n == "print") {
      if (!want_args(c, 1, 3))
        return Type::none();
      if (c.args[0]->kind == ExprKind::Map && static_cast<Map &>(*c.args[0]).keys.empty()) {
        Map *m = map_argument(c, 0);
        if (!m)
          return Type::none();
        int64_t top = 0, div = 1;
        if (c.args.size() > 1 && !constant_integer(*c.args[1], top)) {
          error(c.args[1]->loc, "print() expects a constant integer for the number of entries");
          return Type::none();
        }
        if (c.args.size() > 2 && !constant_integer(*c.args[2], div)) {
          error(c.args[2]->loc, "print() expects a constant integer divisor");
          return Type::none();
        }
        if (div <= 0 || top < 0) {
          error(c.loc, "print() expects a positive divisor and a non-negative count");
          return Type::none();
        }
        if (reporting_) {
          c.resource_id = static_cast<int>(info_.map_prints.size());
          info_.map_prints.push_back(
              {info_.map_ids[m->name], static_cast<uint64_t>(top), static_cast<uint64_t>(div)});
        }
        return Type::none();
      }
      if (c.args.size() != 1) {
        error(c.loc, "print() of a value takes a single argument");
        return Type::none();
      }
      Type t = expr(*c.args[0]);
      if (t.is_none())
        return t;
      if (t.kind == TypeKind::Context || t.is_aggregation()) {
        error(c.args[0]->loc, "print() cannot print a value of type " + t.name());
        return Type::none();
      }
      if (!storable(t, c.args[0]->loc))
        return Type::none();
      if (reporting_) {
        c.resource_id = static_cast<int>(info_.value_prints.size());
        info_.value_prints.push_back(storage_type(t));
      }
      return Type::none();
    }
    if (n == "time") {
      if (!want_args(c, 0, 1))
        return Type::none();
      std::string fmt = "%H:%M:%S\n";
      if (c.args.size() == 1) {
        if (c.args[0]->kind != ExprKind::String) {
          error(c.args[0]->loc, "time() expects a string literal format");
          return Type::none();
        }
        fmt = static_cast<StringLit &>(*c.args[0]).value;
      }
      if (reporting_) {
        c.resource_id = static_cast<int>(info_.time_formats.size());
        info_.time_formats.push_back(fmt);
      }
      return Type::none();
    }
    if (n == "str") {
      if (!want_args(c, 1, 2))
        return Type::none();
      Type t = expr(*c.args[0]);
      if (t.is_none())
        return t;
      if (t.is_string()) {
        int64_t len;
        if (c.args.size() == 2 && constant_integer(*c.args[1], len) && len >= 0 && len + 1 < t.size)
          return Type::string(static_cast<int>(len) + 1); // str("abcdef", 3) is "abc"
        return t;
      }
      if (!t.is_integer()) {
        error(c.args[0]->loc,
              "str() expects a pointer or integer argument (" + t.name() + " provided)");
        return Type::none();
      }
      int size = opts_.max_strlen;
      if (c.args.size() == 2) {
        Type lt = expr(*c.args[1]);
        if (!lt.is_none() && !lt.is_integer()) {
          error(c.args[1]->loc, "str() length must be an integer");
          return Type::none();
        }
        int64_t len;
        if (constant_integer(*c.args[1], len)) {
          if (len <= 0) {
            error(c.args[1]->loc, "str() length must be positive");
            return Type::none();
          }
          size = static_cast<int>(std::min<int64_t>(len + 1, opts_.max_strlen));
        }
      }
      return Type::string(size);
    }
    if (n == "delete") {
      if (!want_args(c, 1, 2))
        return Type::none();
      Map *m = map_argument(c, 0);
      if (!m)
        return Type::none();
      MapInfo *mi = find_map(m->name);
      if (c.args.size() == 2) {
        if (!m->keys.empty()) {
          error(c.loc, "delete(@m, key) takes the key as its second argument only");
          return Type::none();
        }
        // delete(@m, k) is delete(@m[k]): move the key into the map expression.
        m->keys.push_back(std::move(c.args[1]));
        c.args.pop_back();
      }
      map_keys(*m, *mi);
      if (mi->is_histogram() && !m->keys.empty()) {
        error(c.loc, "delete() of one key of a histogram map is not supported",
              "use clear(" + m->name + ")");
        return Type::none();
      }
      return Type::boolean(); // whether the key was there, as in bpftrace v0.26
    }
    if (n == "clear" || n == "zero") {
      if (!want_args(c, 1, 1))
        return Type::none();
      Map *m = map_argument(c, 0);
      if (m && !m->keys.empty()) {
        error(c.args[0]->loc, n + "() takes a whole map, without keys");
        return Type::none();
      }
      return Type::none();
    }
    if (n == "exit") {
      if (!want_args(c, 0, 1))
        return Type::none();
      if (c.args.size() == 1) {
        Type t = expr(*c.args[0]);
        if (!t.is_none() && !t.is_integer()) {
          error(c.args[0]->loc, "exit() expects an integer exit code");
          return Type::none();
        }
      }
      return Type::none();
    }
    if (n == "kstack")
      return stack_call(c, false);
    if (n == "ustack")
      return stack_call(c, true);
    if (n == "kptr" || n == "uptr") { // the address space a pointer's target is read from
      Type t = one_integer_argument(c, "an integer or a pointer");
      if (!t.is_none())
        t.user_memory = n == "uptr";
      return t;
    }
    if (n == "ksym") {
      Type t = one_integer_argument(c, "an integer address");
      return t.is_none() ? t : Type::ksym();
    }
    if (n == "usym") {
      Type t = one_integer_argument(c, "an integer address");
      return t.is_none() ? t : Type::usym();
    }
    if (n == "buf")
      return buffer_call(c);
    if (n == "reg")
      return reg_call(c);
    if (n == "kaddr")
      return kaddr_call(c);
    if (n == "uaddr")
      return uaddr_call(c);
    if (n == "nsecs" || n == "pid" || n == "tid")
      return clock_or_id_call(c);
    if (n == "cgroupid") {
      if (!want_args(c, 1, 1))
        return Type::none();
      if (c.args[0]->kind != ExprKind::String) {
        error(c.args[0]->loc, "cgroupid() expects a string literal (a cgroup's path)");
        return Type::none();
      }
      const std::string &path = static_cast<StringLit &>(*c.args[0]).value;
      struct stat st;
      if (stat(path.c_str(), &st) != 0) {
        error(c.loc, "cgroupid(): cannot stat " + path + ": " + std::strerror(errno),
              "cgroup v2 paths look like /sys/fs/cgroup/system.slice");
        return Type::none();
      }
      if (reporting_) {
        c.resource_id = static_cast<int>(info_.cgroup_ids.size());
        info_.cgroup_ids.push_back(st.st_ino);
      }
      return Type::integer(8, false);
    }
    if (n == "strlen") {
      if (!want_args(c, 1, 1))
        return Type::none();
      Type t = expr(*c.args[0]);
      if (!t.is_none() && !t.is_string()) {
        error(c.args[0]->loc, "strlen() expects a string (" + t.name() + " provided)");
        return Type::none();
      }
      return t.is_none() ? t : Type::integer(8, false);
    }
    if (n == "strncmp" || n == "strcontains" || n == "globmatch") {
      bool is_ncmp = n == "strncmp";
      if (!want_args(c, is_ncmp ? 3 : 2, is_ncmp ? 3 : 2))
        return Type::none();
      Type a = expr(*c.args[0]);
      Type b = expr(*c.args[1]);
      if (a.is_none() || b.is_none())
        return Type::none();
      if (!a.is_string() || !b.is_string()) {
        error(c.loc,
              n + "() expects two strings ('" + a.name() + "' and '" + b.name() + "' provided)");
        return Type::none();
      }
      if (is_ncmp) {
        int64_t len;
        if (!constant_integer(*c.args[2], len) || len < 0) {
          error(c.args[2]->loc, "strncmp() expects a non-negative constant length");
          return Type::none();
        }
        return Type::integer(8, false);
      }
      return Type::boolean();
    }
    if (n == "bswap") // a plain integer: reversing a pointer's or a bool's bytes means nothing
      return one_integer_argument(c, "an integer", true);
    if (n == "strerror") {
      Type t = one_integer_argument(c, "an integer");
      return t.is_none() ? t : Type::strerror();
    }
    if (n == "has_key") {
      if (!want_args(c, 1, 2))
        return Type::none();
      Map *m = map_argument(c, 0);
      if (!m)
        return Type::none();
      MapInfo *mi = find_map(m->name);
      if (c.args.size() == 2) {
        if (!m->keys.empty()) {
          error(c.loc, "has_key(@m, key) takes the key as its second argument only");
          return Type::none();
        }
        m->keys.push_back(std::move(c.args[1]));
        c.args.pop_back();
      } else if (m->keys.empty()) {
        error(c.loc, "has_key() takes a map and a key: has_key(@m, key)");
        return Type::none();
      }
      if (mi->keyless()) {
        error(c.loc, "has_key() expects a map with keys (" + m->name + " has none)");
        return Type::none();
      }
      map_keys(*m, *mi);
      return Type::boolean();
    }
    if (n == "find")
      return find_call(c);
    if (auto t = check_compile_time_query(c, *this))
      return *t;
    if (auto t = check_percpu_kaddr(c, *this))
      return *t;
    if (auto t = check_tracing_call(c, *this))
      return *t;
    if (auto t = check_unsupported_call(c, *this))
      return *t;
    if (auto t = check_stdlib_call(c, *this))
      return *t;
    error(c.loc, "Unknown function: '" + n + "'", unknown_function_hint(n));
    return Type::none();
  }

  // find(@m, key, $result): like has_key, and on success the value goes into $result, which
  // takes the map's value type. The key moves into the map expression (as for has_key), so a
  // later round sees find(@m[key], $result).
  Type find_call(Call &c) {
    if (!want_args(c, 2, 3))
      return Type::none();
    Map *m = map_argument(c, 0);
    if (!m)
      return Type::none();
    if (c.args.size() == 3) {
      if (!m->keys.empty()) {
        error(c.loc, "find(@m, key, $result) takes the key as its second argument only");
        return Type::none();
      }
      m->keys.push_back(std::move(c.args[1]));
      c.args.erase(c.args.begin() + 1);
    } else if (m->keys.empty()) {
      error(c.loc, "find() takes a map, a key and a variable: find(@m, key, $result)");
      return Type::none();
    }
    MapInfo *mi = find_map(m->name);
    if (mi->keyless()) {
      error(c.loc, "find() expects a map with keys (" + m->name + " has none)");
      return Type::none();
    }
    if (mi->value_type.is_aggregation()) {
      error(c.loc, "find() cannot read " + m->name + ": the value of an aggregation (" +
                       mi->value_type.name() + ") can only be printed");
      return Type::none();
    }
    map_keys(*m, *mi);
    mi = find_map(m->name);
    if (c.args[1]->kind != ExprKind::Variable) {
      error(c.args[1]->loc, "find() expects a scratch variable ($name) as its third argument");
      return Type::none();
    }
    auto &var = static_cast<Variable &>(*c.args[1]);
    var.storage = scopes_.resolve(var.name);
    if (var.storage.empty())
      var.storage = scopes_.declare(var.name);
    if (mi->value_type.is_none())
      return Type::none();
    Type stored = storage_type(mi->value_type);
    auto it = probe_->variables.find(var.storage);
    if (it == probe_->variables.end()) {
      probe_->variables[var.storage] = stored;
    } else if (!it->second.same_kind(stored)) {
      error(var.loc, "Type mismatch for " + var.name + ": find() would store a value of type '" +
                         mi->value_type.name() + "' in a variable of type '" + it->second.name() +
                         "'");
      return Type::none();
    } else if (unify_into(it->second, stored)) {
      retype_needed_ = true;
    }
    var.type = probe_->variables[var.storage];
    return Type::boolean();
  }

  ProgramInfo &info_;
  const SemanticOptions &opts_;
  Diagnostics &diags_;
  TypeRules types_; // C types (semantic_types.h); reports through error()
  ProbeInfo *probe_ = nullptr;
  bool in_sizeof_ = false; // typing the operand of sizeof(), where a type name may stand
  bool reporting_ = false;
  bool retype_needed_ = false;
  // The variable types of the probe being checked, as the previous round left them.
  std::map<std::string, Type> learned_vars_;
  struct FunctionFrame {
    const FunctionSignature *sig;
    int string_size; // the largest string a `return` gives (a string function's result size)
  };
  std::vector<std::string> function_names_; // the script's user-defined functions
  std::vector<FunctionFrame> functions_; // the inlined function calls being checked, innermost last
  int loop_depth_ = 0;                   // while loops around the statement being checked
  ScopeStack scopes_;                    // the `$variables` visible at the statement being checked
  const Expr *statement_call_ = nullptr; // the expression statement being checked, if any
  int record_id_ = 0;

public:
  // StdlibAnalyser (the other members it names are the analyser's own)
  ProgramInfo &info() override { return info_; }
  ProbeInfo &probe() override { return *probe_; }
  const SemanticOptions &options() override { return opts_; }
  Diagnostics &diagnostics() override { return diags_; }
  bool reporting() override { return reporting_; }
  bool is_statement(const Call &c) override { return statement_call_ == &c; }

  bool retype_needed() const { return retype_needed_; }
  void reset_retype() { retype_needed_ = false; }
};

} // namespace

bool analyse_program(Program &program, ProbeResolver &resolver, const SemanticOptions &opts,
                     ProgramInfo &info, Diagnostics &diags) {
  info = ProgramInfo{};
  info.positional_params = opts.positional_params;
  call_bare_functions(program); // `default_str_length` is `default_str_length()`
  info.process = opts.process;
  for (auto &p : program.probes) {
    ProbeInfo pi;
    for (auto &ap : p->attach_points) {
      resolver.resolve(*ap, pi.targets, diags);
      if (ap->raw != "BEGIN" && ap->raw != "END" && ap->raw != "begin" && ap->raw != "end")
        info.only_special_probes = false;
    }
    info.probes.push_back(std::move(pi));
  }
  if (diags.has_errors())
    return false;

  if (!check_compile_time_failures(program, opts.positional_params, diags))
    return false;

  // The script's own struct/union/enum definitions, over the kernel's types.
  ScriptTypes types(opts.types);
  for (auto &d : program.c_definitions)
    types.define(d->text, d->loc, diags);
  if (diags.has_errors())
    return false;
  Analyser analyser(info, opts, diags, &types);
  // Learn the types of maps and variables first (uses may come before assignments in the
  // text, and strings widen to the longest value assigned), then check and record.
  for (int round = 0; round < 3; round++)
    analyser.run(program, false);
  analyser.run(program, true);
  for (auto &m : info.maps) {
    if (m.value_type.is_none() && !diags.has_errors())
      diags.error(m.first_use, "Map " + m.name + " is used but never assigned a value");
  }
  apply_map_declarations(program, info, diags);
  if (!diags.has_errors())
    check_compile_time_failures(program, opts.positional_params, diags, true);
  return !diags.has_errors();
}

} // namespace bpfscope
