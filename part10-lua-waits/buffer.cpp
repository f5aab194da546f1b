// part10-lua-waits/buffer.cpp — part 10: the bytes a connection could not write yet.
// See buffer.h.
// Unchanged from part4-slow-writes/buffer.cpp.
#include "buffer.h"

#include <cassert>

namespace rsp {

void Buffer::append(const char* data, std::size_t size) {
  // Reclaim the space of bytes already sent once it outweighs the bytes still queued, so the
  // block does not grow forever at the front, and the copy is paid for by the sends before it.
  if (begin_ > 0 && begin_ >= this->size()) {
    bytes_.erase(bytes_.begin(), bytes_.begin() + static_cast<std::ptrdiff_t>(begin_));
    begin_ = 0;
  }
  bytes_.insert(bytes_.end(), data, data + size);
}

void Buffer::consume(std::size_t size) {
  assert(size <= this->size());
  begin_ += size;
  if (empty()) {  // all sent: start again at the front, keeping the memory for next time
    bytes_.clear();
    begin_ = 0;
  }
}

void Buffer::release() {
  assert(empty());
  bytes_ = std::vector<char>();
  begin_ = 0;
}

}  // namespace rsp
