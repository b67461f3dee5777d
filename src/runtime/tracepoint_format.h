// Tracepoint discovery and the parsing of tracefs events/CAT/EVENT/format files.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace bpfscope {

struct TracepointField {
  enum class Kind {
    Integer,   // any scalar of size 1/2/4/8 that is not a pointer (int, u64, pid_t, bool, enum ...)
    Pointer,   // anything declared with '*' (const char *, struct file *, void __seg_gs * ...)
    CharArray, // char name[N]: a fixed-size string buffer (array_len = N)
    Array,     // other fixed arrays, e.g. unsigned long args[6]; array_len = 0 for "x[]"
    DataLocString, // __data_loc char[] name / __rel_loc char[] name: dynamic string
    DataLocArray,  // __data_loc u64[] name, __data_loc cpumask_t name: dynamic non-string data
    Other,         // anything else (should not occur in practice)
  };

  std::string name;   // "filename"
  std::string c_type; // declaration without the name: "const char *", "char[16]",
                      // "__data_loc char[]", "int", "unsigned long[6]"
  std::string decl;   // declaration exactly as written in the format file (for -lv):
                      // "const char * filename", "char prev_comm[16]", "__data_loc char[] filename"
  std::string element_type; // arrays and __data_loc: element type ("char", "unsigned long", "u64")
  int offset = 0;
  int size = 0; // bytes in the record; for __data_loc the 4-byte (len << 16 | offset) descriptor
  bool is_signed = false;
  Kind kind = Kind::Other;
  int array_len = 0;    // CharArray/Array: number of elements (char comm[16] -> 16)
  int element_size = 0; // CharArray/Array: size / array_len when known
  bool rel_loc = false; // __rel_loc: descriptor offset is relative to the end of the field
  bool common = false;  // common_* fields (still accessible, but not listed by -lv)
};

struct TracepointFormat {
  std::string category, event;
  int id = -1;
  std::vector<TracepointField> fields;

  // Field by name (common fields included), or nullptr.
  const TracepointField *find_field(const std::string &name) const;
  // Size of the record as described by the format (end of the last field).
  int record_size() const;
};

// Parses the text of an events/CAT/EVENT/format file. Pure function. `event` is taken from the
// "name:" line; `category` is left empty (the caller knows it).
std::optional<TracepointFormat> parse_tracepoint_format(const std::string &text,
                                                        std::string *error);

// Reads and parses <tracefs>/events/CAT/EVENT/format (mounting tracefs if needed). Error if the
// tracepoint does not exist, e.g. "tracepoint syscalls:sys_enter_opnat does not exist".
std::optional<TracepointFormat>
read_tracepoint_format(const std::string &category, const std::string &event, std::string *error);

// Reads <tracefs>/events/CAT/EVENT/id. Returns -1 and sets *error if it does not exist.
int read_tracepoint_id(const std::string &category, const std::string &event, std::string *error);

// All tracepoints as "category:event" (from <tracefs>/available_events, or by walking events/
// when that file is unreadable), sorted and without duplicates. Empty + *error on failure.
std::vector<std::string> list_tracepoints(std::string *error);

// Tracepoints matching "CATGLOB:EVENTGLOB" (each side may use glob syntax), sorted.
std::vector<std::string> match_tracepoints(const std::string &pattern, std::string *error);

// Glob match of the whole `text` against `pattern`: '*' (any run), '?' (any one character),
// '[abc]', '[a-z]', '[!abc]' / '[^abc]' classes, and '\x' for a literal x.
bool glob_match(const std::string &pattern, const std::string &text);

// True if `pattern` contains an unescaped glob metacharacter.
bool has_glob_chars(const std::string &pattern);

} // namespace bpfscope
