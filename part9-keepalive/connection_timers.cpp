// part9-keepalive/connection_timers.cpp — part 9: what a Connection does at its deadline.
// See connection.h. (New in part 9, moved out of connection.cpp to keep it short; the timer's
// meaning follows the phase, as in part 8, with keepaliveTimeout between requests.)
#include <linux/tcp.h>  // struct tcp_info with tcpi_bytes_acked (glibc's has no such field)
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdint>

#include "common/log.h"
#include "connection.h"

namespace rsp {

void Connection::handleTimer() {
  if (phase_ == Phase::kReadingHead) {
    // Kept alive and nothing asked since: keepaliveTimeout, and no answer is owed.
    if (requests_ > 0 && reader_.buffered() == 0) return closePair("kept alive long enough");
    return answer(408);  // headerTimeout: the slowloris
  }
  if (phase_ == Phase::kLingering) return closePair("lingered long enough");
  if (phase_ == Phase::kRelaying && idle()) {
    // No byte of answer within idleTimeout: the backend's time is up (504).
    if (answered_ == 0 && !responding_ && response_.received() == 0) {
      if (verbose()) log() << "client " << client_.fd.get() << ": no answer within idleTimeout";
      return answer(504);
    }
    return closePair("idle for too long");
  }
}

// Run by the idle timer. No event for idleTimeout does not make a pair idle yet: a peer may
// still be taking what the kernel holds for it (a socket's send buffer grows to megabytes)
// without our seeing an event. So bytes acknowledged count as activity too, as of the firing
// that saw them.
bool Connection::idle() {
  const auto now = loop_.now();
  const std::uint64_t acked = bytesAcked();
  if (acked != lastAcked_) lastAckedAt_ = now;
  lastAcked_ = acked;
  const auto lastMoved = std::max(lastActive_, lastAckedAt_);
  // Idle is: no event for idleTimeout, and all we sent was acknowledged or nothing more was.
  const std::uint64_t sent = toBackend_.sent() + toClient_.sent();
  if (now - lastActive_ >= routing_->timeouts.idle &&
      (acked >= sent || now - lastMoved >= routing_->timeouts.idle)) {
    return true;
  }
  // Events only note the time (lastActive_): a busy pair costs no timer work per event, and
  // the timer looks again once idleTimeout has passed since the latest one. While only
  // acknowledgements move, it looks every quarter of idleTimeout, so that a peer that stops
  // reading is cut about idleTimeout after it stopped, not up to twice that.
  auto next = lastMoved + routing_->timeouts.idle;
  if (lastAckedAt_ > lastActive_) next = std::min(next, now + routing_->timeouts.idle / 4);
  armTimer(next);
  return false;
}

// The bytes our two sockets have had acknowledged by their peers, from the kernel's TCP_INFO.
// It grows while a peer reads, even when we see no event; asked only when the idle timer fires.
std::uint64_t Connection::bytesAcked() const {
  std::uint64_t total = 0;
  for (const Side* side : {&client_, &backend_}) {
    tcp_info info{};
    socklen_t length = sizeof info;
    if (side->fd && ::getsockopt(side->fd.get(), IPPROTO_TCP, TCP_INFO, &info, &length) == 0) {
      total += info.tcpi_bytes_acked;
    }
  }
  return total;
}

}  // namespace rsp
