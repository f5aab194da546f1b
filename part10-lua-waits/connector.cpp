// part10-lua-waits/connector.cpp — part 10: connecting to a backend without waiting, within a
// time. See connector.h.
// Unchanged from part5-timeouts/connector.cpp.
#include "connector.h"

#include <cerrno>
#include <exception>

namespace rsp {

void Connector::connect(const Backend& backend, std::chrono::milliseconds timeout) {
  cancel();
  backend_ = &backend;
  timeout_ = timeout;
  next_ = 0;
  tryNext();
}

// Starts a connect to the next address. One that fails at once (refused on loopback, no
// descriptor left) moves on to the next address; one in progress waits for writability or
// the timeout.
void Connector::tryNext() {
  int error = 0;
  while (next_ < backend_->addresses.size()) {
    bool inProgress = false;
    Fd socket = startConnect(backend_->addresses[next_++], inProgress);
    if (!socket) {
      error = errno;
      continue;
    }
    try {  // registered either way: the receiver takes the registration over
      loop_.add(socket.get(), inProgress ? EPOLLOUT : 0u,
                [this](std::uint32_t) { handleWritable(); });
    } catch (const std::exception&) {  // the loop cannot watch it (ENOMEM): a failed attempt
      error = ENOMEM;
      continue;
    }
    if (!inProgress) return finish(std::move(socket), 0);  // connected at once (loopback can)
    socket_ = std::move(socket);
    timer_ = loop_.timers().add(loop_.now() + timeout_, [this] { failed(ETIMEDOUT); });
    return;
  }
  finish(Fd(), error);
}

// The socket turned writable (or failed): the handshake is over, and SO_ERROR says how.
void Connector::handleWritable() {
  loop_.timers().cancel(timer_);
  if (const int error = connectResult(socket_.get())) return failed(error);
  finish(std::move(socket_), 0);
}

void Connector::failed(int error) {
  cancel();
  if (next_ < backend_->addresses.size()) return tryNext();
  finish(Fd(), error);
}

// Calls done_ last: it may call connect() again, or destroy what owns this Connector.
void Connector::finish(Fd socket, int error) {
  loop_.timers().cancel(timer_);
  done_(std::move(socket), error);
}

// Its socket leaves the loop and is closed, its timer is cancelled. (Its handler goes after
// the batch: it may be the one running.)
void Connector::cancel() {
  loop_.timers().cancel(timer_);
  if (!socket_) return;
  loop_.remove(socket_.get());
  socket_.reset();
}

}  // namespace rsp
