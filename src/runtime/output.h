// Where everything a script prints goes: text as bpftrace prints it, or its NDJSON schema
// (`-f json`). One object per run, writing to stdout or the `-o` file.
#pragma once

#include "parser/types.h"
#include "runtime/format_map.h"

#include <cstdio>
#include <string>

namespace bpfscope {

class Output {
public:
  Output(FILE *out, bool json) : out_(out), json_(json) {}
  bool json() const { return json_; }

  void attached_probes(uint64_t count);
  void printf_text(const std::string &text);
  void value(const Type &type, const uint8_t *data);
  void time(const std::string &text);
  // Text printed as is; in JSON a record of type `type` ("cat", "syscall").
  void typed_text(const std::string &type, const std::string &text);
  void map(const PrintableMap &map, size_t top, uint64_t div);
  // Printed once before the maps at exit (text mode: the two blank lines bpftrace prints).
  void exit_separator();
  void lost_events(uint64_t count);
  // -f json only: a message about a place in the script (errorf/warnf, a failed helper), as
  // bpftrace's record `{"type": TYPE, "msg": ..., [extra fields,] "filename", "line", "col"}`.
  // `extra_fields` is "" or already-encoded `, "key": value` pairs. In text mode such messages
  // are diagnostics on stderr, written by the caller.
  void json_message(const std::string &type, const std::string &msg,
                    const std::string &extra_fields, const std::string &filename, int line,
                    int col);
  void flush();
  // -B: line buffering (flush after every record) or full buffering.
  void set_line_buffered(bool on) { line_buffered_ = on; }
  // -B line when the output is not a terminal: flush whenever the reader has caught up with the
  // events (end_batch), not after every record, so no line waits while bpfscope waits for events.
  void set_flush_after_batch(bool on) { flush_after_batch_ = on; }
  // Called when a batch of records has been handled.
  void end_batch() {
    if (flush_after_batch_ && dirty_) {
      fflush(out_);
      dirty_ = false;
    }
  }
  // -q: no "Attached N probes" line.
  void set_quiet(bool on) { quiet_ = on; }

private:
  void write(const std::string &s);
  FILE *out_;
  bool json_;
  bool line_buffered_ = true;
  bool flush_after_batch_ = false;
  bool dirty_ = false; // written since the last flush
  bool quiet_ = false;
};

} // namespace bpfscope
