// tracepoint:CATEGORY:EVENT (alias t), wildcards in both parts. `args` fields come from the
// event's format file in tracefs.
#include "runtime/probe_provider.h"
#include "runtime/suggest.h"
#include "runtime/tracepoint_format.h"

namespace bpfscope {
namespace {

// Syscall tracepoints keep every argument in an 8-byte slot marked "signed:0" while declaring
// its C type ("int dfd"); bpftrace types the field by the declaration, so `args.dfd` is -100,
// not 4294967196. On x86-64 (little endian) the narrower value is the slot's first bytes.
void narrow_to_declared_type(const std::string &c_type, ContextField &cf) {
  static const struct {
    const char *name;
    int size;
    bool is_signed;
  } kDeclared[] = {
      {"int", 4, true},
      {"signed int", 4, true},
      {"unsigned int", 4, false},
      {"unsigned", 4, false},
      {"short", 2, true},
      {"short int", 2, true},
      {"unsigned short", 2, false},
      {"char", 1, true},
      {"signed char", 1, true},
      {"unsigned char", 1, false},
      {"long", 8, true},
      {"long int", 8, true},
      {"long long", 8, true},
      {"pid_t", 4, true},
      {"s32", 4, true},
      {"u32", 4, false},
      {"__s32", 4, true},
      {"__u32", 4, false},
      {"int32_t", 4, true},
      {"uint32_t", 4, false},
      {"s16", 2, true},
      {"u16", 2, false},
      {"s8", 1, true},
      {"u8", 1, false},
      {"uid_t", 4, false},
      {"gid_t", 4, false},
      {"umode_t", 2, false},
  };
  std::string type = c_type;
  if (type.rfind("const ", 0) == 0)
    type = type.substr(6);
  for (const auto &d : kDeclared) {
    if (type == d.name && d.size <= cf.size) {
      cf.size = d.size;
      cf.is_signed = d.is_signed;
      return;
    }
  }
}

ContextField to_context_field(const TracepointField &f) {
  ContextField cf;
  cf.name = f.name;
  cf.offset = f.offset;
  cf.size = f.size;
  cf.is_signed = f.is_signed;
  switch (f.kind) {
  case TracepointField::Kind::Pointer:
    cf.kind = ContextField::Kind::Pointer;
    cf.c_type = f.c_type;
    break;
  case TracepointField::Kind::CharArray:
    cf.kind = ContextField::Kind::CharArray;
    cf.size = f.array_len;
    break;
  case TracepointField::Kind::DataLocString:
    cf.kind = ContextField::Kind::DataLocString;
    break;
  default:
    cf.kind = ContextField::Kind::Integer;
    narrow_to_declared_type(f.c_type, cf);
    if (f.c_type.rfind("enum ", 0) == 0)
      cf.c_type = f.c_type; // printed by its enumerator names (BTF)
  }
  return cf;
}

class TracepointProvider : public ProbeProvider {
public:
  std::string name() const override { return "tracepoint"; }
  std::vector<std::string> aliases() const override { return {"t"}; }

  bool resolve(const std::vector<std::string> &parts, const ast::AttachPoint &ap,
               std::vector<ProbeTarget> &out, Diagnostics &diags) override {
    if (parts.size() != 3 || parts[1].empty() || parts[2].empty()) {
      diags.error(ap.loc, "tracepoint probe must have 2 parts: tracepoint:CATEGORY:EVENT",
                  "list them with: bpfscope -l 'tracepoint:*'");
      return false;
    }
    std::string pattern = parts[1] + ":" + parts[2];
    std::string error;
    std::vector<std::string> matches;
    if (has_glob_chars(pattern)) {
      matches = match_tracepoints(pattern, &error);
    } else {
      // An exact name needs no listing of every tracepoint: just its format file.
      matches.push_back(pattern);
    }
    if (!error.empty()) {
      diags.error(ap.loc, error);
      return false;
    }
    size_t before = out.size();
    for (auto &m : matches) {
      size_t colon = m.find(':');
      std::string category = m.substr(0, colon), event = m.substr(colon + 1);
      std::string read_error;
      auto format = read_tracepoint_format(category, event, &read_error);
      if (!format) {
        if (has_glob_chars(pattern))
          continue; // raced with a module unload, or unreadable: skip this one
        break;
      }
      ProbeTarget t;
      t.provider = "tracepoint";
      t.name = "tracepoint:" + m;
      t.program_kind = ProgramKind::Tracepoint;
      t.tracepoint_id = format->id;
      for (auto &f : format->fields) {
        // Arrays other than char[N] need indexing, which the language core does not offer yet.
        if (f.kind == TracepointField::Kind::Array || f.kind == TracepointField::Kind::DataLocArray)
          continue;
        t.fields.push_back(to_context_field(f));
        // bpftrace reads through all pointer arguments of syscalls:* as user memory.
        t.fields.back().user_memory = category == "syscalls";
      }
      out.push_back(std::move(t));
    }
    if (out.size() == before) {
      std::string list_error;
      std::vector<std::string> all = list_tracepoints(&list_error);
      diags.error(ap.loc, "No matches for tracepoint " + pattern + ".",
                  did_you_mean(closest_names(pattern, all, 3)));
      return false;
    }
    return true;
  }

  void list(const std::string &glob, std::vector<std::string> &out) override {
    std::string error;
    for (auto &tp : list_tracepoints(&error))
      if (glob.empty() || glob_match(glob, tp))
        out.push_back("tracepoint:" + tp);
  }

  bpf_prog_type program_type() const override { return BPF_PROG_TYPE_TRACEPOINT; }

  bool attach(const ProbeTarget &target, int prog_fd, std::vector<Attachment> &out,
              std::string &error) override {
    auto a = attach_bpf_to_tracepoint(prog_fd, target.tracepoint_id, &error);
    if (!a)
      return false;
    out.push_back(*a);
    return true;
  }
};

} // namespace

std::unique_ptr<ProbeProvider> make_tracepoint_provider() {
  return std::make_unique<TracepointProvider>();
}

} // namespace bpfscope
