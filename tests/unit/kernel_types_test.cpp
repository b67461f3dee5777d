// C types in scripts: BTF to language types (on a BTF built here and on the running kernel's),
// the semantic rules for members, casts, sizeof/offsetof (with a fake resolver), and code that
// the kernel's verifier accepts for pointer chasing through real kernel structs.
#include "codegen/codegen.h"
#include "load_support.h"
#include "parser/script_types.h"
#include "runtime/btf_types.h"
#include "runtime/format_json.h"
#include "runtime/format_value.h"
#include "runtime/kernel_btf.h"
#include "runtime/loader.h"
#include "test_support.h"

#include <bpf/btf.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <map>

using namespace bpfscope;
using bpfscope::testing::analyse;

namespace {

// struct task { int32 pid; char comm[16]; struct task *parent; struct inner in; u32 flags:3,
// state:5; } with struct inner { u64 x; int32 y; } embedded at 40.
class FakeTypes : public TypeResolver {
public:
  FakeTypes() {
    Type task = Type::record("struct task", 64, 1);
    Type inner = Type::record("struct inner", 16, 2);
    members_[{1, "pid"}] = {Type::integer(4, true), 8, 0, 0};
    members_[{1, "comm"}] = {Type::string(16), 16, 0, 0};
    members_[{1, "parent"}] = {Type::pointer(task), 32, 0, 0};
    members_[{1, "in"}] = {inner, 40, 0, 0};
    members_[{1, "flags"}] = {Type::integer(4, false), 56, 0, 3};
    members_[{1, "state"}] = {Type::integer(4, false), 56, 3, 5};
    members_[{2, "x"}] = {Type::integer(8, false), 0, 0, 0};
    members_[{2, "y"}] = {Type::integer(4, true), 8, 0, 0};
    types_["struct task"] = task;
    types_["struct inner"] = inner;
  }
  std::optional<Type> named_type(const std::string &name) override {
    auto it = types_.find(name);
    return it == types_.end() ? std::nullopt : std::optional<Type>(it->second);
  }
  std::optional<RecordMember> member(const Type &record, const std::string &name) override {
    auto it = members_.find({record.record_id, name});
    return it == members_.end() ? std::nullopt : std::optional<RecordMember>(it->second);
  }
  std::string member_hint(const Type &, const std::string &) override { return ""; }
  std::vector<std::pair<std::string, RecordMember>> members(const Type &record) override {
    std::vector<std::pair<std::string, RecordMember>> out;
    for (auto &[key, m] : members_)
      if (key.first == record.record_id)
        out.emplace_back(key.second, m);
    std::sort(out.begin(), out.end(),
              [](auto &a, auto &b) { return a.second.offset < b.second.offset; });
    return out;
  }
  std::optional<int64_t> enum_value(const std::string &name) override {
    if (name == "TASK_RUNNING")
      return 0;
    return std::nullopt;
  }

private:
  std::map<std::pair<int, std::string>, RecordMember> members_;
  std::map<std::string, Type> types_;
};

// The type of the value of the first statement `$v = EXPR` of a kprobe body.
Type type_of(const std::string &expr, std::string *errors = nullptr) {
  FakeTypes types;
  auto a = analyse("kprobe:f { $v = " + expr + "; }", {}, &types);
  if (errors)
    *errors = a.errors;
  if (!a.ok)
    return Type::none();
  return a.info.probes[0].variables.at("$v");
}

std::string errors_of(const std::string &source) {
  FakeTypes types;
  return analyse(source, {}, &types).errors;
}

} // namespace

// ------------------------------------------------------------------ semantic rules

TEST(KernelTypes, CastToStructPointerAndMemberTypes) {
  EXPECT_EQ(type_of("(struct task *)arg0").name(), "struct task *");
  EXPECT_EQ(type_of("((struct task *)arg0)->pid").name(), "int32"); // stored widened
  EXPECT_EQ(type_of("((struct task *)arg0)->comm").name(), "string[16]");
  EXPECT_EQ(type_of("((struct task *)arg0)->parent->parent").name(), "struct task *");
  // `.` dereferences pointers too, and `->` works on a struct (bpftrace v0.26).
  EXPECT_EQ(type_of("((struct task *)arg0).in.y").name(), "int32");
  EXPECT_EQ(type_of("((struct task *)arg0)->in->x").name(), "uint64");
  EXPECT_EQ(type_of("(int8 *)arg0").name(), "int8 *");
  EXPECT_EQ(type_of("(void *)arg0").name(), "void *");
  EXPECT_EQ(type_of("*(int16 *)arg0").name(), "int16");
}

TEST(KernelTypes, MemberOffsetsAreRecordedForCodegen) {
  FakeTypes types;
  auto a = analyse("kprobe:f { $v = ((struct task *)arg0)->in.y + ((struct task *)arg0)->state; }",
                   {}, &types);
  ASSERT_TRUE(a.ok) << a.errors;
  auto &assign = static_cast<ast::AssignVar &>(*a.program->probes[0]->body->stmts[0]);
  auto &sum = static_cast<ast::Binary &>(*assign.value);
  auto &y = static_cast<ast::Field &>(*sum.lhs);
  EXPECT_EQ(y.member_offset, 8);
  EXPECT_EQ(static_cast<ast::Field &>(*y.base).member_offset, 40);
  auto &state = static_cast<ast::Field &>(*sum.rhs);
  EXPECT_EQ(state.member_offset, 56);
  EXPECT_EQ(state.bit_offset, 3);
  EXPECT_EQ(state.bit_size, 5);
}

TEST(KernelTypes, TypeofInCastsLetAndSizeof) {
  EXPECT_EQ(type_of("(typeof((struct task *)arg0))arg1").name(), "struct task *");
  EXPECT_EQ(type_of("(typeof(((struct task *)arg0)->pid))arg1").name(), "int32"); // stored wide
  FakeTypes types;
  auto a = analyse("kprobe:f { let $t: typeof((struct task *)arg0) = arg1; @s = "
                   "sizeof(typeof(((struct task *)arg0)->in)); }",
                   {}, &types);
  ASSERT_TRUE(a.ok) << a.errors;
  EXPECT_EQ(a.info.probes[0].variables.at("$t").name(), "struct task *");
  auto &assign = static_cast<ast::AssignMap &>(*a.program->probes[0]->body->stmts[1]);
  EXPECT_EQ(static_cast<ast::TypeQuery &>(*assign.value).value, 16u);
  EXPECT_NE(errors_of("kprobe:f { $x = (typeof(comm))1; }")
                .find("ERROR: Cannot cast from 'int8' to 'string[16]'"),
            std::string::npos);
}

TEST(KernelTypes, PointerArithmeticKeepsThePointerType) {
  EXPECT_EQ(type_of("(struct task *)arg0 + 1").name(), "struct task *");
  EXPECT_EQ(type_of("(int32 *)arg0 - 2").name(), "int32 *");
  EXPECT_EQ(type_of("(int32 *)arg0 - (int32 *)arg1").name(), "int64");
}

TEST(KernelTypes, SizeofAndOffsetof) {
  FakeTypes types;
  auto a = analyse("kprobe:f { @a = sizeof(struct task); @b = sizeof(int16); @c = sizeof(arg0); "
                   "@d = offsetof(struct task, in.y); @e = sizeof(struct task *); "
                   "@f = TASK_RUNNING; }",
                   {}, &types);
  ASSERT_TRUE(a.ok) << a.errors;
  std::vector<uint64_t> values;
  for (auto &s : a.program->probes[0]->body->stmts) {
    auto &assign = static_cast<ast::AssignMap &>(*s);
    if (assign.value->kind == ast::ExprKind::TypeQuery)
      values.push_back(static_cast<ast::TypeQuery &>(*assign.value).value);
  }
  EXPECT_EQ(values, (std::vector<uint64_t>{64, 2, 8, 48, 8}));
  EXPECT_EQ(a.info.enum_constants.at("TASK_RUNNING"), 0);
}

TEST(KernelTypes, Errors) {
  EXPECT_NE(errors_of("kprobe:f { $x = (struct nope *)arg0; }")
                .find("ERROR: Unknown struct/union: 'struct nope'"),
            std::string::npos);
  EXPECT_NE(errors_of("kprobe:f { $x = ((struct task *)arg0)->pdi; }")
                .find("ERROR: Struct/union of type 'struct task' does not contain a field named "
                      "'pdi'"),
            std::string::npos);
  EXPECT_NE(errors_of("kprobe:f { $x = arg0->pid; }")
                .find("ERROR: Can not access field 'pid' on expression of type 'uint64'"),
            std::string::npos);
  EXPECT_NE(errors_of("kprobe:f { $x = ((int8 *)arg0)->pid; }")
                .find("ERROR: Can not access field 'pid' on expression of type 'int8 *'"),
            std::string::npos);
  EXPECT_NE(errors_of("kprobe:f { $x = sizeof(struct nope); }")
                .find("ERROR: Unknown struct/union: 'struct nope'"),
            std::string::npos);
  EXPECT_NE(errors_of("struct Big { char b[300]; }\nkprobe:f { print(*(struct Big *)arg0); }")
                .find("ERROR: A value of type 'struct Big' (300 bytes) is too large to be stored "
                      "or printed whole (at most 256 bytes)"),
            std::string::npos);
  EXPECT_NE(errors_of("kprobe:f { $x = *arg0; }")
                .find("ERROR: Can not dereference an expression of type 'uint64'"),
            std::string::npos);
}

TEST(KernelTypes, WholeStructsGetTheirMembersForPrinting) {
  FakeTypes types;
  auto a = analyse("kprobe:f { $s = ((struct task *)arg0)->in; @m = *(struct task *)arg0; }", {},
                   &types);
  ASSERT_TRUE(a.ok) << a.errors;
  const Type &in = a.info.probes[0].variables.at("$s");
  EXPECT_EQ(in.field_names, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(in.field_offsets, (std::vector<int>{0, 8}));
  const Type &task = a.info.maps[a.info.map_ids.at("@m")].value_type;
  // Bitfields (flags, state) are in, with the bits that hold them.
  EXPECT_EQ(task.field_names,
            (std::vector<std::string>{"pid", "comm", "parent", "in", "flags", "state"}));
  EXPECT_EQ(task.fields[3].field_names.size(), 2u);
  EXPECT_EQ(task.fields[5].bitfield_offset, 3);
  EXPECT_EQ(task.fields[5].bitfield_size, 5);
}

TEST(KernelTypes, CurtaskIsATaskPointerWhenTypesAreKnown) {
  class TaskTypes : public FakeTypes {
  public:
    std::optional<Type> named_type(const std::string &name) override {
      if (name == "struct task_struct")
        return FakeTypes::named_type("struct task");
      return FakeTypes::named_type(name);
    }
  } types;
  auto a = analyse("kprobe:f { $t = curtask; $p = curtask->parent->pid; }", {}, &types);
  ASSERT_TRUE(a.ok) << a.errors;
  EXPECT_EQ(a.info.probes[0].variables.at("$t").name(), "struct task *");
  // Without kernel types, curtask is the plain address it always was.
  auto plain = analyse("kprobe:f { $t = curtask; }");
  ASSERT_TRUE(plain.ok) << plain.errors;
  EXPECT_EQ(plain.info.probes[0].variables.at("$t").name(), "uint64");
}

// ------------------------------------------------------------------ BTF to types

TEST(KernelTypes, BtfTypesConvert) {
  struct btf *b = btf__new_empty();
  ASSERT_NE(b, nullptr);
  int s32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
  int u32 = btf__add_int(b, "unsigned int", 4, 0);
  int chr = btf__add_int(b, "char", 1, BTF_INT_SIGNED);
  int u8 = btf__add_int(b, "u8", 1, 0);
  int comm = btf__add_array(b, u32, chr, 16);
  int bytes = btf__add_array(b, u32, u8, 6);
  int fwd = btf__add_fwd(b, "thing", BTF_FWD_STRUCT);
  int ptr = btf__add_ptr(b, fwd);
  int thing = btf__add_struct(b, "thing", 40);
  btf__add_field(b, "id", s32, 0, 0);
  btf__add_field(b, "name", comm, 32, 0);
  btf__add_field(b, "next", ptr, 192, 0);
  btf__add_field(b, "mac", bytes, 256, 0);
  btf__add_field(b, "flag", u32, 304, 1);
  btf__add_field(b, "mode", u32, 305, 4);
  int anon = btf__add_union(b, nullptr, 4);
  btf__add_field(b, "hidden", s32, 0, 0);
  int outer = btf__add_struct(b, "outer", 8);
  btf__add_field(b, "a", s32, 0, 0);
  btf__add_field(b, nullptr, anon, 32, 0);
  ASSERT_GT(outer, 0);

  EXPECT_EQ(type_from_btf(b, thing).name(), "struct thing");
  EXPECT_EQ(type_from_btf(b, thing).size, 40);
  EXPECT_EQ(type_from_btf(b, ptr).name(), "struct thing *"); // the FWD resolves to the definition
  BtfTypeResolver types(b);
  Type t = *types.named_type("struct thing");
  EXPECT_EQ(types.member(t, "id")->type.name(), "int32");
  EXPECT_EQ(types.member(t, "name")->type.name(), "string[16]");
  EXPECT_EQ(types.member(t, "name")->offset, 4);
  EXPECT_EQ(types.member(t, "next")->offset, 24);
  EXPECT_EQ(types.member(t, "mac")->type.name(), "uint8[6]");
  auto mode = types.member(t, "mode");
  EXPECT_EQ(mode->offset, 38);
  EXPECT_EQ(mode->bit_offset, 1);
  EXPECT_EQ(mode->bit_size, 4);
  EXPECT_FALSE(types.member(t, "nope"));
  Type o = *types.named_type("struct outer");
  EXPECT_EQ(types.member(o, "hidden")->offset, 4); // through the anonymous union
  EXPECT_FALSE(types.named_type("struct absent"));
  btf__free(b);
}

TEST(KernelTypes, RunningKernelTaskStruct) {
  if (access("/sys/kernel/btf/vmlinux", R_OK) != 0)
    GTEST_SKIP() << "no kernel BTF";
  BtfTypeResolver types;
  auto task = types.named_type("struct task_struct");
  ASSERT_TRUE(task);
  EXPECT_GT(task->size, 1000);
  EXPECT_EQ(types.member(*task, "pid")->type.name(), "int32");
  EXPECT_EQ(types.member(*task, "comm")->type.name(), "string[16]");
  EXPECT_EQ(types.member(*task, "real_parent")->type.name(), "struct task_struct *");
  EXPECT_EQ(types.member_hint(*task, "pdi"), "Did you mean 'pid'?");
  EXPECT_EQ(types.enum_value("TASK_COMM_LEN"), 16);
}

// ------------------------------------------------------------------ codegen, verified

TEST(KernelTypes, PointerChasingPassesTheVerifier) {
  if (getuid() != 0 || access("/sys/kernel/btf/vmlinux", R_OK) != 0)
    GTEST_SKIP() << "needs root and kernel BTF";
  const std::string source =
      "tracepoint:test:a { @[curtask->real_parent->comm, curtask->se.load.weight] = "
      "sum(curtask->real_parent->real_parent->pid); $t = (struct task_struct *)curtask; "
      "$p = $t + 1; @n = $p - $t; @s = sizeof(struct task_struct) + offsetof(struct "
      "task_struct, se.vruntime); print(*(int32 *)((uint64)$t + offsetof(struct task_struct, "
      "pid))); print($t->flags); print(curtask); }";
  BtfTypeResolver types;
  auto a = analyse(source, {}, &types);
  ASSERT_TRUE(a.ok) << a.errors;
  Diagnostics diags("stdin", source);
  CompiledObject object;
  ASSERT_TRUE(compile_program(*a.program, a.info, {}, object, diags));
  EXPECT_EQ(bpfscope::testing::load_every_program(a.info, object, BPF_PROG_TYPE_TRACEPOINT), "");
}

// ------------------------------------------------------------------ arrays, script types

TEST(KernelTypes, IndexingArraysAndPointers) {
  EXPECT_EQ(type_of("((int16 *)arg0)[3]").name(), "int16");
  EXPECT_EQ(type_of("((struct task **)arg0)[1]->comm").name(), "string[16]");
  std::string errors;
  type_of("arg0[1]", &errors);
  EXPECT_NE(errors.find("ERROR: The [] operator can not be used on expressions of type uint64"),
            std::string::npos)
      << errors;
  type_of("((void *)arg0)[1]", &errors);
  EXPECT_NE(errors.find("ERROR: Can not index a 'void *'"), std::string::npos) << errors;
}

TEST(KernelTypes, ScriptDefinitionsAreLaidOutLikeC) {
  FakeTypes kernel;
  ScriptTypes types(&kernel);
  Diagnostics diags("stdin", "");
  ASSERT_TRUE(types.define("struct Foo { char c; int a; char name[5]; struct task *t; "
                           "unsigned long long big; short s; struct Foo *next; }",
                           {}, diags));
  ASSERT_TRUE(types.define("union U { char c; int i; u64 wide; }", {}, diags));
  ASSERT_TRUE(types.define("enum E { A, B = 5, C, D = -2, F }", {}, diags));
  ASSERT_TRUE(types.define("struct Outer { char c; struct Foo inner; struct task k; }", {}, diags));
  Type foo = *types.named_type("struct Foo");
  EXPECT_EQ(foo.size, 48);
  auto off = [&](const Type &r, const char *m) { return types.member(r, m)->offset; };
  EXPECT_EQ(off(foo, "a"), 4);
  EXPECT_EQ(off(foo, "name"), 8);
  EXPECT_EQ(types.member(foo, "name")->type.name(), "string[5]");
  EXPECT_EQ(off(foo, "t"), 16);
  EXPECT_EQ(types.member(foo, "t")->type.name(), "struct task *"); // from the kernel's types
  EXPECT_EQ(off(foo, "big"), 24);
  EXPECT_EQ(types.member(foo, "big")->type.name(), "uint64");
  EXPECT_EQ(off(foo, "s"), 32);
  EXPECT_EQ(off(foo, "next"), 40);
  EXPECT_EQ(types.member(foo, "next")->type.pointee().size, 48);
  Type u = *types.named_type("union U");
  EXPECT_EQ(u.size, 8);
  EXPECT_EQ(off(u, "wide"), 0);
  Type outer = *types.named_type("struct Outer");
  EXPECT_EQ(off(outer, "inner"), 8);
  EXPECT_EQ(off(outer, "k"), 56);
  EXPECT_EQ(outer.size, 120);
  EXPECT_EQ(types.enum_value("B"), 5);
  EXPECT_EQ(types.enum_value("C"), 6);
  EXPECT_EQ(types.enum_value("F"), -1);
  EXPECT_EQ(types.enum_value("TASK_RUNNING"), 0); // the kernel's, underneath
  EXPECT_FALSE(diags.has_errors());

  EXPECT_FALSE(types.define("struct Bad { struct nope x; }", {}, diags));
  EXPECT_FALSE(types.define("struct Wide { char a : 9; }", {}, diags));
  EXPECT_FALSE(types.define("struct PtrBits { int *p : 3; }", {}, diags));
  std::string all;
  for (auto &d : diags.all())
    all += d.message + "\n";
  EXPECT_NE(all.find("unknown type 'struct nope' of member x"), std::string::npos) << all;
  EXPECT_NE(all.find("bitfield a must be 1 to 8 bits wide"), std::string::npos) << all;
  EXPECT_NE(all.find("bitfield p must have an integer type"), std::string::npos) << all;
}

// C's layout: a bitfield follows the previous member unless it would cross a boundary of its
// own type's size; a plain member starts at the next byte its alignment allows.
TEST(KernelTypes, ScriptBitfieldsLayout) {
  ScriptTypes types(nullptr);
  Diagnostics diags("stdin", "");
  ASSERT_TRUE(types.define("struct Bits { unsigned int a:3; int b:5; unsigned char c; "
                           "unsigned short d:9; int e:20; long f; bool g:1; }",
                           {}, diags));
  Type t = *types.named_type("struct Bits");
  auto at = [&](const char *name) {
    RecordMember m = *types.member(t, name);
    return std::to_string(m.offset) + "+" + std::to_string(m.bit_offset) + ":" +
           std::to_string(m.bit_size);
  };
  EXPECT_EQ(at("a"), "0+0:3");
  EXPECT_EQ(at("b"), "0+3:5");
  EXPECT_EQ(at("c"), "1+0:0");
  EXPECT_EQ(at("d"), "2+0:9");
  EXPECT_EQ(at("e"), "4+0:20"); // bits 25..44 would cross the int at 32: moved there
  EXPECT_EQ(at("f"), "8+0:0");
  EXPECT_EQ(at("g"), "16+0:1");
  EXPECT_EQ(t.size, 24);
  EXPECT_TRUE(types.member(t, "b")->type.is_signed);
}

// A whole struct prints its bitfields from the bits that hold them.
TEST(KernelTypes, WholeStructPrintsBitfields) {
  ScriptTypes types(nullptr);
  auto a = analyse("struct B { unsigned int a:3; int b:5; unsigned short d:9; bool f:1; }\n"
                   "kprobe:f { $s = *(struct B *)arg0; }",
                   {}, &types);
  ASSERT_TRUE(a.ok) << a.errors;
  const Type &s = a.info.probes[0].variables.at("$s");
  ASSERT_EQ(s.field_names.size(), 4u);
  // a=5, b=-3, d=300 at bits 16..24, f at bit 25
  uint32_t word = 5u | (0x1du << 3) | (300u << 16) | (1u << 25);
  uint8_t bytes[4];
  std::memcpy(bytes, &word, 4);
  EXPECT_EQ(format_value(s, bytes), "{ .a = 5, .b = -3, .d = 300, .f = true }");
  EXPECT_EQ(json_value(s, bytes), "{\"a\": 5, \"b\": -3, \"d\": 300, \"f\": true}");
}

TEST(KernelTypes, ScriptPreambleTypesAndConstants) {
  FakeTypes kernel;
  auto a = analyse("struct S { int a; char b[16]; }\nenum E { ONE = 1 }\n"
                   "kprobe:f { @a = sizeof(struct S); @d = ONE; @e = ((struct S *)arg0)->b; }",
                   {}, &kernel);
  ASSERT_TRUE(a.ok) << a.errors;
  ASSERT_EQ(a.program->c_definitions.size(), 2u);
  auto &stmts = a.program->probes[0]->body->stmts;
  auto &size = static_cast<ast::AssignMap &>(*stmts[0]);
  EXPECT_EQ(static_cast<ast::TypeQuery &>(*size.value).value, 20u);
  EXPECT_EQ(a.info.enum_constants.at("ONE"), 1);
  EXPECT_EQ(a.info.maps[a.info.map_ids.at("@e")].value_type.name(), "string[16]");
}

// ------------------------------------------------------------------ output

TEST(KernelTypes, StructsAndPointersPrintAsBpftraceDoes) {
  Type inner = Type::record("struct in", 4, 2);
  inner.fields = {Type::integer(4, true)};
  inner.field_offsets = {0};
  inner.field_names = {"x"};
  Type s = Type::record("struct s", 24, 1);
  s.fields = {Type::integer(4, true), Type::array(Type::integer(2, false), 2), inner,
              Type::pointer(inner), Type::string(4)};
  s.field_offsets = {0, 4, 8, 12, 20};
  s.field_names = {"a", "b", "c", "p", "name"};
  uint8_t data[24] = {};
  int32_t a = -1;
  uint16_t b[2] = {2, 3};
  int32_t x = 7;
  uint64_t p = 0xffff888000001000ULL;
  memcpy(data, &a, 4);
  memcpy(data + 4, b, 4);
  memcpy(data + 8, &x, 4);
  memcpy(data + 12, &p, 8);
  memcpy(data + 20, "abc", 4);
  EXPECT_EQ(format_value(s, data),
            "{ .a = -1, .b = [2,3], .c = { .x = 7 }, .p = 0xffff888000001000, .name = abc }");
  EXPECT_EQ(json_value(s, data),
            "{\"a\": -1, \"b\": [2,3], \"c\": {\"x\": 7}, \"p\": 18446612682070036480, "
            "\"name\": \"abc\"}");
}

// ------------------------------------------------------------------ module BTF

// Two "modules" split on one base, as /sys/kernel/btf/<module> are on vmlinux: their own types
// reuse the same ids, point into the base and into themselves.
TEST(KernelTypes, ModuleTypesResolveThroughTheirOwnBtf) {
  struct btf *base = btf__new_empty();
  int s32 = btf__add_int(base, "int", 4, BTF_INT_SIGNED);
  int base_rec = btf__add_struct(base, "inode", 8);
  btf__add_field(base, "i_ino", s32, 0, 0);
  ASSERT_GT(base_rec, 0);

  struct btf *mod_a = btf__new_empty_split(base);
  int inode_ptr = btf__add_ptr(mod_a, base_rec);
  int fid = btf__add_struct(mod_a, "p9_fid", 16);
  btf__add_field(mod_a, "fid", s32, 0, 0);
  btf__add_field(mod_a, "inode", inode_ptr, 64, 0);
  int fid_ptr = btf__add_ptr(mod_a, fid);
  int proto = btf__add_func_proto(mod_a, s32);
  btf__add_func_param(mod_a, "fid", fid_ptr);
  btf__add_func(mod_a, "p9_clunk", BTF_FUNC_GLOBAL, proto);

  struct btf *mod_b = btf__new_empty_split(base);
  btf__add_int(mod_b, "padding_type", 4, 0); // so that the next id is the same as `fid`
  int other = btf__add_struct(mod_b, "virtio_thing", 4);
  btf__add_field(mod_b, "count", s32, 0, 0);
  ASSERT_EQ(fid, other); // the same id in both modules

  BtfTypeResolver types(base);
  EXPECT_FALSE(types.named_type("struct p9_fid")); // no module BTF known yet
  types.add_module_btf(mod_a);
  types.add_module_btf(mod_b);
  Type f = *types.named_type("struct p9_fid");
  EXPECT_EQ(f.name(), "struct p9_fid");
  EXPECT_GE(f.record_id, kFirstModuleRecordHandle);
  EXPECT_EQ(types.member(f, "fid")->type.name(), "int32");
  Type inode = types.member(f, "inode")->type;
  EXPECT_EQ(inode.name(), "struct inode *");
  EXPECT_EQ(inode.pointee().record_id, base_rec); // a vmlinux type keeps its vmlinux id
  EXPECT_EQ(types.member(inode.pointee(), "i_ino")->type.name(), "int32");
  Type t = *types.named_type("struct virtio_thing");
  EXPECT_NE(t.record_id, f.record_id);
  EXPECT_EQ(types.member(t, "count")->offset, 0);
  EXPECT_FALSE(types.member(t, "fid"));
  EXPECT_EQ(types.member_hint(f, "fd"), "Did you mean 'fid'?");
  EXPECT_EQ(types.members(f).size(), 2u);

  // A module function's pointer argument is typed from the module's BTF (fentry `args`).
  BtfView view(mod_a);
  auto fn = view.function("p9_clunk");
  ASSERT_TRUE(fn);
  ASSERT_EQ(fn->params.size(), 1u);
  EXPECT_EQ(fn->params[0].type.name(), "struct p9_fid *");
  EXPECT_EQ(fn->params[0].type.pointee().record_id, f.record_id);
  EXPECT_EQ(fn->signature(), "int p9_clunk(struct p9_fid * fid)");
  btf__free(mod_b);
  btf__free(mod_a);
  btf__free(base);
}

// ------------------------------------------------------------------ casts to C type names

TEST(KernelTypes, CastsToCTypeNames) {
  EXPECT_EQ(type_of("(uint64_t)arg0").name(), "uint64");
  EXPECT_EQ(type_of("(int8_t) arg0").name(), "int8"); // stored widened
  EXPECT_EQ(type_of("(size_t)(arg0 + 1)").name(), "uint64");
  EXPECT_EQ(type_of("(u32)arg0").name(), "uint32");
  EXPECT_EQ(type_of("(uint16_t *)arg0").name(), "uint16 *");
  class Typedefs : public FakeTypes {
  public:
    std::optional<Type> named_type(const std::string &name) override {
      if (name == "pid_t")
        return Type::integer(4, true);
      if (name == "task_t") // typedef struct task task_t
        return FakeTypes::named_type("struct task");
      return FakeTypes::named_type(name);
    }
  } types;
  auto a = analyse("kprobe:f { $p = (pid_t)arg0; $t = (task_t *)arg1; $c = $t->comm; "
                   "$n = (pid_t)$t->pid; if (arg0) { $q = 1; } return; }",
                   {}, &types);
  ASSERT_TRUE(a.ok) << a.errors;
  EXPECT_EQ(a.info.probes[0].variables.at("$t").name(), "struct task *");
  EXPECT_EQ(a.info.probes[0].variables.at("$c").name(), "string[16]");
  std::string errors;
  type_of("(no_such_t)arg0", &errors);
  EXPECT_NE(errors.find("ERROR: Unknown type: 'no_such_t'"), std::string::npos) << errors;
  // A parenthesised name after a word is not a cast: `if (x) y` keeps its syntax error.
  EXPECT_NE(errors_of("kprobe:f { if (arg0) $x = 1; }").find("unexpected variable"),
            std::string::npos);
  EXPECT_NE(errors_of("kprobe:f { $x = (arg0) $y; }").find("Unknown type: 'arg0'"),
            std::string::npos);
  // sizeof() of a type name (parsed as an identifier), of a value builtin, of nothing known.
  auto sized = analyse("kprobe:f { @a = sizeof(pid_t); @b = sizeof(uint16_t); @c = sizeof(pid); }",
                       {}, &types);
  ASSERT_TRUE(sized.ok) << sized.errors;
  EXPECT_NE(errors_of("kprobe:f { @a = sizeof(no_such_t); }")
                .find("ERROR: Unknown identifier: 'no_such_t'"),
            std::string::npos);
}

// ------------------------------------------------------------------ address spaces

TEST(KernelTypes, UptrMarksUserMemoryAndItSpreads) {
  FakeTypes types;
  auto a = analyse("kprobe:f { $u = uptr((struct task *)arg0); $parent = $u->parent; "
                   "$in = $u->in; $k = kptr($u); $cast = (struct inner *)$u; "
                   "$plain = (struct task *)arg0; $i = uptr(arg1); }",
                   {}, &types);
  ASSERT_TRUE(a.ok) << a.errors;
  auto &vars = a.info.probes[0].variables;
  EXPECT_TRUE(vars.at("$u").user_memory);
  EXPECT_TRUE(vars.at("$parent").user_memory); // a pointer read from user memory
  EXPECT_TRUE(vars.at("$cast").user_memory);   // casts keep the address space
  EXPECT_FALSE(vars.at("$k").user_memory);
  EXPECT_FALSE(vars.at("$plain").user_memory);
  EXPECT_EQ(vars.at("$u").name(), "struct task *"); // not part of the type's name
  std::string errors;
  type_of("uptr(comm)", &errors);
  EXPECT_NE(errors.find("uptr() expects an integer or a pointer (string[16] provided)"),
            std::string::npos)
      << errors;
}
