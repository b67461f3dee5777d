#include "codegen/source_lines.h"

#include "codegen/codegen.h"

#include <llvm/BinaryFormat/Dwarf.h>
#include <llvm/IR/Module.h>

#include <cstring>

namespace bpfscope {

SourceLines::SourceLines(llvm::Module &module, const std::string &filename) : builder_(module) {
  // The BPF backend writes BTF (and its line info) only for modules with debug info of a known
  // version.
  module.addModuleFlag(llvm::Module::Warning, "Dwarf Version", 4);
  module.addModuleFlag(llvm::Module::Warning, "Debug Info Version", llvm::DEBUG_METADATA_VERSION);
  file_ = builder_.createFile(filename, ".");
  builder_.createCompileUnit(llvm::dwarf::DW_LANG_C, file_, "bpfscope", true, "", 0);
  // Every BPF function is `long fn(void *ctx)`; BTF needs a prototype for each.
  auto *i64 = builder_.createBasicType("long", 64, llvm::dwarf::DW_ATE_signed);
  auto *ctx = builder_.createPointerType(nullptr, 64);
  signature_ = builder_.createSubroutineType(builder_.getOrCreateTypeArray({i64, ctx}));
}

llvm::DISubprogram *SourceLines::function(llvm::Function &fn, const SourceRange &where) {
  auto *sp = builder_.createFunction(file_, fn.getName(), fn.getName(), file_, where.begin_line,
                                     signature_, where.begin_line, llvm::DINode::FlagPrototyped,
                                     llvm::DISubprogram::SPFlagDefinition);
  fn.setSubprogram(sp);
  remember(where);
  return sp;
}

void SourceLines::remember(const SourceRange &where) {
  if (where.valid())
    ranges_.emplace(std::make_pair(where.begin_line, where.begin_col), where);
}

SourceRange SourceLines::range_at(int line, int col) const {
  auto it = ranges_.find({line, col});
  if (it != ranges_.end())
    return it->second;
  // BTF keeps 10 bits of column: a node past column 1023 is found by line and the low bits.
  for (auto &[key, range] : ranges_)
    if (key.first == line && (key.second & 0x3ff) == col)
      return range;
  return {};
}

SourceRange statement_head(const ast::Stmt &s) {
  const ast::Expr *test = nullptr;
  if (s.kind == ast::StmtKind::If)
    test = static_cast<const ast::If &>(s).cond.get();
  else if (s.kind == ast::StmtKind::While)
    test = static_cast<const ast::While &>(s).cond.get();
  else if (s.kind == ast::StmtKind::Unroll)
    test = static_cast<const ast::Unroll &>(s).count.get();
  if (!test || !test->loc.valid() || !s.loc.valid())
    return s.loc;
  return {s.loc.begin_line, s.loc.begin_col, test->loc.end_line, test->loc.end_col + 1};
}

SourceLocationGuard::SourceLocationGuard(llvm::IRBuilder<> &b, SourceLines *lines,
                                         llvm::DIScope *scope, const SourceRange &where)
    : b_(b), saved_(b.getCurrentDebugLocation()), active_(lines && scope && where.valid()) {
  if (!active_)
    return;
  lines->remember(where);
  b_.SetCurrentDebugLocation(
      llvm::DILocation::get(scope->getContext(), where.begin_line, where.begin_col, scope));
}

SourceLocationGuard::~SourceLocationGuard() {
  if (active_)
    b_.SetCurrentDebugLocation(saved_);
}

namespace {

// Little-endian reads from a section's bytes, bounds-checked.
struct Bytes {
  llvm::StringRef data;
  bool u32(size_t at, uint32_t &v) const {
    if (at + 4 > data.size())
      return false;
    std::memcpy(&v, data.data() + at, 4);
    return true;
  }
};

constexpr uint16_t kBtfMagic = 0xeb9f;

} // namespace

// Layouts (Linux's Documentation/bpf/btf.rst): `.BTF` starts with {u16 magic, u8 version,
// u8 flags, u32 hdr_len, u32 type_off, u32 type_len, u32 str_off, u32 str_len}, offsets counted
// from the end of the header. `.BTF.ext` starts with {u16 magic, u8 version, u8 flags,
// u32 hdr_len, u32 func_info_off, u32 func_info_len, u32 line_info_off, u32 line_info_len, ...};
// its line info is a u32 record size, then per section {u32 name_off (into .BTF strings),
// u32 count} and `count` records {u32 insn_off (bytes), u32 file_name_off, u32 line_off,
// u32 line << 10 | column}.
bool read_line_info(const llvm::object::ObjectFile &object,
                    std::map<std::string, std::vector<LineInfoEntry>> &by_section,
                    std::string &error) {
  Bytes btf, ext;
  for (const auto &section : object.sections()) {
    auto name = section.getName();
    auto contents = section.getContents();
    if (!name || !contents)
      continue;
    if (*name == ".BTF")
      btf.data = *contents;
    else if (*name == ".BTF.ext")
      ext.data = *contents;
  }
  if (btf.data.size() < 24 || ext.data.size() < 24) {
    error = "the object has no BTF line info";
    return false;
  }
  uint16_t magic;
  std::memcpy(&magic, btf.data.data(), 2);
  uint32_t btf_hdr, str_off, str_len;
  if (magic != kBtfMagic || !btf.u32(4, btf_hdr) || !btf.u32(16, str_off) ||
      !btf.u32(20, str_len) || btf_hdr + str_off + str_len > btf.data.size()) {
    error = "malformed .BTF section";
    return false;
  }
  llvm::StringRef strings = btf.data.substr(btf_hdr + str_off, str_len);
  std::memcpy(&magic, ext.data.data(), 2);
  uint32_t ext_hdr, line_off, line_len, rec_size;
  if (magic != kBtfMagic || !ext.u32(4, ext_hdr) || !ext.u32(16, line_off) ||
      !ext.u32(20, line_len) || ext_hdr + line_off + line_len > ext.data.size() ||
      !ext.u32(ext_hdr + line_off, rec_size) || rec_size < 16) {
    error = "malformed .BTF.ext section";
    return false;
  }
  size_t at = ext_hdr + line_off + 4, end = ext_hdr + line_off + line_len;
  while (at + 8 <= end) {
    uint32_t name_off = 0, count = 0;
    ext.u32(at, name_off);
    ext.u32(at + 4, count);
    at += 8;
    if (name_off >= strings.size() || at + static_cast<size_t>(count) * rec_size > end) {
      error = "malformed .BTF.ext line info";
      return false;
    }
    llvm::StringRef rest = strings.substr(name_off);
    auto &entries = by_section[rest.substr(0, rest.find('\0')).str()];
    for (uint32_t i = 0; i < count; i++, at += rec_size) {
      uint32_t insn_off = 0, line_col = 0;
      ext.u32(at, insn_off);
      ext.u32(at + 12, line_col);
      LineInfoEntry e;
      e.insn = insn_off / 8;
      e.line = static_cast<int>(line_col >> 10);
      e.col = static_cast<int>(line_col & 0x3ff);
      entries.push_back(e);
    }
  }
  return true;
}

} // namespace bpfscope
