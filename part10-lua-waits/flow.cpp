// part10-lua-waits/flow.cpp — part 10: one direction of a pair, and the rules for relaying it.
// See flow.h.
// Same as part8-http/flow.cpp except: one message after another (the end holds the source;
// restart(), reopen()), bytes handed over (receive()), and decoded bodies.
#include "flow.h"

#include <sys/socket.h>

#include <algorithm>
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
  if (held_) return false;  // what the source sends now belongs to the next message
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
  if (n > 0) {
    receive(std::string_view(chunk, static_cast<std::size_t>(n)));
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
  if (size == 0) return;  // not even a system call
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

void Flow::receive(std::string_view bytes) {
  if (state_ == State::kDone) {
    dropped_ += bytes.size();
    return;
  }
  const std::string_view pass = passable(bytes);
  if (!pass.empty()) forward(pass.data(), pass.size());
  endBehindIfQuiet();
}

// What to pass on of the bytes read: all of them, or those up to the body's end (the rest is
// kept: the next request's start), or the data of a chunked body that is decoded.
std::string_view Flow::passable(std::string_view bytes) {
  if (!body_) return bytes;
  std::size_t used = 0;
  switch (body_->take(bytes, used)) {
    case MessageBody::Status::kMore:
      break;
    case MessageBody::Status::kDone:
      leftover_.append(bytes.substr(used));
      endOfMessage();  // what is queued still goes out: forward() queues behind it
      break;
    case MessageBody::Status::kBroken:
      brokenBody_ = true;
      end(0);
      return {};
  }
  return body_->decoding() ? std::string_view(body_->decoded()) : bytes.substr(0, used);
}

void Flow::finish() {
  sourceEnded_ = true;
  if (state_ == State::kOpen) state_ = State::kFlushing;
}

void Flow::endOfMessage() {
  if (state_ == State::kOpen) state_ = State::kFlushing;
  messageEnded_ = true;
  held_ = true;
}

void Flow::restart() {
  state_ = State::kOpen;
  paused_ = false;
  sourceEnded_ = false;
  dropped_ = 0;
  body_ = nullptr;
  messageEnded_ = held_ = failed_ = brokenBody_ = false;
  leftover_.clear();
}

void Flow::reopen() {
  body_ = nullptr;
  messageEnded_ = held_ = false;
  if (!failed_) state_ = State::kOpen;
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
  held_ = false;  // read the source, to drop what it sends
  if (state_ == State::kDone) return;
  if (verbose() && error != 0) log() << toName_ << " " << to_ << ": " << std::strerror(error);
  state_ = State::kDone;
  queued_ = Buffer();
  paused_ = false;
  failed_ = true;
}

void Flow::passOnEnd() {
  if (state_ != State::kFlushing || !queued_.empty() || to_ < 0) return;
  if (!messageEnded_) ::shutdown(to_, SHUT_WR);  // everything went out: now the FIN
  state_ = State::kDone;
}

}  // namespace rsp
