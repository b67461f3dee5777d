#include "runtime/kernel_btf.h"

#include "runtime/btf_types.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace bpfscope {

namespace {

constexpr const char *kRawTracepointPrefix = "btf_trace_";
constexpr const char *kTraceFunctionPrefix = "__bpf_trace_";

// "12,345,67": a prototype's parameter type ids, to match btf_trace_* with __bpf_trace_*.
std::string parameter_types_key(const btf_type *proto) {
  std::string key;
  const btf_param *p = btf_params(proto);
  for (int i = 0; i < btf_vlen(proto); i++)
    key += std::to_string(p[i].type) + ",";
  return key;
}

// The name of the kernel BTF object behind `fd` ("vmlinux", a module's name); "" for the BTF of
// BPF programs, which has none, or when the kernel does not say.
std::string kernel_btf_object_name(int fd) {
  char name[64] = {};
  bpf_btf_info info = {};
  info.name = reinterpret_cast<uintptr_t>(name);
  info.name_len = sizeof(name);
  uint32_t len = sizeof(info);
  if (bpf_obj_get_info_by_fd(fd, &info, &len) != 0 || !info.kernel_btf)
    return "";
  return name;
}

} // namespace

const btf_type *btf_skip_modifiers(const struct btf *btf, int *id) {
  const btf_type *t = btf__type_by_id(btf, *id);
  while (t && (btf_is_typedef(t) || btf_is_const(t) || btf_is_volatile(t) || btf_is_restrict(t) ||
               btf_is_type_tag(t))) {
    *id = static_cast<int>(t->type);
    t = btf__type_by_id(btf, *id);
  }
  return t;
}

int btf_own_start_id(const struct btf *btf) {
  const struct btf *base = btf__base_btf(btf);
  return base ? static_cast<int>(btf__type_cnt(base)) : 1;
}

std::string BtfFunction::signature() const {
  std::string s = (returns_void ? std::string("void") : ret.type_name) + " " + name + "(";
  for (size_t i = 0; i < params.size(); i++) {
    if (i)
      s += ", ";
    s += params[i].type_name + " " + params[i].name;
  }
  return s + ")";
}

std::string BtfView::type_name(int id) const {
  if (id == 0)
    return "void";
  const btf_type *t = btf__type_by_id(btf_, id);
  if (!t)
    return "?";
  std::string name =
      btf__name_by_offset(btf_, t->name_off) ? btf__name_by_offset(btf_, t->name_off) : "";
  switch (btf_kind(t)) {
  case BTF_KIND_PTR: {
    const btf_type *target = btf__type_by_id(btf_, t->type);
    if (target && btf_is_func_proto(target))
      return "void *"; // function pointers: their full C spelling helps nobody here
    return type_name(t->type) + " *";
  }
  case BTF_KIND_CONST:
    return "const " + type_name(t->type);
  case BTF_KIND_VOLATILE:
    return "volatile " + type_name(t->type);
  case BTF_KIND_STRUCT:
    return "struct " + name;
  case BTF_KIND_UNION:
    return "union " + name;
  case BTF_KIND_ENUM:
  case BTF_KIND_ENUM64:
    return "enum " + name;
  case BTF_KIND_RESTRICT:
  case BTF_KIND_TYPE_TAG:
    return type_name(t->type);
  default:
    return name.empty() ? "?" : name;
  }
}

BtfValue BtfView::describe(int type_id, const std::string &name) const {
  BtfValue v;
  v.name = name;
  v.type_name = type_name(type_id);
  int id = type_id;
  const btf_type *t = btf_skip_modifiers(btf_, &id);
  if (!t)
    return v;
  if (btf_is_ptr(t)) {
    v.kind = ContextField::Kind::Pointer;
    v.size = 8;
    // Typed for member access; a module's own records get handles that remember its BTF.
    v.type = type_from_btf(btf_, type_id);
  } else if (btf_is_int(t)) {
    v.size = static_cast<int>(t->size);
    v.is_signed = (btf_int_encoding(t) & BTF_INT_SIGNED) != 0;
  } else if (btf_is_enum(t) || btf_is_enum64(t)) {
    v.size = static_cast<int>(t->size);
    v.is_signed = btf_kflag(t);            // set for enums with negative values
    v.type = type_from_btf(btf_, type_id); // an integer with the enum's names, printed by name
  }
  // Anything else (a struct passed by value) is read as its first 8-byte slot.
  if (v.size != 1 && v.size != 2 && v.size != 4)
    v.size = 8;
  return v;
}

void BtfView::index() const {
  if (indexed_)
    return;
  indexed_ = true;
  size_t prefix = std::strlen(kRawTracepointPrefix);
  for (int id = btf_own_start_id(btf_), n = static_cast<int>(btf__type_cnt(btf_)); id < n; id++) {
    const btf_type *t = btf__type_by_id(btf_, id);
    const char *name = btf__name_by_offset(btf_, t->name_off);
    if (!name || !*name)
      continue;
    if (btf_is_func(t)) {
      functions_.emplace(name, id);
      const btf_type *proto = btf__type_by_id(btf_, t->type);
      if (std::strncmp(name, kTraceFunctionPrefix, std::strlen(kTraceFunctionPrefix)) == 0 &&
          proto && btf_is_func_proto(proto))
        named_trace_functions_.emplace(parameter_types_key(proto), id);
    } else if (btf_is_typedef(t) && std::strncmp(name, kRawTracepointPrefix, prefix) == 0)
      raw_tracepoints_.emplace(name + prefix, id);
  }
}

std::optional<BtfFunction> BtfView::function(const std::string &name) const {
  index();
  auto it = functions_.find(name);
  if (it == functions_.end())
    return std::nullopt;
  const btf_type *t = btf__type_by_id(btf_, it->second);
  const btf_type *proto = btf__type_by_id(btf_, t->type);
  if (!proto || !btf_is_func_proto(proto))
    return std::nullopt;
  BtfFunction f;
  f.name = name;
  f.btf_id = it->second;
  const btf_param *p = btf_params(proto);
  for (int i = 0; i < btf_vlen(proto); i++) {
    if (p[i].type == 0) // the `...` of a variadic function
      break;
    f.params.push_back(describe(p[i].type, btf__name_by_offset(btf_, p[i].name_off)));
  }
  f.returns_void = proto->type == 0;
  if (!f.returns_void)
    f.ret = describe(proto->type, "");
  return f;
}

std::optional<BtfFunction> BtfView::raw_tracepoint(const std::string &event) const {
  index();
  auto it = raw_tracepoints_.find(event);
  if (it == raw_tracepoints_.end())
    return std::nullopt;
  const btf_type *t = btf__type_by_id(btf_, it->second);
  const btf_type *ptr = btf__type_by_id(btf_, t->type);
  const btf_type *proto = ptr && btf_is_ptr(ptr) ? btf__type_by_id(btf_, ptr->type) : nullptr;
  if (!proto || !btf_is_func_proto(proto))
    return std::nullopt;
  BtfFunction f;
  f.name = event;
  f.btf_id = it->second;
  const btf_param *p = btf_params(proto);
  std::vector<std::string> names = trace_parameter_names(event, proto);
  for (int i = 1; i < btf_vlen(proto); i++) // [0] is the tracepoint's own `void *__data`
    f.params.push_back(describe(p[i].type, names[i]));
  return f;
}

std::vector<std::string> BtfView::trace_parameter_names(const std::string &event,
                                                        const btf_type *proto) const {
  std::vector<std::string> names(btf_vlen(proto));
  const btf_type *named = nullptr;
  // The event's own __bpf_trace_EVENT, else its class's function with the same parameter types.
  auto it = functions_.find(kTraceFunctionPrefix + event);
  if (it != functions_.end())
    named = btf__type_by_id(btf_, btf__type_by_id(btf_, it->second)->type);
  if (!named || btf_vlen(named) != btf_vlen(proto)) {
    auto by_types = named_trace_functions_.find(parameter_types_key(proto));
    named = by_types == named_trace_functions_.end()
                ? nullptr
                : btf__type_by_id(btf_, btf__type_by_id(btf_, by_types->second)->type);
  }
  for (size_t i = 0; i < names.size(); i++) {
    const char *name = nullptr;
    if (named && btf_vlen(named) == static_cast<int>(names.size()))
      name = btf__name_by_offset(btf_, btf_params(named)[i].name_off);
    if (!name || !*name)
      name = btf__name_by_offset(btf_, btf_params(proto)[i].name_off);
    names[i] = name ? name : "";
  }
  return names;
}

namespace {

// Bit offset of `member` within the struct/union `id`, descending into anonymous members.
std::optional<long> find_member_bits(const struct btf *btf, int id, const std::string &member,
                                     int depth) {
  const btf_type *t = btf__type_by_id(btf, btf__resolve_type(btf, id));
  if (!t || depth > 8 || !(btf_is_struct(t) || btf_is_union(t)))
    return std::nullopt;
  const btf_member *m = btf_members(t);
  for (int i = 0; i < btf_vlen(t); i++, m++) {
    const char *name = btf__name_by_offset(btf, m->name_off);
    long bits = btf_member_bit_offset(t, i);
    if (name && member == name)
      return bits;
    if (!name || !*name) {
      if (auto inner = find_member_bits(btf, m->type, member, depth + 1))
        return bits + *inner;
    }
  }
  return std::nullopt;
}

} // namespace

std::optional<int> BtfView::member_offset(const std::string &struct_name,
                                          const std::string &member) const {
  int id = btf__find_by_name_kind(btf_, struct_name.c_str(), BTF_KIND_STRUCT);
  if (id < 0)
    return std::nullopt;
  auto bits = find_member_bits(btf_, id, member, 0);
  if (!bits || *bits % 8 != 0)
    return std::nullopt;
  return static_cast<int>(*bits / 8);
}

std::vector<std::string> BtfView::function_names() const {
  index();
  std::vector<std::string> out;
  for (auto &[name, id] : functions_)
    out.push_back(name);
  return out;
}

std::vector<std::string> BtfView::raw_tracepoint_names() const {
  index();
  std::vector<std::string> out;
  for (auto &[name, id] : raw_tracepoints_)
    out.push_back(name);
  return out;
}

// ------------------------------------------------------------------ the running kernel

struct KernelBtf::Module {
  std::string name;
  int fd = -1;
  struct btf *btf = nullptr;
  std::unique_ptr<BtfView> view;
};

KernelBtf &KernelBtf::running() {
  static KernelBtf instance;
  return instance;
}

KernelBtf::~KernelBtf() {
  for (auto &m : modules_) {
    btf__free(m->btf);
    if (m->fd >= 0)
      close(m->fd);
  }
  btf__free(vmlinux_);
}

bool KernelBtf::available(std::string *why) {
  if (!tried_vmlinux_) {
    tried_vmlinux_ = true;
    if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
      vmlinux_error_ =
          "this kernel has no BTF (/sys/kernel/btf/vmlinux: " + std::string(strerror(errno)) + ")";
    } else {
      vmlinux_ = btf__load_vmlinux_btf();
      if (!vmlinux_)
        vmlinux_error_ = std::string("cannot parse the kernel's BTF: ") + strerror(errno);
      else
        vmlinux_view_ = std::make_unique<BtfView>(vmlinux_);
    }
  }
  if (!vmlinux_ && why)
    *why = vmlinux_error_;
  return vmlinux_ != nullptr;
}

const BtfView *KernelBtf::view(const std::string &module, std::string *error) {
  if (!available(error))
    return nullptr;
  if (module.empty() || module == "vmlinux")
    return vmlinux_view_.get();
  for (auto &m : modules_)
    if (m->name == module)
      return m->view.get();
  // Walk the kernel's BTF objects for the module's (their names are the module names).
  uint32_t id = 0;
  while (bpf_btf_get_next_id(id, &id) == 0) {
    int fd = bpf_btf_get_fd_by_id(id);
    if (fd < 0)
      continue;
    if (kernel_btf_object_name(fd) != module) {
      close(fd);
      continue;
    }
    struct btf *btf = btf__load_from_kernel_by_id_split(id, vmlinux_);
    if (!btf) {
      close(fd);
      break;
    }
    auto m = std::make_unique<Module>();
    m->name = module;
    m->fd = fd;
    m->btf = btf;
    m->view = std::make_unique<BtfView>(btf);
    modules_.push_back(std::move(m));
    return modules_.back()->view.get();
  }
  if (error)
    *error = "no BTF for module " + module + " (is it loaded?)";
  return nullptr;
}

std::vector<const struct btf *> KernelBtf::module_btfs() {
  std::vector<const struct btf *> out;
  if (!available())
    return out;
  std::vector<std::string> names;
  uint32_t id = 0;
  while (bpf_btf_get_next_id(id, &id) == 0) {
    int fd = bpf_btf_get_fd_by_id(id);
    if (fd < 0)
      continue;
    std::string name = kernel_btf_object_name(fd);
    if (!name.empty() && name != "vmlinux")
      names.push_back(name);
    close(fd);
  }
  for (auto &n : names)
    if (const BtfView *v = view(n, nullptr))
      out.push_back(v->raw());
  return out;
}

int KernelBtf::module_fd(const std::string &module) {
  if (module.empty() || module == "vmlinux")
    return -1;
  std::string error;
  view(module, &error);
  for (auto &m : modules_)
    if (m->name == module)
      return m->fd;
  return -1;
}

std::optional<std::pair<int, int>> ppid_offsets_from_btf() {
  const BtfView *view = KernelBtf::running().view("", nullptr);
  if (!view)
    return std::nullopt;
  auto parent = view->member_offset("task_struct", "real_parent");
  auto tgid = view->member_offset("task_struct", "tgid");
  if (!parent || !tgid)
    return std::nullopt;
  return std::make_pair(*parent, *tgid);
}

} // namespace bpfscope
