// part4-slow-writes/buffer.h — part 4: the bytes a connection could not write yet.
//
// A queue of bytes in one contiguous block: append() at the back, consume() from the front.
//
//   +----------------+-------------------------+----------------+
//   |  already sent  |  queued: data(), size() |   free space   |
//   +----------------+-------------------------+----------------+
//   0             begin_                 bytes_.size()     capacity
//
// It knows nothing of sockets or limits: the Flow decides when to write, and how much may be
// queued before it stops reading (flow.h). Its block is as big as the first bytes queued, grows
// by powers of two if it must, and is given back once the queue is empty.
#pragma once

#include <cstddef>
#include <vector>

namespace rsp {

class Buffer {
 public:
  bool empty() const { return begin_ == bytes_.size(); }
  std::size_t size() const { return bytes_.size() - begin_; }
  const char* data() const { return bytes_.data() + begin_; }

  // Queues a copy of `size` bytes behind what is already queued.
  void append(const char* data, std::size_t size);
  // Forgets the first `size` queued bytes: they have been written. Once all are, the memory
  // goes back.
  void consume(std::size_t size);

 private:
  void makeRoom(std::size_t size);

  std::vector<char> bytes_;
  std::size_t begin_ = 0;  // the first byte not yet sent
};

}  // namespace rsp
