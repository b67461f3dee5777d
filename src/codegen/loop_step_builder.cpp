#include "codegen/loop_step_builder.h"

#include <linux/bpf.h>

namespace bpfscope {

LoopStepBuilder::LoopStepBuilder(llvm::Module &module, llvm::LLVMContext &ctx, const char *name)
    : b_(ctx), ctx_(ctx) {
  auto *type = llvm::FunctionType::get(b_.getInt64Ty(), {b_.getInt64Ty(), b_.getPtrTy()}, false);
  fn_ = llvm::Function::Create(type, llvm::Function::InternalLinkage, name, module);
  fn_->addFnAttr(llvm::Attribute::NoInline);
}

llvm::BasicBlock *LoopStepBuilder::block(const char *name) {
  return llvm::BasicBlock::Create(ctx_, name, fn_);
}

llvm::Value *LoopStepBuilder::byte_offset(llvm::Value *base, int offset) {
  return b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), base, offset);
}

llvm::AllocaInst *LoopStepBuilder::opaque_copy(llvm::Value *from, int bytes) {
  auto *i64 = b_.getInt64Ty();
  auto *copy = b_.CreateAlloca(llvm::ArrayType::get(b_.getInt8Ty(), bytes));
  copy->setAlignment(llvm::Align(8));
  auto *read_type = llvm::FunctionType::get(i64, {b_.getPtrTy(), i64, b_.getPtrTy()}, false);
  b_.CreateCall(read_type,
                b_.CreateIntToPtr(b_.getInt64(BPF_FUNC_probe_read_kernel), b_.getPtrTy()),
                {copy, b_.getInt64(bytes), from});
  return copy;
}

llvm::Value *LoopStepBuilder::bounded_byte(llvm::Value *base, llvm::Value *i, int size) {
  auto *from = b_.GetInsertBlock();
  auto *inside = block("byte_inside"), *joined = block("byte");
  b_.CreateCondBr(b_.CreateICmpULT(i, b_.getInt64(size)), inside, joined);
  b_.SetInsertPoint(inside);
  llvm::Value *ptr = b_.CreateInBoundsGEP(b_.getInt8Ty(), base, i);
  llvm::Value *v = b_.CreateZExt(b_.CreateLoad(b_.getInt8Ty(), ptr), b_.getInt64Ty());
  b_.CreateBr(joined);
  b_.SetInsertPoint(joined);
  auto *phi = b_.CreatePHI(b_.getInt64Ty(), 2);
  phi->addIncoming(b_.getInt64(0), from);
  phi->addIncoming(v, inside);
  return phi;
}

} // namespace bpfscope
