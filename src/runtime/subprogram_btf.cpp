#include "runtime/subprogram_btf.h"

#include <bpf/bpf.h>
#include <linux/btf.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>

namespace bpfscope {

SubprogramBtf::~SubprogramBtf() {
  if (btf_fd >= 0)
    close(btf_fd);
}

namespace {

// Type ids, in the order the types are written below.
enum : uint32_t {
  kLong = 1,      // INT "long", 8 bytes, signed
  kVoidPtr,       // PTR to void
  kMainProto,     // long (void *ctx)
  kMainFunc,      // FUNC "main", global
  kCallbackProto, // long (long a, long b, long c, long d)
  kCallbackFunc,  // FUNC "callback", static
};

class BtfWriter {
public:
  uint32_t name(const std::string &s) {
    uint32_t off = static_cast<uint32_t>(strings_.size());
    strings_ += s;
    strings_ += '\0';
    return off;
  }
  void word(uint32_t w) { types_.insert(types_.end(), {w}); }
  void type(uint32_t name_off, uint32_t kind, uint32_t vlen, uint32_t size_or_type) {
    word(name_off);
    word(kind << 24 | vlen);
    word(size_or_type);
  }
  std::vector<char> finish() const {
    btf_header h{};
    h.magic = BTF_MAGIC;
    h.version = BTF_VERSION;
    h.hdr_len = sizeof h;
    h.type_off = 0;
    h.type_len = static_cast<uint32_t>(types_.size() * 4);
    h.str_off = h.type_len;
    h.str_len = static_cast<uint32_t>(strings_.size());
    std::vector<char> blob(sizeof h + h.type_len + h.str_len);
    std::memcpy(blob.data(), &h, sizeof h);
    std::memcpy(blob.data() + sizeof h, types_.data(), h.type_len);
    std::memcpy(blob.data() + sizeof h + h.type_len, strings_.data(), h.str_len);
    return blob;
  }

private:
  std::vector<uint32_t> types_;
  std::string strings_ = std::string(1, '\0'); // offset 0 is the empty name
};

std::vector<char> function_types() {
  BtfWriter w;
  w.type(w.name("long"), BTF_KIND_INT, 0, 8);
  w.word(BTF_INT_SIGNED << 24 | 64);
  w.type(0, BTF_KIND_PTR, 0, 0);
  w.type(0, BTF_KIND_FUNC_PROTO, 1, kLong);
  w.word(w.name("ctx"));
  w.word(kVoidPtr);
  w.type(w.name("main"), BTF_KIND_FUNC, BTF_FUNC_GLOBAL, kMainProto);
  // The helpers pass two (bpf_loop) or four (bpf_for_each_map_elem) arguments; the verifier
  // types them itself, so one prototype serves every callback.
  w.type(0, BTF_KIND_FUNC_PROTO, 4, kLong);
  for (const char *arg : {"a", "b", "c", "d"}) {
    w.word(w.name(arg));
    w.word(kLong);
  }
  w.type(w.name("callback"), BTF_KIND_FUNC, BTF_FUNC_STATIC, kCallbackProto);
  return w.finish();
}

} // namespace

bool describe_subprograms(const std::vector<bpf_insn> &insns, SubprogramBtf &out,
                          std::string &error) {
  std::set<uint32_t> starts = {0};
  for (size_t i = 0; i < insns.size(); i++) {
    const bpf_insn &in = insns[i];
    bool call = in.code == (BPF_JMP | BPF_CALL) && in.src_reg == BPF_PSEUDO_CALL;
    bool func = in.code == (BPF_LD | BPF_IMM | BPF_DW) && in.src_reg == BPF_PSEUDO_FUNC;
    if (call || func)
      starts.insert(static_cast<uint32_t>(static_cast<int64_t>(i) + in.imm + 1));
  }
  if (starts.size() == 1)
    return true;
  std::vector<char> blob = function_types();
  LIBBPF_OPTS(bpf_btf_load_opts, opts);
  out.btf_fd = bpf_btf_load(blob.data(), blob.size(), &opts);
  if (out.btf_fd < 0) {
    error = std::string("cannot load BTF for a program with callbacks: ") + strerror(errno);
    return false;
  }
  for (uint32_t start : starts)
    out.func_info.push_back({start, start == 0 ? kMainFunc : kCallbackFunc});
  return true;
}

} // namespace bpfscope
