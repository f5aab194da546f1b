// part8-http/buffer.cpp — part 8: the bytes a connection could not write yet.
// See buffer.h.
// Unchanged from part4-slow-writes/buffer.cpp.
#include "buffer.h"

#include <bit>
#include <cassert>

namespace rsp {

void Buffer::append(const char* data, std::size_t size) {
  if (bytes_.size() + size > bytes_.capacity()) makeRoom(size);
  bytes_.insert(bytes_.end(), data, data + size);
}

// No room at the back of the block. First take back the space of the bytes already sent, by
// moving the queued ones to the front (muduo's Buffer does the same): a copy of what is queued,
// which the Flow keeps small. If that is not enough, a new block: for an empty queue, just the
// size of its first bytes; for a queue that grows, the next power of two that holds it. Doubling
// keeps a growing queue cheap, and a queue kept under a power of two (kHighWater) never sits in a
// bigger block.
void Buffer::makeRoom(std::size_t size) {
  bytes_.erase(bytes_.begin(), bytes_.begin() + static_cast<std::ptrdiff_t>(begin_));
  begin_ = 0;
  const std::size_t needed = bytes_.size() + size;
  if (needed > bytes_.capacity()) bytes_.reserve(bytes_.empty() ? needed : std::bit_ceil(needed));
}

void Buffer::consume(std::size_t size) {
  assert(size <= this->size());
  begin_ += size;
  // All sent: the memory goes back, so that an empty queue costs nothing, and one that fills
  // again takes only what it needs then.
  if (empty()) {
    bytes_ = std::vector<char>();
    begin_ = 0;
  }
}

}  // namespace rsp
