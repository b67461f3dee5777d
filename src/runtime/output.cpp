#include "runtime/output.h"

#include "runtime/format_json.h"
#include "runtime/format_value.h"

namespace bpfscope {

void Output::write(const std::string &s) {
  fwrite(s.data(), 1, s.size(), out_);
  if (line_buffered_)
    fflush(out_);
  else
    dirty_ = true;
}

void Output::flush() {
  fflush(out_);
  dirty_ = false;
}

void Output::attached_probes(uint64_t count) {
  if (json_) {
    write(json_attached_probes_record(count));
    return;
  }
  if (quiet_)
    return;
  fprintf(stderr, "Attached %llu probe%s\n", static_cast<unsigned long long>(count),
          count == 1 ? "" : "s");
}

void Output::printf_text(const std::string &text) {
  write(json_ ? json_printf_record(text) : text);
}

void Output::value(const Type &type, const uint8_t *data) {
  write(json_ ? json_value_record(type, data) : format_value(type, data) + "\n");
}

void Output::time(const std::string &text) { write(json_ ? json_time_record(text) : text); }

void Output::typed_text(const std::string &type, const std::string &text) {
  write(json_ ? "{\"type\": \"" + type + "\", \"data\": " + json_escape(text) + "}\n" : text);
}

void Output::map(const PrintableMap &map, size_t top, uint64_t div) {
  if (map.empty())
    return;
  if (json_) {
    write(format_map_json(map, top, div));
    return;
  }
  format_map_text_chunks(map, top, div, [&](const std::string &chunk) {
    fwrite(chunk.data(), 1, chunk.size(), out_);
  });
  if (line_buffered_)
    fflush(out_);
  else
    dirty_ = true;
}

void Output::exit_separator() {
  if (!json_)
    write("\n\n");
}

void Output::lost_events(uint64_t count) {
  if (json_) {
    // Like attached_probes: the count both at the top and under "data", as v0.26 writes it.
    std::string n = std::to_string(count);
    write("{\"type\": \"lost_events\", \"count\": " + n + ", \"data\": {\"events\": " + n + "}}\n");
    return;
  }
  fprintf(stderr, "Lost %llu events\n", static_cast<unsigned long long>(count));
}

void Output::json_message(const std::string &type, const std::string &msg,
                          const std::string &extra_fields, const std::string &filename, int line,
                          int col) {
  write("{\"type\": \"" + type + "\", \"msg\": " + json_escape(msg) + extra_fields +
        ", \"filename\": " + json_escape(filename) + ", \"line\": " + std::to_string(line) +
        ", \"col\": " + std::to_string(col) + "}\n");
}

} // namespace bpfscope
