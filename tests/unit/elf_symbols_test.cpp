// ELF symbols, virtual address -> file offset translation, the per-file cache, C++ demangling and
// library resolution through ld.so.cache, on programs built by the tests themselves.
#include "runtime/binary_path.h"
#include "runtime/elf_symbols.h"
#include "test_programs.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

using namespace bpfscope;
using bpfscope::testing::TestPrograms;

namespace {

// The offset the program itself finds for probe_me() in /proc/self/maps (the kernel's view).
uint64_t offset_reported_by(const std::string &program) {
  std::string out;
  EXPECT_EQ(TestPrograms::run(program, &out), 0) << program;
  return std::strtoull(out.c_str(), nullptr, 10);
}

uint64_t offset_computed_for(const std::string &binary) {
  std::string error;
  auto symbols = read_elf_symbols(binary, &error);
  EXPECT_TRUE(symbols) << error;
  if (!symbols)
    return 0;
  const ElfFunction *f = symbols->find("probe_me");
  EXPECT_NE(f, nullptr);
  if (!f)
    return 0;
  auto offset = symbols->file_offset(f->address);
  EXPECT_TRUE(offset.has_value());
  return offset.value_or(0);
}

TEST(ElfSymbols, PieOffsetMatchesTheKernelMapping) {
  TestPrograms programs;
  std::string exe = programs.build("cc", "pie", "elf_offset.c", "-O1 -pie -fPIE");
  ASSERT_FALSE(exe.empty());
  EXPECT_EQ(offset_computed_for(exe), offset_reported_by(exe));
}

TEST(ElfSymbols, NonPieOffsetIsNotTheVirtualAddress) {
  TestPrograms programs;
  std::string exe = programs.build("cc", "nopie", "elf_offset.c", "-O1 -no-pie");
  ASSERT_FALSE(exe.empty());
  std::string error;
  auto symbols = read_elf_symbols(exe, &error);
  ASSERT_TRUE(symbols) << error;
  EXPECT_FALSE(symbols->position_independent);
  const ElfFunction *f = symbols->find("probe_me");
  ASSERT_NE(f, nullptr);
  EXPECT_GE(f->address, 0x400000u);
  EXPECT_EQ(offset_computed_for(exe), offset_reported_by(exe));
  EXPECT_NE(offset_computed_for(exe), f->address);
}

TEST(ElfSymbols, SharedLibraryWithNonZeroBaseOffsetMatchesTheKernelMapping) {
  TestPrograms programs;
  // -Ttext-segment gives the library a non-zero base (as prelinked libraries have): its
  // addresses then differ from its file offsets.
  std::string lib = programs.build("cc", "libelfoffset.so", "elf_offset.c",
                                   "-O1 -shared -fPIC -DNO_MAIN -Wl,-Ttext-segment=0x200000");
  ASSERT_FALSE(lib.empty());
  std::string user =
      programs.build("cc", "user", "elf_offset_user.c",
                     "-L" + programs.dir() + " -lelfoffset -Wl,-rpath," + programs.dir());
  ASSERT_FALSE(user.empty());
  auto symbols = read_elf_symbols(lib, nullptr);
  ASSERT_TRUE(symbols);
  EXPECT_TRUE(symbols->position_independent);
  const ElfFunction *f = symbols->find("probe_me");
  ASSERT_NE(f, nullptr);
  EXPECT_GE(f->address, 0x200000u);
  uint64_t offset = offset_computed_for(lib);
  EXPECT_EQ(offset, offset_reported_by(user));
  EXPECT_EQ(symbols->vaddr_of_file_offset(offset), f->address);
}

TEST(ElfSymbols, ContainingFindsTheFunctionOfAnInnerAddress) {
  TestPrograms programs;
  std::string exe = programs.build("cc", "pie", "elf_offset.c", "-O0");
  ASSERT_FALSE(exe.empty());
  auto symbols = read_elf_symbols(exe, nullptr);
  ASSERT_TRUE(symbols);
  const ElfFunction *f = symbols->find("probe_me");
  ASSERT_NE(f, nullptr);
  ASSERT_GT(f->size, 1u);
  EXPECT_EQ(symbols->containing(f->address), f);
  EXPECT_EQ(symbols->containing(f->address + f->size - 1), f);
  const ElfFunction *next = symbols->containing(f->address + f->size);
  EXPECT_NE(next, f);
}

TEST(ElfSymbols, EachFileIsParsedOnceUntilItChanges) {
  TestPrograms programs;
  std::string exe = programs.build("cc", "cached", "elf_offset.c", "-O0");
  ASSERT_FALSE(exe.empty());
  size_t before = elf_symbol_files_parsed();
  auto first = read_elf_symbols(exe, nullptr);
  auto second = read_elf_symbols(exe, nullptr);
  ASSERT_TRUE(first);
  EXPECT_EQ(first.get(), second.get());
  EXPECT_EQ(elf_symbol_files_parsed(), before + 1);
  // A rebuilt binary (new mtime) is read again.
  struct timespec times[2] = {{0, UTIME_OMIT}, {12345, 0}};
  ASSERT_EQ(utimensat(AT_FDCWD, exe.c_str(), times, 0), 0);
  auto third = read_elf_symbols(exe, nullptr);
  ASSERT_TRUE(third);
  EXPECT_NE(third.get(), first.get());
  EXPECT_EQ(elf_symbol_files_parsed(), before + 2);
}

TEST(ElfSymbols, ErrorsNameTheFile) {
  TestPrograms programs;
  std::string error;
  EXPECT_FALSE(read_elf_symbols(programs.path("missing"), &error));
  EXPECT_NE(error.find("missing: No such file or directory"), std::string::npos) << error;
  std::ofstream(programs.path("text")) << "not an ELF file\n";
  EXPECT_FALSE(read_elf_symbols(programs.path("text"), &error));
  EXPECT_NE(error.find("is not an ELF file"), std::string::npos) << error;
}

TEST(ElfDemangle, ItaniumNamesAndPlainNames) {
  EXPECT_EQ(demangle_symbol("_ZN2ns5Klass6methodEi"), "ns::Klass::method(int)");
  EXPECT_EQ(demangle_symbol("_ZN2ns13free_functionEl"), "ns::free_function(long)");
  EXPECT_EQ(demangle_symbol("add"), "add");
  EXPECT_EQ(demangle_symbol("__libc_start_main"), "__libc_start_main");
}

TEST(ElfDemangle, CxxBinaryFunctionsFoundByDemangledName) {
  TestPrograms programs;
  std::string exe = programs.build("c++", "app", "uprobe_cpp.cpp", "-O0");
  ASSERT_FALSE(exe.empty());
  auto symbols = read_elf_symbols(exe, nullptr);
  ASSERT_TRUE(symbols);
  const ElfFunction *by_demangled = symbols->find("ns::Klass::method(int)");
  const ElfFunction *by_mangled = symbols->find("_ZN2ns5Klass6methodEi");
  ASSERT_NE(by_demangled, nullptr);
  EXPECT_EQ(by_demangled, by_mangled);
  EXPECT_EQ(by_demangled->name, "_ZN2ns5Klass6methodEi");
  EXPECT_NE(symbols->find("ns::Klass::method(char const*)"), nullptr);
}

// ---------------------------------------------------------------- ld.so.cache

void put_u32(std::string &b, size_t at, uint32_t v) { std::memcpy(&b[at], &v, 4); }

// A cache in glibc's new format with the given entries (flags, soname, path).
std::string
make_new_cache(const std::vector<std::tuple<uint32_t, std::string, std::string>> &libs) {
  const size_t header = 48, entry = 24;
  std::string b(header + libs.size() * entry, '\0');
  std::memcpy(&b[0], "glibc-ld.so.cache1.1", 20);
  put_u32(b, 20, static_cast<uint32_t>(libs.size()));
  for (size_t i = 0; i < libs.size(); i++) {
    auto &[flags, soname, path] = libs[i];
    size_t e = header + i * entry;
    put_u32(b, e, flags);
    put_u32(b, e + 4, static_cast<uint32_t>(b.size()));
    b += soname + '\0';
    put_u32(b, e + 8, static_cast<uint32_t>(b.size()));
    b += path + '\0';
  }
  return b;
}

TEST(ElfLdCache, ParsesTheNewFormatAndKeepsThisAbi) {
  std::string bytes = make_new_cache({{0x0303, "libfoo.so.1", "/lib/x86_64-linux-gnu/libfoo.so.1"},
                                      {0x0003, "libfoo.so.1", "/lib/i386-linux-gnu/libfoo.so.1"},
                                      {0x0303, "libbar.so", "/usr/lib/libbar.so"}});
  std::string error;
  auto entries = parse_ld_so_cache(bytes, &error);
  ASSERT_EQ(entries.size(), 2u) << error;
  EXPECT_EQ(entries[0].soname, "libfoo.so.1");
  EXPECT_EQ(entries[0].path, "/lib/x86_64-linux-gnu/libfoo.so.1");
  EXPECT_EQ(entries[1].soname, "libbar.so");
}

TEST(ElfLdCache, ParsesTheNewFormatAfterTheOldOne) {
  std::string next = make_new_cache({{0x0303, "libz.so.1", "/lib/libz.so.1"}});
  std::string bytes(16, '\0'); // old header with zero entries; the new table follows, aligned
  std::memcpy(&bytes[0], "ld.so-1.7.0", 11);
  bytes += next;
  auto entries = parse_ld_so_cache(bytes, nullptr);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].path, "/lib/libz.so.1");
}

TEST(ElfLdCache, RejectsOtherFiles) {
  std::string error;
  EXPECT_TRUE(parse_ld_so_cache("hello", &error).empty());
  EXPECT_EQ(error, "not an ld.so.cache file");
  EXPECT_TRUE(parse_ld_so_cache(make_new_cache({}).substr(0, 30), &error).empty());
}

TEST(ElfLdCache, SystemCacheAgreesWithLdconfig) {
  std::ifstream in("/etc/ld.so.cache", std::ios::binary);
  ASSERT_TRUE(in) << "cannot read /etc/ld.so.cache";
  std::ostringstream bytes;
  bytes << in.rdbuf();
  std::string error;
  auto parsed = parse_ld_so_cache(bytes.str(), &error);
  ASSERT_FALSE(parsed.empty()) << error;
  std::string text;
  ASSERT_EQ(TestPrograms::run("ldconfig -p", &text), 0);
  auto from_ldconfig = parse_ldconfig_output(text);
  std::set<std::pair<std::string, std::string>> a, b;
  for (auto &e : parsed)
    a.insert({e.soname, e.path});
  for (auto &e : from_ldconfig)
    b.insert({e.soname, e.path});
  EXPECT_EQ(a, b);
}

TEST(ElfLdCache, LibcByShortNameAndSoname) {
  const auto &cache = system_library_cache();
  auto by_soname = find_library("libc.so.6", cache);
  auto by_short = find_library("libc", cache);
  ASSERT_TRUE(by_soname.has_value());
  EXPECT_EQ(by_short, by_soname);
  EXPECT_NE(by_soname->find("libc.so.6"), std::string::npos) << *by_soname;
  // Without a cache: the standard directories.
  auto from_dirs = find_library("libc", {});
  ASSERT_TRUE(from_dirs.has_value());
  EXPECT_NE(from_dirs->find("libc.so.6"), std::string::npos) << *from_dirs;
}

TEST(ElfLdCache, ResolvesPathsLibrariesAndCommands) {
  std::string error;
  EXPECT_EQ(resolve_binary_path("libc", &error), find_library("libc", system_library_cache()));
  auto sh = resolve_binary_path("sh", &error);
  ASSERT_TRUE(sh.has_value()) << error;
  EXPECT_EQ(sh->back(), 'h');
  EXPECT_EQ((*sh)[0], '/');
  // Relative paths are made absolute against the working directory.
  TestPrograms programs;
  std::ofstream(programs.path("file")) << "x";
  char cwd[4096];
  ASSERT_TRUE(getcwd(cwd, sizeof(cwd)));
  ASSERT_EQ(chdir(programs.dir().c_str()), 0);
  auto relative = resolve_binary_path("./file", &error);
  ASSERT_EQ(chdir(cwd), 0);
  EXPECT_EQ(relative, programs.path("file"));
  EXPECT_FALSE(resolve_binary_path("./no-such-file", &error));
  EXPECT_NE(error.find("No such file or directory"), std::string::npos) << error;
  EXPECT_FALSE(resolve_binary_path("libno-such-library", &error));
  EXPECT_NE(error.find("cannot find binary or library 'libno-such-library'"), std::string::npos);
}

} // namespace
