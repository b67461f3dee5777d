// Enum names (parser/enum_names.h) as printf, print and JSON show them, and %gr's GFP flag names
// (runtime/gfp_flags.h) from a kernel's bit numbers.
#include "parser/enum_names.h"
#include "runtime/format_json.h"
#include "runtime/format_printf.h"
#include "runtime/format_value.h"
#include "runtime/gfp_flags.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>

namespace bpfscope {
namespace {

std::shared_ptr<EnumNames> hrtimer_like() {
  auto e = std::make_shared<EnumNames>();
  e->name = "enum mode";
  e->add(0, "ABS");
  e->add(1, "REL");
  e->add(2, "PINNED");
  e->add(2, "ABS_PINNED"); // same value: the first name stays
  e->add(-2, "NEG");
  return e;
}

PrintfArg enum_arg(int64_t v, int size, bool is_signed) {
  Type t = Type::integer(size, is_signed);
  t.enum_names = hrtimer_like();
  PrintfArg a{t, std::vector<uint8_t>(static_cast<size_t>(size))};
  std::memcpy(a.data.data(), &v, static_cast<size_t>(size)); // little-endian
  return a;
}

TEST(EnumNames, FirstNameOfAValueWins) {
  auto e = hrtimer_like();
  ASSERT_NE(e->find(2), nullptr);
  EXPECT_EQ(*e->find(2), "PINNED");
  EXPECT_EQ(e->find(7), nullptr);
  EXPECT_EQ(enum_value_text(*e, 7, false), "7");
  EXPECT_EQ(enum_value_text(*e, static_cast<uint64_t>(-5), true), "-5");
  EXPECT_EQ(enum_value_text(*e, static_cast<uint64_t>(-2), true), "NEG");
}

TEST(EnumNames, PrintfShowsNamesWithSAndNumbersWithD) {
  std::vector<PrintfArg> args = {enum_arg(1, 4, false), enum_arg(1, 4, false), enum_arg(2, 8, true),
                                 enum_arg(9, 4, false), enum_arg(-2, 4, true)};
  EXPECT_EQ(format_printf("%s %d [%8s] %s %s", args), "REL 1 [  PINNED] 9 NEG");
  PreparedFormat prepared("%s=%d", Type::tuple({args[0].type, args[1].type}));
  std::vector<uint8_t> record(8, 0);
  record[0] = 1;
  record[4] = 1;
  std::string out;
  prepared.append(out, record.data(), record.size());
  EXPECT_EQ(out, "REL=1");
}

TEST(EnumNames, PrintShowsTheNameJsonTheNumber) {
  PrintfArg a = enum_arg(2, 4, false);
  EXPECT_EQ(format_value(a.type, a.data.data()), "PINNED");
  EXPECT_EQ(json_value(a.type, a.data.data()), "2");
  Type plain = Type::integer(4, false); // without the enum, the number
  EXPECT_EQ(format_value(plain, a.data.data()), "2");
}

// The bit numbers of Linux 6.18 (from its BTF) and of a kernel before 6.3, which had
// __GFP_ATOMIC at bit 9 and so every flag above it one bit higher.
std::vector<GfpFlag> linux_6_18() {
  return gfp_flags_from_bits({{"DMA", 0},
                              {"HIGHMEM", 1},
                              {"DMA32", 2},
                              {"MOVABLE", 3},
                              {"RECLAIMABLE", 4},
                              {"HIGH", 5},
                              {"IO", 6},
                              {"FS", 7},
                              {"ZERO", 8},
                              {"UNUSED", 9},
                              {"DIRECT_RECLAIM", 10},
                              {"KSWAPD_RECLAIM", 11},
                              {"WRITE", 12},
                              {"NOWARN", 13},
                              {"COMP", 18},
                              {"NOMEMALLOC", 19},
                              {"HARDWALL", 20},
                              {"ACCOUNT", 22},
                              {"LAST", 25}});
}

TEST(GfpFlags, CombinedNamesFirstThenSingleFlagsThenHex) {
  auto f = linux_6_18();
  EXPECT_EQ(format_gfp_flags(0, f), "0");
  EXPECT_EQ(format_gfp_flags(0xcc0, f), "GFP_KERNEL");
  EXPECT_EQ(format_gfp_flags(0xcc0 | 0x100, f), "GFP_KERNEL|__GFP_ZERO");
  EXPECT_EQ(format_gfp_flags(0xcc0 | (1 << 22), f), "GFP_KERNEL_ACCOUNT");
  EXPECT_EQ(format_gfp_flags(0x20 | 0x800, f), "GFP_ATOMIC");
  EXPECT_EQ(format_gfp_flags(0x800, f), "GFP_NOWAIT");
  EXPECT_EQ(format_gfp_flags(0x40 | (uint64_t{1} << 40), f), "__GFP_IO|0x10000000000");
  // GFP_TRANSHUGE_LIGHT has no reclaim bits (gfp_types.h masks them out).
  uint64_t highuser_movable = 0xcc0 | (1 << 20) | 0x2 | 0x8;
  uint64_t light = (highuser_movable | (1 << 18) | (1 << 19) | (1 << 13)) & ~uint64_t{0xc00};
  EXPECT_EQ(format_gfp_flags(light, f), "GFP_TRANSHUGE_LIGHT");
  EXPECT_EQ(format_gfp_flags(light | 0x400, f), "GFP_TRANSHUGE");
  EXPECT_EQ(format_gfp_flags(highuser_movable, f), "GFP_HIGHUSER_MOVABLE");
}

TEST(GfpFlags, OlderKernelBitsGiveOtherValues) {
  auto old = gfp_flags_from_bits({{"HIGH", 5},
                                  {"IO", 6},
                                  {"FS", 7},
                                  {"ATOMIC", 9},
                                  {"DIRECT_RECLAIM", 10},
                                  {"KSWAPD_RECLAIM", 11}});
  EXPECT_EQ(format_gfp_flags(0x20 | 0x200 | 0x800, old), "GFP_ATOMIC");
  EXPECT_EQ(format_gfp_flags(0x20 | 0x800, old), "GFP_NOWAIT|__GFP_HIGH");
}

TEST(GfpFlags, WithoutKernelBitsTheValueInHex) { EXPECT_EQ(format_gfp_flags(0xcc0, {}), "0xcc0"); }

TEST(GfpFlags, PrintfChecksAndFormatsGr) {
  EXPECT_EQ(check_printf_format("%gr", {Type::integer(4, false)}), "");
  EXPECT_EQ(check_printf_format("%gr", {Type::string(16)}),
            "printf: %gr specifier expects a value of type integer (string supplied)");
  EXPECT_EQ(check_printf_format("%g", {Type::integer(4, false)}),
            "printf: Unknown format specifier '%g'");
}

} // namespace
} // namespace bpfscope
