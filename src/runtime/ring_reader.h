#pragma once

#include <cstddef>
#include <memory>

namespace bpfscope {

// Reads a BPF ring buffer map, as libbpf's ring_buffer does (same callback, same return
// values), except that the consumer position is published once per pass over the records
// available, not after every record. The BPF side reads that position at every reservation to
// check for room, so publishing it per record made its cache line move between the reader's
// CPU and the tracing CPUs once per event.
class RingReader {
public:
  // `sample` returns a negative value to stop consuming (the record counts as consumed).
  using Sample = int (*)(void *ctx, void *data, size_t size);
  static std::unique_ptr<RingReader> open(int map_fd, Sample sample, void *ctx);
  ~RingReader();
  RingReader(const RingReader &) = delete;
  RingReader &operator=(const RingReader &) = delete;

  // Waits up to timeout_ms for the kernel's next wake-up of the ring, then consumes what is
  // there (after a timeout too): the records handled, or -errno, or the callback's negative
  // value.
  int poll(int timeout_ms);
  // Consumes what is there without waiting.
  int consume();

private:
  RingReader() = default;
  int fd_ = -1;
  int epoll_ = -1;
  Sample sample_ = nullptr;
  void *ctx_ = nullptr;
  size_t page_ = 0, size_ = 0;
  unsigned long *consumer_ = nullptr; // the page the reader writes
  void *producer_map_ = nullptr;      // producer page, then the data mapped twice
  unsigned long *producer_ = nullptr;
  unsigned char *data_ = nullptr;
};

} // namespace bpfscope
