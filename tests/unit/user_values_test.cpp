// reg(), usym(), buf() and DWARF-typed args: their types from the semantic pass, and programs
// using them that the running kernel's verifier accepts (loaded as root, attached nowhere).
#include "analysis_support.h"
#include "codegen/codegen.h"
#include "parser/pt_regs.h"
#include "runtime/loader.h"
#include "test_support.h"

#include <gtest/gtest.h>
#include <unistd.h>

using namespace bpfscope;
using bpfscope::testing::analyse;

namespace {

const ast::Expr &printed(const bpfscope::testing::Analysed &a, size_t stmt) {
  auto &s = *a.program->probes[0]->body->stmts.at(stmt);
  return *static_cast<const ast::Call &>(*static_cast<const ast::ExprStmt &>(s).expr).args[0];
}

// Compiles and loads every program of `source`, BEGIN/END and u64-array probes too as kprobe
// programs; "" or the first error.
std::string load_all(const std::string &source) {
  return bpfscope::testing::load_all(source, BPF_PROG_TYPE_KPROBE);
}

TEST(PtRegs, NamesAndOffsets) {
  EXPECT_EQ(pt_regs_offset("r15"), 0);
  EXPECT_EQ(pt_regs_offset("di"), 112);
  EXPECT_EQ(pt_regs_offset("ip"), 128);
  EXPECT_EQ(pt_regs_offset("sp"), 152);
  EXPECT_EQ(pt_regs_offset("rip"), -1);
}

TEST(UserValues, Types) {
  auto a = analyse("kprobe:f { print(reg(\"ip\")); print(usym(arg0)); print(buf(arg0, 5)); "
                   "print(buf(arg0, arg1)); @[usym(reg(\"ip\"))] = count(); }");
  ASSERT_TRUE(a.ok) << a.errors;
  EXPECT_EQ(printed(a, 0).type.name(), "uint64");
  EXPECT_EQ(static_cast<const ast::Call &>(printed(a, 0)).resource_id, 128);
  EXPECT_EQ(printed(a, 1).type.name(), "usym_t");
  EXPECT_EQ(printed(a, 1).type.size, 16);
  EXPECT_EQ(printed(a, 2).type.name(), "buffer[5]");
  EXPECT_EQ(printed(a, 3).type.name(), "buffer[1024]"); // a run-time length: the maximum
  EXPECT_EQ(a.info.maps.at(0).key_type.kind, TypeKind::Usym);
}

TEST(UserValues, Errors) {
  EXPECT_NE(analyse("kprobe:f { print(buf(arg0, -1)); }").errors.find("must not be negative"),
            std::string::npos);
  EXPECT_NE(analyse("kprobe:f { print(buf(\"s\", 1)); }").errors.find("buf() expects an address"),
            std::string::npos);
  EXPECT_NE(analyse("kprobe:f { print(reg(arg0)); }").errors.find("reg() expects a string literal"),
            std::string::npos);
  EXPECT_NE(analyse("tracepoint:test:a { print(reg(\"ip\")); }").errors.find("reg() can only"),
            std::string::npos);
}

TEST(UserValues, PointerFieldsPrintAsPointers) {
  auto a = analyse("tracepoint:test:a { print(args.filename); @p = args.filename; }");
  ASSERT_TRUE(a.ok) << a.errors;
  EXPECT_TRUE(printed(a, 0).type.is_pointer);
  EXPECT_TRUE(a.info.maps.at(0).value_type.is_pointer); // kept in map storage
}

TEST(UserValues, VerifierAcceptsThem) {
  EXPECT_EQ(load_all("kprobe:f { printf(\"%r %rx %rh\\n\", buf(arg0, 16), buf(arg1, arg2), "
                     "buf(reg(\"sp\"), 8)); @b[tid] = buf(arg0, 4); }"),
            "");
  EXPECT_EQ(load_all("kprobe:f { printf(\"%s\\n\", usym(reg(\"ip\"))); @[usym(arg0)] = count(); }"
                     " interval:s:1 { print(reg(\"sp\")); }"),
            "");
}

// `args` from DWARF are read only when used, through SemanticOptions::load_context_fields.
class LazyArgsResolver : public ProbeResolver {
public:
  bool resolve(const ast::AttachPoint &ap, std::vector<ProbeTarget> &out, Diagnostics &) override {
    ProbeTarget t;
    t.provider = "uprobe";
    t.name = ap.raw;
    t.program_kind = ProgramKind::Kprobe;
    t.arg_source = ArgumentSource::PtRegs;
    t.max_args = 6;
    t.dwarf_function = "f";
    out.push_back(t);
    return true;
  }
};

int lazy_loads(const std::string &source, std::string *errors) {
  Diagnostics diags("stdin", source);
  auto program = parse_program(source, diags);
  LazyArgsResolver resolver;
  SemanticOptions opts;
  int loads = 0;
  opts.load_context_fields = [&](ProbeTarget &t) {
    loads++;
    t.fields = {{"count", ContextField::Kind::Integer, 112, 4, true}};
  };
  ProgramInfo info;
  analyse_program(*program, resolver, opts, info, diags);
  for (auto &d : diags.all())
    *errors += diags.render(d);
  return loads;
}

TEST(UserValues, DwarfArgsAreReadOnlyWhenUsed) {
  std::string errors;
  EXPECT_EQ(lazy_loads("uprobe:x:f { @ = count(); }", &errors), 0);
  EXPECT_EQ(lazy_loads("uprobe:x:f { print(args.count); print(args.count + 1); }", &errors), 1);
  EXPECT_EQ(errors, "");
  EXPECT_EQ(lazy_loads("uprobe:x:f { print(args.cout); }", &errors), 1);
  EXPECT_NE(errors.find("HINT: Did you mean 'count'? fields: count"), std::string::npos) << errors;
}

} // namespace
