#include "runtime/ring_reader.h"

#include <bpf/bpf.h>
#include <cerrno>
#include <linux/bpf.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <unistd.h>

namespace bpfscope {

std::unique_ptr<RingReader> RingReader::open(int map_fd, Sample sample, void *ctx) {
  bpf_map_info info{};
  uint32_t len = sizeof(info);
  if (bpf_obj_get_info_by_fd(map_fd, &info, &len) != 0)
    return nullptr;
  std::unique_ptr<RingReader> r(new RingReader());
  r->fd_ = map_fd;
  r->sample_ = sample;
  r->ctx_ = ctx;
  r->page_ = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  r->size_ = info.max_entries;
  void *cons = mmap(nullptr, r->page_, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
  if (cons == MAP_FAILED)
    return nullptr;
  r->consumer_ = static_cast<unsigned long *>(cons);
  // The data pages are mapped twice in a row, so a record that wraps reads as one piece.
  void *prod = mmap(nullptr, r->page_ + 2 * r->size_, PROT_READ, MAP_SHARED, map_fd,
                    static_cast<off_t>(r->page_));
  if (prod == MAP_FAILED)
    return nullptr; // the destructor unmaps the consumer page
  r->producer_map_ = prod;
  r->producer_ = static_cast<unsigned long *>(prod);
  r->data_ = static_cast<unsigned char *>(prod) + r->page_;
  // Edge-triggered: a wait ends at the kernel's next wake-up of the ring (a record submitted
  // without BPF_RB_NO_WAKEUP, or one that crosses the 64 KiB mark), not whenever data is
  // there. Level-triggered, the reader went round its loop (and made system calls, which the
  // probes may see as events) for every few records while a flood came in.
  r->epoll_ = epoll_create1(EPOLL_CLOEXEC);
  if (r->epoll_ < 0)
    return nullptr;
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLET;
  if (epoll_ctl(r->epoll_, EPOLL_CTL_ADD, map_fd, &ev) != 0)
    return nullptr;
  return r;
}

RingReader::~RingReader() {
  if (epoll_ >= 0)
    close(epoll_);
  if (producer_map_)
    munmap(producer_map_, page_ + 2 * size_);
  if (consumer_)
    munmap(consumer_, page_);
}

int RingReader::consume() {
  const unsigned long mask = size_ - 1;
  unsigned long cons = __atomic_load_n(consumer_, __ATOMIC_ACQUIRE);
  int count = 0;
  while (true) {
    unsigned long prod = __atomic_load_n(producer_, __ATOMIC_ACQUIRE);
    if (cons >= prod)
      break;
    bool busy = false;
    while (cons < prod) {
      auto *header = reinterpret_cast<uint32_t *>(data_ + (cons & mask));
      uint32_t len = __atomic_load_n(header, __ATOMIC_ACQUIRE);
      if (len & BPF_RINGBUF_BUSY_BIT) {
        busy = true; // reserved, not yet submitted: later records wait for it
        break;
      }
      uint32_t size = len & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
      cons += (size + BPF_RINGBUF_HDR_SZ + 7) / 8 * 8;
      if (len & BPF_RINGBUF_DISCARD_BIT)
        continue;
      int err = sample_(ctx_, header + BPF_RINGBUF_HDR_SZ / sizeof(uint32_t), size);
      if (err < 0) {
        __atomic_store_n(consumer_, cons, __ATOMIC_RELEASE);
        return err;
      }
      count++;
    }
    // Published once per pass: the room the records read leave is the producers' again.
    __atomic_store_n(consumer_, cons, __ATOMIC_RELEASE);
    if (busy)
      break;
  }
  return count;
}

int RingReader::poll(int timeout_ms) {
  epoll_event ev;
  if (epoll_wait(epoll_, &ev, 1, timeout_ms) < 0)
    return -errno;
  // After a timeout too: records submitted without a wake-up are read then.
  return consume();
}

} // namespace bpfscope
