// Code generation of the standard library's later functions (see parser/semantic_stdlib.h):
// values that user space turns into text (strftime, ntop, macaddr, syscall_name, cgroup_path) are
// bytes on the stack; strstr and memcmp are unrolled comparisons; cat, system and assert's message
// go out as printf records.
#include "codegen/kfunc_calls.h"
#include "codegen/probe_compiler.h"
#include "parser/semantic_predicates.h"
#include "parser/semantic_stdlib.h"

#include <arpa/inet.h>
#include <linux/bpf.h>

namespace bpfscope {

using namespace ast;

std::optional<ProbeCompiler::Value> ProbeCompiler::stdlib_call(const Call &c) {
  const std::string &n = c.name;
  Value none{b_.getInt64(0), Type::none()};
  if (n == "fail" || n == "static_assert") // checked while compiling; nothing runs
    return none;
  if (n == "percpu_kaddr") {
    // The marker constant becomes the variable's BTF id (kfunc_calls.h); opaque() keeps LLVM
    // from deriving it from another constant.
    llvm::Value *var = opaque(b_.getInt64(kPercpuVarMarker + static_cast<uint64_t>(c.resource_id)));
    llvm::Value *address =
        c.args.size() == 2
            ? helper(BPF_FUNC_per_cpu_ptr, b_.getInt64Ty(), {var, expr(*c.args[1]).v})
            : helper(BPF_FUNC_this_cpu_ptr, b_.getInt64Ty(), {var});
    return Value{address, c.type};
  }
  if (n == "socket_cookie") // a struct sock * of a tracing program's arguments
    return Value{helper(BPF_FUNC_get_socket_cookie, b_.getInt64Ty(), {expr(*c.args[0]).v}), c.type};
  if (n == "comm" && !c.args.empty()) // comm(pid): compile_comm_of_pid.cpp
    return comm_of_pid(c);
  if (n == "path") { // bpf_d_path into a zeroed buffer; the address is a tracing argument's
    auto *buf = value_memory(c.type.size, "path");
    zero_bytes(buf, c.type.size, llvm::MaybeAlign(8));
    helper(BPF_FUNC_d_path, b_.getInt64Ty(),
           {expr(*c.args[0]).v, buf, b_.getInt64(static_cast<uint64_t>(c.type.size))});
    return Value{buf, c.type};
  }
  if (n == "assert_str") // checked while compiling; nothing runs
    return none;
  if (is_compile_time_query(n)) // answered by the semantic pass
    return Value{b_.getInt64(static_cast<uint64_t>(c.resource_id)), c.type};
  if (n == "cat" || n == "system") {
    std::vector<Value> args;
    for (size_t i = 1; i < c.args.size(); i++)
      args.push_back(expr(*c.args[i]));
    send_event(EventKind::Printf, c.resource_id, &info_.printfs.at(c.resource_id).args, args);
    return none;
  }
  if (n == "assert") {
    assert_condition(c);
    return none;
  }
  if (n == "signal" || n == "signal_thread") {
    send_signal(c);
    return none;
  }
  if (n == "join") {
    join_strings(c);
    return none;
  }
  if (n == "debugf") {
    trace_printk(c);
    return none;
  }
  if (n == "len" && c.args[0]->kind != ExprKind::Map)
    return Value{stack_depth(c.args[0]->type), c.type};
  if (n == "len") { // bpf_map_sum_elem_count(map), patched into a kfunc call (kfunc_calls.h)
    int id = info_.map_ids.at(static_cast<const Map &>(*c.args[0]).name);
    return Value{
        helper(static_cast<int>(kKfuncMarkerMapSumElemCount), b_.getInt64Ty(), {map_pointer(id)}),
        c.type};
  }
  if (n == "strftime" || n == "syscall_name" || n == "signal_name" || n == "cgroup_path")
    return integer_in_memory(expr(*c.args[0 + (n == "strftime")]), c.type);
  if (n == "ntop")
    return ntop_value(c);
  if (n == "pton")
    return pton_value(c);
  if (n == "macaddr")
    return macaddr_value(c);
  if (n == "strstr")
    return Value{string_find(expr(*c.args[0]), expr(*c.args[1])), c.type};
  if (n == "memcmp") {
    Value l = expr(*c.args[0]);
    Value r = expr(*c.args[1]);
    return Value{bytes_compare(l, r, static_cast<int>(constant_length(*c.args[2]))), c.type};
  }
  if (auto v = task_call(c)) // pcomm([task]), ppid([task])
    return v;
  if (n == "probetype" || n == "has_cpid") {
    Builtin b;
    b.name = n;
    b.type = c.type;
    return stdlib_builtin(b);
  }
  return std::nullopt;
}

std::optional<ProbeCompiler::Value> ProbeCompiler::stdlib_builtin(const Builtin &b) {
  if (b.name == "probetype")
    return Value{string_constant(probe_type_name(target_), b.type.size), b.type};
  if (b.name == "has_cpid")
    return Value{b_.getInt64(info_.process.has_child ? 1 : 0), b.type};
  if (b.name == "pcomm")
    return task_pcomm(helper(BPF_FUNC_get_current_task, b_.getInt64Ty(), {}), b.type);
  return std::nullopt;
}

// An 8-byte number kept in memory, as the values that user space resolves are.
ProbeCompiler::Value ProbeCompiler::integer_in_memory(const Value &v, const Type &as) {
  auto *buf = value_memory(as.size, "resolved");
  zero_bytes(buf, as.size, llvm::MaybeAlign(8));
  b_.CreateAlignedStore(v.v, buf, llvm::Align(8));
  return {buf, as};
}

// {family (8 bytes), address (16 bytes)}: an integer is an IPv4 address as it lies in memory
// (network order read as a little-endian number), 4 bytes IPv4 and 16 bytes IPv6.
ProbeCompiler::Value ProbeCompiler::ntop_value(const Call &c) {
  auto *buf = stack(24, "inet");
  b_.CreateMemSet(buf, b_.getInt8(0), 24, llvm::MaybeAlign(8));
  Value addr = expr(*c.args.back());
  bool v6 = addr.type.kind != TypeKind::Integer && addr.type.size == 16;
  llvm::Value *family = b_.getInt64(v6 ? AF_INET6 : AF_INET);
  if (c.args.size() == 2)
    family = expr(*c.args[0]).v;
  b_.CreateAlignedStore(family, buf, llvm::Align(8));
  if (addr.type.kind == TypeKind::Integer)
    store_integer(offset_ptr(buf, 8), 4, addr.v);
  else
    b_.CreateMemCpy(offset_ptr(buf, 8), llvm::MaybeAlign(1), addr.v, llvm::MaybeAlign(1),
                    addr.type.size);
  return {buf, c.type};
}

ProbeCompiler::Value ProbeCompiler::pton_value(const Call &c) {
  const std::string &text = static_cast<const StringLit &>(*c.args[0]).value;
  unsigned char bytes[16] = {};
  inet_pton(c.type.size == 16 ? AF_INET6 : AF_INET, text.c_str(), bytes);
  auto *buf = stack(c.type.size, "pton");
  for (int i = 0; i < c.type.size; i++)
    b_.CreateStore(b_.getInt8(bytes[i]), offset_ptr(buf, i));
  return {buf, c.type};
}

ProbeCompiler::Value ProbeCompiler::macaddr_value(const Call &c) {
  Value v = expr(*c.args[0]);
  if (v.type.kind == TypeKind::Integer)
    return integer_in_memory(v, c.type);
  auto *buf = stack(8, "macaddr");
  b_.CreateMemSet(buf, b_.getInt8(0), 8, llvm::MaybeAlign(8));
  b_.CreateMemCpy(buf, llvm::MaybeAlign(1), v.v, llvm::MaybeAlign(1), 6);
  return {buf, c.type};
}

namespace {
// 64-byte strings against a short needle stay unrolled: straight code, no helper call.
constexpr int64_t kUnrolledSearchPairs = 2048;
} // namespace

// strstr(h, n): the index of the first occurrence of n in h, -1 when none (strcontains uses it
// too). A chain of forward branches, as strings_equal: at each position of the haystack, compare
// until the needle ends (found there) or a byte differs (next position).
llvm::Value *ProbeCompiler::string_find(const Value &h, const Value &needle) {
  int hn = h.type.size, nn = needle.type.size;
  // Past a few thousand byte pairs the unrolled code grows too large (compile_string_search.cpp).
  if (static_cast<int64_t>(hn) * nn > kUnrolledSearchPairs)
    return string_find_loop(h, needle);
  auto *i8 = b_.getInt8Ty();
  auto *result = stack(8, "strstr");
  b_.CreateAlignedStore(b_.getInt64(-1), result, llvm::Align(8));
  auto *done = llvm::BasicBlock::Create(ctx_, "strstr_done", fn_);
  auto found_at = [&](int i) {
    auto *found = llvm::BasicBlock::Create(ctx_, "strstr_found", fn_);
    llvm::IRBuilderBase::InsertPointGuard guard(b_);
    b_.SetInsertPoint(found);
    b_.CreateAlignedStore(b_.getInt64(i), result, llvm::Align(8));
    b_.CreateBr(done);
    return found;
  };
  for (int i = 0; i < hn; i++) {
    auto *found = found_at(i);
    auto *next = llvm::BasicBlock::Create(ctx_, "strstr_next", fn_);
    for (int j = 0; j < nn; j++) {
      auto *nc = b_.CreateLoad(i8, offset_ptr(needle.v, j));
      auto *compare = llvm::BasicBlock::Create(ctx_, "strstr_cmp", fn_);
      b_.CreateCondBr(b_.CreateICmpEQ(nc, b_.getInt8(0)), found, compare);
      b_.SetInsertPoint(compare);
      if (i + j >= hn) { // past the haystack's buffer: no match here
        b_.CreateBr(next);
        break;
      }
      auto *ch = b_.CreateLoad(i8, offset_ptr(h.v, i + j));
      auto *same = llvm::BasicBlock::Create(ctx_, "strstr_same", fn_);
      b_.CreateCondBr(b_.CreateICmpNE(ch, nc), next, same);
      b_.SetInsertPoint(same);
      if (j == nn - 1)
        b_.CreateBr(found);
    }
    if (nn == 0)
      b_.CreateBr(found);
    b_.SetInsertPoint(next);
    auto *more = llvm::BasicBlock::Create(ctx_, "strstr_more", fn_);
    auto *hc = b_.CreateLoad(i8, offset_ptr(h.v, i));
    b_.CreateCondBr(b_.CreateICmpEQ(hc, b_.getInt8(0)), done, more);
    b_.SetInsertPoint(more);
  }
  b_.CreateBr(done);
  b_.SetInsertPoint(done);
  return b_.CreateAlignedLoad(b_.getInt64Ty(), result, llvm::Align(8));
}

// memcmp(l, r, n): 0 when the first n bytes are equal, else l[i] - r[i] at the first difference.
llvm::Value *ProbeCompiler::bytes_compare(const Value &l, const Value &r, int n) {
  auto *i8 = b_.getInt8Ty();
  auto *i64 = b_.getInt64Ty();
  auto *result = stack(8, "memcmp");
  b_.CreateAlignedStore(b_.getInt64(0), result, llvm::Align(8));
  auto *done = llvm::BasicBlock::Create(ctx_, "memcmp_done", fn_);
  for (int i = 0; i < n; i++) {
    auto *a = b_.CreateZExt(b_.CreateLoad(i8, offset_ptr(l.v, i)), i64);
    auto *b = b_.CreateZExt(b_.CreateLoad(i8, offset_ptr(r.v, i)), i64);
    auto *differ = llvm::BasicBlock::Create(ctx_, "memcmp_differ", fn_);
    auto *next = llvm::BasicBlock::Create(ctx_, "memcmp_next", fn_);
    b_.CreateCondBr(b_.CreateICmpNE(a, b), differ, next);
    b_.SetInsertPoint(differ);
    b_.CreateAlignedStore(b_.CreateSub(a, b), result, llvm::Align(8));
    b_.CreateBr(done);
    b_.SetInsertPoint(next);
  }
  b_.CreateBr(done);
  b_.SetInsertPoint(done);
  return b_.CreateAlignedLoad(i64, result, llvm::Align(8));
}

// assert(cond, msg): when cond is false, the message (a printf record) and exit(1).
void ProbeCompiler::assert_condition(const Call &c) {
  Value cond = expr(*c.args[0]);
  auto *failed = llvm::BasicBlock::Create(ctx_, "assert_failed", fn_);
  auto *ok = llvm::BasicBlock::Create(ctx_, "assert_ok", fn_);
  b_.CreateCondBr(to_bool(cond.v), ok, failed);
  b_.SetInsertPoint(failed);
  send_event(EventKind::Printf, c.resource_id, &info_.printfs.at(c.resource_id).args, {});
  exit_probe({b_.getInt64(1), Type::integer(8, true)});
  if (!b_.GetInsertBlock()->getTerminator())
    b_.CreateBr(ok);
  b_.SetInsertPoint(ok);
}

// signal(SIG) / signal_thread(SIG): bpf_send_signal(_thread); resource_id is the signal when it
// was known while compiling, 0 when it is computed now.
void ProbeCompiler::send_signal(const Call &c) {
  llvm::Value *sig = c.resource_id > 0 ? b_.getInt32(c.resource_id)
                                       : b_.CreateTrunc(expr(*c.args[0]).v, b_.getInt32Ty());
  int id = c.name == "signal" ? BPF_FUNC_send_signal : BPF_FUNC_send_signal_thread;
  helper(id, b_.getInt64Ty(), {sig});
}

// len(kstack) / len(ustack): bpf_get_stack() copies the frames into a scratch area and returns
// how many bytes it wrote, 8 per frame. Up to 127 frames do not fit on the 512-byte BPF stack, so
// the scratch area is a ring buffer reservation, discarded (without waking the reader) once
// counted. 0 when the reservation or the helper fails (no user stack in a kernel thread).
llvm::Value *ProbeCompiler::stack_depth(const Type &stack_type) {
  auto *i64 = b_.getInt64Ty();
  int bytes = 8 * stack_type.stack_limit;
  auto *scratch = helper(BPF_FUNC_ringbuf_reserve, b_.getPtrTy(),
                         {map_pointer(internal_.ring_buffer), b_.getInt64(bytes), b_.getInt64(0)});
  auto *count = llvm::BasicBlock::Create(ctx_, "stack_count", fn_);
  auto *done = llvm::BasicBlock::Create(ctx_, "stack_counted", fn_);
  auto *before = b_.GetInsertBlock();
  b_.CreateCondBr(b_.CreateIsNull(scratch), done, count);
  b_.SetInsertPoint(count);
  uint64_t flags = stack_type.stack_user ? BPF_F_USER_STACK : 0;
  llvm::Value *written =
      helper(BPF_FUNC_get_stack, i64, {ctx_arg_, scratch, b_.getInt64(bytes), b_.getInt64(flags)});
  helper(BPF_FUNC_ringbuf_discard, b_.getVoidTy(), {scratch, b_.getInt64(BPF_RB_NO_WAKEUP)});
  // A negative error counts as no frames.
  auto *frames_block = llvm::BasicBlock::Create(ctx_, "stack_frames", fn_);
  b_.CreateCondBr(b_.CreateICmpSGT(written, b_.getInt64(0)), frames_block, done);
  b_.SetInsertPoint(frames_block);
  llvm::Value *frames = b_.CreateLShr(written, 3);
  b_.CreateBr(done);
  b_.SetInsertPoint(done);
  auto *phi = b_.CreatePHI(i64, 3);
  phi->addIncoming(b_.getInt64(0), before);
  phi->addIncoming(b_.getInt64(0), count);
  phi->addIncoming(frames, frames_block);
  return phi;
}

// debugf(fmt, ...): bpf_trace_printk(fmt, sizeof fmt, a, b, c). The kernel formats the line and
// appends it to tracefs' trace_pipe; integers go as 64-bit values, strings as their address.
void ProbeCompiler::trace_printk(const Call &c) {
  const std::string &fmt = static_cast<const StringLit &>(*c.args[0]).value;
  int size = static_cast<int>(fmt.size()) + 1;
  std::vector<llvm::Value *> args = {string_constant(fmt, size), b_.getInt32(size)};
  for (size_t i = 1; i < c.args.size(); i++) {
    Value v = expr(*c.args[i]);
    args.push_back(v.type.is_string() ? b_.CreatePtrToInt(v.v, b_.getInt64Ty())
                                      : extend(v.v, v.type));
  }
  helper(BPF_FUNC_trace_printk, b_.getInt64Ty(), args);
}

// join(arr[, sep]): reads up to kJoinMaxArgs pointers of the array and the strings they point
// to straight into a reserved ring buffer record (16 strings would not fit on the BPF stack),
// stopping at the first NULL pointer; user space joins them (runtime/printf_actions.h).
void ProbeCompiler::join_strings(const Call &c) {
  auto *i64 = b_.getInt64Ty();
  llvm::Value *array = expr(*c.args[0]).v;
  const int arg_size = info_.join_arg_size;
  const int kSize = kEventHeaderSize + 8 + kJoinMaxArgs * arg_size;
  auto *record = helper(BPF_FUNC_ringbuf_reserve, b_.getPtrTy(),
                        {map_pointer(internal_.ring_buffer), b_.getInt64(kSize), b_.getInt64(0)});
  auto *fill = llvm::BasicBlock::Create(ctx_, "join_fill", fn_);
  auto *submit = llvm::BasicBlock::Create(ctx_, "join_submit", fn_);
  auto *done = llvm::BasicBlock::Create(ctx_, "join_done", fn_);
  b_.CreateCondBr(b_.CreateIsNull(record), done, fill);
  b_.SetInsertPoint(fill);
  uint64_t header =
      static_cast<uint64_t>(EventKind::Join) | (static_cast<uint64_t>(c.resource_id) << 32);
  b_.CreateAlignedStore(b_.getInt64(header), record, llvm::Align(8));
  llvm::Value *count = offset_ptr(record, kEventHeaderSize);
  b_.CreateAlignedStore(b_.getInt64(0), count, llvm::Align(8));
  auto *pointer = stack(8, "join_ptr");
  for (int i = 0; i < kJoinMaxArgs; i++) {
    b_.CreateAlignedStore(b_.getInt64(0), pointer, llvm::Align(8));
    helper(BPF_FUNC_probe_read, i64,
           {pointer, b_.getInt64(8),
            b_.CreateIntToPtr(b_.CreateAdd(array, b_.getInt64(8 * i)), b_.getPtrTy())});
    llvm::Value *p = b_.CreateAlignedLoad(i64, pointer, llvm::Align(8));
    auto *read = llvm::BasicBlock::Create(ctx_, "join_read", fn_);
    b_.CreateCondBr(b_.CreateICmpEQ(p, b_.getInt64(0)), submit, read);
    b_.SetInsertPoint(read);
    llvm::Value *slot = offset_ptr(record, kEventHeaderSize + 8 + i * arg_size);
    b_.CreateStore(b_.getInt8(0), slot); // an unreadable string stays empty
    helper(BPF_FUNC_probe_read_str, i64,
           {slot, b_.getInt64(arg_size), b_.CreateIntToPtr(p, b_.getPtrTy())});
    b_.CreateAlignedStore(b_.getInt64(i + 1), count, llvm::Align(8));
  }
  b_.CreateBr(submit);
  b_.SetInsertPoint(submit);
  helper(BPF_FUNC_ringbuf_submit, b_.getVoidTy(), {record, b_.getInt64(0)});
  b_.CreateBr(done);
  b_.SetInsertPoint(done);
}

} // namespace bpfscope
