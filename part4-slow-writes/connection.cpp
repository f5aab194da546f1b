// part4-slow-writes/connection.cpp — part 4: one client, relayed without losing a byte.
// See connection.h.
#include "connection.h"

#include <sys/socket.h>
#include <sys/timerfd.h>

#include <cassert>

#include "common/log.h"

namespace rsp {

void Connection::start(EventLoop& loop, Fd client, Fd backend) {
  auto connection = std::make_shared<Connection>(loop, std::move(client), std::move(backend));
  for (Side* side : {&connection->client_, &connection->backend_}) {
    loop.add(side->fd.get(), EPOLLIN,
             [connection, side](std::uint32_t events) { connection->handleEvent(*side, events); });
  }
}

Connection::Connection(EventLoop& loop, Fd client, Fd backend)
    : loop_(loop), client_{std::move(client), "client"}, backend_{std::move(backend), "backend"} {}

Connection::~Connection() {
  // The rule of the event loop: a Connection dies after the batch, never inside a handler,
  // where another event for one of its sockets might still be waiting to be handled.
  assert(!loop_.inCallback());
}

void Connection::handleEvent(Side& side, std::uint32_t events) {
  // Write what is queued for this side, then read what it sent. An error or a hang-up shows
  // up as a send or a recv that fails, so both go ahead on those. (settle() then decides
  // what to watch for, from what the two flows have become.)
  Flow& toSide = flowTo(side);
  Flow& fromSide = flowFrom(side);
  if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) && toSide.wantsToWrite()) toSide.handleWrite();
  if ((events & (EPOLLIN | EPOLLERR | EPOLLHUP)) && fromSide.wantsToRead()) {
    // A socket that failed cannot be written to either: the flow toward it is over.
    if (const int error = fromSide.handleRead()) toSide.end(error);
  }
  settle();
}

// After every event: pass on FINs, close the pair once both flows are over, and watch each
// socket for exactly what can be done with it now.
void Connection::settle() {
  if (closed_) return;
  if (toBackend_.sourceEnded() && toClient_.sourceEnded() && !toBackend_.wantsToWrite() &&
      !toClient_.wantsToWrite()) {
    return closePair("finished");  // close() sends the FINs still owed: no shutdown() first
  }
  toBackend_.passOnEnd();
  toClient_.passOnEnd();
  if (toBackend_.droppedTooMuch() || toClient_.droppedTooMuch()) {
    return closePair("sent too much after its peer had gone");
  }
  if (toBackend_.over() && toClient_.over()) {
    if (toBackend_.sourceEnded() && toClient_.sourceEnded()) return closePair("finished");
    if (!lingering_) startLingering();
  }
  updateInterest(client_);
  updateInterest(backend_);
}

// Reads a side while the flow from it wants to; writes to it while the flow to it does.
void Connection::updateInterest(Side& side) {
  std::uint32_t events = 0;
  if (flowFrom(side).wantsToRead()) events |= EPOLLIN;
  if (flowTo(side).wantsToWrite()) events |= EPOLLOUT;
  loop_.modify(side.fd.get(), events);  // no system call when nothing changed
}

// Both flows are over, but a peer may still be sending: a flow ended because its destination
// failed still reads its source (flow.h). Closing a socket with unread input makes the kernel
// answer with a reset (RST), and a reset destroys what that peer has not read yet — such as
// the reply we just delivered. So, like nginx's lingering close: FIN to both, read and drop
// their input until they finish, Flow::kDropLimit arrives or kLingerSeconds pass, then close.
void Connection::startLingering() {
  lingering_ = true;
  ::shutdown(client_.fd.get(), SHUT_WR);
  ::shutdown(backend_.fd.get(), SHUT_WR);
  lingerTimer_.reset(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
  itimerspec deadline{};
  deadline.it_value.tv_sec = kLingerSeconds;
  if (!lingerTimer_ || ::timerfd_settime(lingerTimer_.get(), 0, &deadline, nullptr) != 0) {
    return closePair("cannot linger: no timer");
  }
  // The timer's handler goes with the pair's (closePair() removes it), so `this` is alive.
  loop_.add(lingerTimer_.get(), EPOLLIN,
            [this](std::uint32_t) { closePair("lingered long enough"); });
}

// Closes the pair. The sockets leave the loop now; the Connection, and with it the Fds that
// close them, goes when the loop drops its handlers after this batch.
void Connection::closePair(const char* why) {
  if (closed_) return;
  closed_ = true;
  if (verbose()) log() << "client " << client_.fd.get() << ": closed, " << why;
  loop_.remove(client_.fd.get());
  loop_.remove(backend_.fd.get());
  if (lingerTimer_) loop_.remove(lingerTimer_.get());
}

}  // namespace rsp
