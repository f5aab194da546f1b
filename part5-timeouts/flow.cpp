// part5-timeouts/flow.cpp — part 5: one direction of a pair, and the rules for relaying it.
// See flow.h.
#include "flow.h"

#include <sys/socket.h>

#include <cassert>
#include <cerrno>
#include <cstring>

#include "common/log.h"

namespace rsp {

// A flow reads its source unless it is paused or the source has ended. A flow that is over
// (its destination failed; or, lingering, both flows are) still reads its source, and drops
// what it sends: a peer still sending must not be left blocked in send(), nor answered with a
// reset.
bool Flow::wantsToRead() const {
  if (state_ == State::kDone) return !sourceEnded_;
  return state_ == State::kOpen && !paused_;
}

int Flow::handleRead() {
  char chunk[kReadChunk];
  // A flow whose destination keeps up reads whole chunks; one whose destination is behind reads
  // only what its queue has room for under kHighWater. (It is read only below kHighWater: see
  // forward().)
  assert(state_ == State::kDone || queued_.size() < kHighWater);
  const std::size_t room = (behind_ ? kHighWater : kReadChunk) - queued_.size();
  const ssize_t n = ::recv(from_, chunk, room, 0);
  sourceDrained_ = n < static_cast<ssize_t>(room);  // it had no more than this, for now
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return 0;
  if (n > 0 && state_ != State::kDone) {
    forward(chunk, static_cast<std::size_t>(n));
    endBehindIfQuiet();
  } else if (n > 0) {
    dropped_ += static_cast<std::size_t>(n);
  } else {
    // The source will send nothing more: its FIN (n == 0), or an error. What is queued still
    // goes to the destination, and then our FIN (passOnEnd()).
    sourceEnded_ = true;
    if (state_ == State::kOpen) state_ = State::kFlushing;
    if (n < 0) return errno;
  }
  return 0;
}

// Writes to the destination at once if nothing is queued; queues what it did not take.
void Flow::forward(const char* data, std::size_t size) {
  std::size_t written = 0;
  // Never write around queued bytes: they must go out first. Nor to a backend still
  // connecting: its bytes wait in the queue until the Connection calls handleWrite().
  if (queued_.empty() && to_ >= 0) {
    const ssize_t n = ::send(to_, data, size, MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EINTR) return end(errno);
    written = n > 0 ? static_cast<std::size_t>(n) : 0;
    sent_ += written;
    if (written < size) behind_ = true;  // the destination did not take everything
  }
  if (written == size) return;  // all out: nothing to queue
  queued_.append(data + written, size - written);
  if (queued_.size() >= kHighWater) paused_ = true;  // backpressure
}

void Flow::handleWrite() {
  const ssize_t n = ::send(to_, queued_.data(), queued_.size(), MSG_NOSIGNAL);
  if (n < 0) {
    if (errno != EAGAIN && errno != EINTR) end(errno);
    return;
  }
  queued_.consume(static_cast<std::size_t>(n));
  if (!queued_.empty()) behind_ = true;  // the destination did not take everything
  endBehindIfQuiet();
  sent_ += static_cast<std::size_t>(n);
  // Resume reading the source. Level-triggered epoll reports at once whatever is already
  // waiting in its socket; no new event has to arrive first.
  if (paused_ && queued_.size() <= kLowWater) paused_ = false;
}

// All caught up with a source that had nothing more: the flow goes quiet. What the source sends
// next is read in whole chunks again, until a send does not take everything.
void Flow::endBehindIfQuiet() {
  if (queued_.empty() && sourceDrained_) behind_ = false;
}

// Drops what was queued; the source is now read only to drop what it sends. The other flow is
// left alone: whatever the failed peer sent before it went is still read and delivered.
void Flow::end(int error) {
  if (state_ == State::kDone) return;
  if (verbose()) log() << toName_ << " " << to_ << ": " << std::strerror(error);
  state_ = State::kDone;
  queued_ = Buffer();
  paused_ = false;
}

void Flow::passOnEnd() {
  if (state_ != State::kFlushing || !queued_.empty() || to_ < 0) return;
  ::shutdown(to_, SHUT_WR);  // everything went out: now the FIN
  state_ = State::kDone;
}

}  // namespace rsp
