// DWARF formal parameters of user-space functions (see dwarf_args.h), read with libdw.
#include "runtime/dwarf_args.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwelf.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <unistd.h>

#include <map>
#include <memory>
#include <mutex>

namespace bpfscope {
namespace {

// struct pt_regs offsets of the System V integer argument registers, in argument order.
constexpr int kArgumentRegisters[] = {112 /* di */, 104 /* si */, 96 /* dx */,
                                      88 /* cx */,  72 /* r8 */,  64 /* r9 */};
constexpr int kArgumentRegisterCount = 6;

// The DIE a type attribute refers to; false for `void` (no DW_AT_type).
bool type_of(Dwarf_Die *die, Dwarf_Die *out) {
  Dwarf_Attribute attr;
  return dwarf_attr_integrate(die, DW_AT_type, &attr) && dwarf_formref_die(&attr, out);
}

std::string die_name(Dwarf_Die *die) {
  const char *n = dwarf_diename(die);
  return n ? n : "";
}

int byte_size(Dwarf_Die *die) {
  Dwarf_Word size = 0;
  Dwarf_Attribute attr;
  if (dwarf_attr_integrate(die, DW_AT_byte_size, &attr) && dwarf_formudata(&attr, &size) == 0)
    return static_cast<int>(size);
  return 0;
}

bool is_qualifier(int tag) {
  return tag == DW_TAG_const_type || tag == DW_TAG_volatile_type || tag == DW_TAG_restrict_type ||
         tag == DW_TAG_atomic_type;
}

// The type with typedefs and qualifiers peeled off; false for void.
bool underlying(Dwarf_Die *type, Dwarf_Die *out) {
  Dwarf_Die cur = *type;
  for (int depth = 0; depth < 64; depth++) {
    int tag = dwarf_tag(&cur);
    if (tag != DW_TAG_typedef && !is_qualifier(tag)) {
      *out = cur;
      return true;
    }
    Dwarf_Die next;
    if (!type_of(&cur, &next))
      return false;
    cur = next;
  }
  return false;
}

std::string type_name(Dwarf_Die *type, int depth = 0);

// "int", "const char *", "char **", "struct foo", "int (*)(int, char *)", as clang prints them.
std::string type_name_of(Dwarf_Die *die, int depth) {
  Dwarf_Die inner;
  if (!type_of(die, &inner))
    return "void";
  return type_name(&inner, depth + 1);
}

std::string type_name(Dwarf_Die *type, int depth) {
  if (depth > 32)
    return "?";
  Dwarf_Die inner;
  bool has_inner = type_of(type, &inner);
  switch (dwarf_tag(type)) {
  case DW_TAG_structure_type:
  case DW_TAG_class_type:
    return "struct " + die_name(type);
  case DW_TAG_union_type:
    return "union " + die_name(type);
  case DW_TAG_enumeration_type:
    return "enum " + die_name(type);
  case DW_TAG_pointer_type:
  case DW_TAG_reference_type:
  case DW_TAG_rvalue_reference_type: {
    const char *mark = dwarf_tag(type) == DW_TAG_pointer_type     ? "*"
                       : dwarf_tag(type) == DW_TAG_reference_type ? "&"
                                                                  : "&&";
    if (has_inner && dwarf_tag(&inner) == DW_TAG_subroutine_type) {
      std::string params;
      Dwarf_Die child;
      if (dwarf_child(&inner, &child) == 0) {
        do {
          if (dwarf_tag(&child) == DW_TAG_formal_parameter)
            params += (params.empty() ? "" : ", ") + type_name_of(&child, depth);
          else if (dwarf_tag(&child) == DW_TAG_unspecified_parameters)
            params += params.empty() ? "..." : ", ...";
        } while (dwarf_siblingof(&child, &child) == 0);
      }
      return type_name_of(&inner, depth) + " (" + mark + ")(" + params + ")";
    }
    std::string base = has_inner ? type_name(&inner, depth + 1) : "void";
    return base + (base.back() == '*' || base.back() == '&' ? "" : " ") + mark;
  }
  case DW_TAG_const_type:
  case DW_TAG_volatile_type:
  case DW_TAG_restrict_type: {
    const char *q = dwarf_tag(type) == DW_TAG_const_type      ? "const"
                    : dwarf_tag(type) == DW_TAG_volatile_type ? "volatile"
                                                              : "restrict";
    std::string base = has_inner ? type_name(&inner, depth + 1) : "void";
    // A qualified pointer is written after the star: `char *const`.
    if (has_inner && dwarf_tag(&inner) == DW_TAG_pointer_type)
      return base + q;
    return std::string(q) + " " + base;
  }
  case DW_TAG_array_type:
    return (has_inner ? type_name(&inner, depth + 1) : "void") + "[]";
  default:
    return die_name(type);
  }
}

// Fills kind/size/sign of `p` from its type and says how many integer registers it takes.
int classify(Dwarf_Die *param, DwarfParameter &p) {
  Dwarf_Die type, base;
  if (!type_of(param, &type) || !underlying(&type, &base)) {
    p.kind = DwarfParameter::Kind::Unreadable;
    return 0;
  }
  int tag = dwarf_tag(&base);
  p.size = byte_size(&base);
  if (tag == DW_TAG_pointer_type || tag == DW_TAG_reference_type ||
      tag == DW_TAG_rvalue_reference_type) {
    p.size = 8;
    p.kind = DwarfParameter::Kind::Pointer;
    Dwarf_Die pointee, pointee_base;
    if (tag == DW_TAG_pointer_type && type_of(&base, &pointee) &&
        underlying(&pointee, &pointee_base) && dwarf_tag(&pointee_base) == DW_TAG_base_type &&
        byte_size(&pointee_base) == 1) {
      Dwarf_Word enc = 0;
      Dwarf_Attribute attr;
      if (dwarf_attr_integrate(&pointee_base, DW_AT_encoding, &attr) &&
          dwarf_formudata(&attr, &enc) == 0 &&
          (enc == DW_ATE_signed_char || enc == DW_ATE_unsigned_char))
        p.kind = DwarfParameter::Kind::CharPointer;
    }
    return 1;
  }
  if (tag == DW_TAG_base_type || tag == DW_TAG_enumeration_type) {
    Dwarf_Word enc = DW_ATE_unsigned;
    Dwarf_Attribute attr;
    if (tag == DW_TAG_base_type && dwarf_attr_integrate(&base, DW_AT_encoding, &attr))
      dwarf_formudata(&attr, &enc);
    if (tag == DW_TAG_enumeration_type) {
      // An enum is as signed as its underlying type, when the compiler records one.
      Dwarf_Die under;
      if (type_of(&base, &under) && underlying(&under, &under) &&
          dwarf_attr_integrate(&under, DW_AT_encoding, &attr))
        dwarf_formudata(&attr, &enc);
    }
    if (enc == DW_ATE_float || enc == DW_ATE_complex_float) {
      p.kind = DwarfParameter::Kind::Unreadable; // SSE registers
      return 0;
    }
    p.is_signed = enc == DW_ATE_signed || enc == DW_ATE_signed_char;
    if (p.size == 1 || p.size == 2 || p.size == 4 || p.size == 8) {
      p.kind = DwarfParameter::Kind::Integer;
      return 1;
    }
    p.kind = DwarfParameter::Kind::Unreadable; // __int128: a register pair
    return p.size > 8 ? 2 : 1;
  }
  // Structs and unions by value: their register use depends on their members.
  p.kind = DwarfParameter::Kind::Unreadable;
  return -1;
}

DwarfFunction read_function(Dwarf_Die *fn, const std::string &name) {
  DwarfFunction out;
  out.name = name;
  int next_register = 0;
  bool registers_known = true;
  Dwarf_Die child;
  if (dwarf_child(fn, &child) != 0)
    return out;
  do {
    if (dwarf_tag(&child) != DW_TAG_formal_parameter)
      continue;
    DwarfParameter p;
    p.name = die_name(&child);
    p.type_name = type_name_of(&child, 0);
    int regs = classify(&child, p);
    if (regs < 0) {
      registers_known = false;
    } else if (registers_known && p.kind != DwarfParameter::Kind::Unreadable &&
               next_register < kArgumentRegisterCount) {
      p.reg_offset = kArgumentRegisters[next_register];
    }
    if (regs > 0)
      next_register += regs;
    if (p.reg_offset < 0 && p.kind != DwarfParameter::Kind::Unreadable)
      p.kind = DwarfParameter::Kind::Unreadable; // on the stack, or after a struct
    out.parameters.push_back(std::move(p));
  } while (dwarf_siblingof(&child, &child) == 0);
  return out;
}

// Every function defined in one file, by DW_AT_name and DW_AT_linkage_name.
struct DwarfIndex {
  bool has_dwarf = false;
  std::map<std::string, DwarfFunction> functions;
};

struct IndexBuilder {
  DwarfIndex *index;
};

int on_function(Dwarf_Die *fn, void *arg) {
  auto *index = static_cast<IndexBuilder *>(arg)->index;
  if (dwarf_hasattr(fn, DW_AT_declaration))
    return DWARF_CB_OK;
  std::string name = die_name(fn);
  if (name.empty())
    return DWARF_CB_OK;
  DwarfFunction f = read_function(fn, name);
  Dwarf_Attribute attr;
  const char *linkage = nullptr;
  if (dwarf_attr_integrate(fn, DW_AT_linkage_name, &attr))
    linkage = dwarf_formstring(&attr);
  // The first definition wins, except that an out-of-line body (with code) beats an abstract one.
  bool has_code = dwarf_hasattr(fn, DW_AT_low_pc) || dwarf_hasattr(fn, DW_AT_ranges);
  for (const std::string &key : {name, std::string(linkage ? linkage : "")}) {
    if (key.empty())
      continue;
    auto it = index->functions.find(key);
    if (it == index->functions.end() || (has_code && it->second.parameters.empty()))
      index->functions[key] = f;
  }
  return DWARF_CB_OK;
}

bool readable(const std::string &path) { return access(path.c_str(), R_OK) == 0; }

// Where a stripped file's DWARF may be, as gdb looks for it: by build id under
// /usr/lib/debug/.build-id (Debian's -dbgsym packages), then by its .gnu_debuglink name next
// to it, in .debug/ beside it, and under /usr/lib/debug with its directory.
std::string separate_debug_file(int fd, const std::string &path) {
  if (elf_version(EV_CURRENT) == EV_NONE)
    return "";
  Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, nullptr);
  if (!elf)
    return "";
  std::string found;
  const void *id = nullptr;
  ssize_t id_size = dwelf_elf_gnu_build_id(elf, &id);
  if (id_size > 1) {
    auto *bytes = static_cast<const unsigned char *>(id);
    char hex[3];
    std::string name = "/usr/lib/debug/.build-id/";
    for (ssize_t i = 0; i < id_size; i++) {
      snprintf(hex, sizeof(hex), "%02x", bytes[i]);
      name += hex;
      if (i == 0)
        name += '/';
    }
    name += ".debug";
    if (readable(name))
      found = name;
  }
  GElf_Word crc;
  const char *link = found.empty() ? dwelf_elf_gnu_debuglink(elf, &crc) : nullptr;
  if (link) {
    size_t slash = path.rfind('/');
    std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
    for (const std::string &candidate :
         {dir + "/" + link, dir + "/.debug/" + link, "/usr/lib/debug" + dir + "/" + link}) {
      if (candidate != path && readable(candidate)) {
        found = candidate;
        break;
      }
    }
  }
  elf_end(elf);
  return found;
}

std::shared_ptr<const DwarfIndex> build_index(const std::string &path) {
  auto index = std::make_shared<DwarfIndex>();
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return index;
  Dwarf *dw = dwarf_begin(fd, DWARF_C_READ);
  if (!dw) {
    std::string debug = separate_debug_file(fd, path);
    if (!debug.empty()) {
      close(fd);
      fd = open(debug.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        return index;
      dw = dwarf_begin(fd, DWARF_C_READ);
    }
  }
  if (dw) {
    index->has_dwarf = true;
    IndexBuilder builder{index.get()};
    Dwarf_Off off = 0, next;
    size_t header_size;
    while (dwarf_nextcu(dw, off, &next, &header_size, nullptr, nullptr, nullptr) == 0) {
      Dwarf_Die cu;
      if (dwarf_offdie(dw, off + header_size, &cu))
        dwarf_getfuncs(&cu, on_function, &builder, 0);
      off = next;
    }
    dwarf_end(dw);
  }
  close(fd);
  return index;
}

std::shared_ptr<const DwarfIndex> index_of(const std::string &path) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const DwarfIndex>> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto &slot = cache[path];
  if (!slot)
    slot = build_index(path);
  return slot;
}

} // namespace

bool has_dwarf(const std::string &path) { return index_of(path)->has_dwarf; }

std::optional<DwarfFunction> read_dwarf_function(const std::string &path, const std::string &name,
                                                 std::string *error) {
  auto index = index_of(path);
  if (!index->has_dwarf) {
    if (error)
      *error = "no DWARF debug info in " + path;
    return std::nullopt;
  }
  auto it = index->functions.find(name);
  if (it == index->functions.end()) {
    if (error)
      *error = "no DWARF for function " + name + " in " + path;
    return std::nullopt;
  }
  return it->second;
}

std::vector<ContextField> dwarf_context_fields(const DwarfFunction &fn) {
  std::vector<ContextField> fields;
  for (auto &p : fn.parameters) {
    if (p.kind == DwarfParameter::Kind::Unreadable || p.name.empty())
      continue;
    ContextField f;
    f.name = p.name;
    f.kind = p.kind == DwarfParameter::Kind::Integer ? ContextField::Kind::Integer
                                                     : ContextField::Kind::Pointer;
    f.offset = p.reg_offset;
    f.size = p.size;
    f.is_signed = p.is_signed;
    fields.push_back(std::move(f));
  }
  return fields;
}

void load_dwarf_context_fields(ProbeTarget &t) {
  std::string error;
  auto fn = read_dwarf_function(t.path, t.dwarf_function, &error);
  if (!fn) {
    t.args_error = "Cannot use args in " + t.name + ": " + error +
                   (has_dwarf(t.path) ? "" : " (build it with -g)");
    return;
  }
  t.fields = dwarf_context_fields(*fn);
  if (t.fields.empty())
    t.args_error = "Cannot use args in " + t.name + ": " + t.function +
                   (fn->parameters.empty() ? " has no parameters"
                                           : " has no parameter readable from registers");
}

} // namespace bpfscope
