// part4-slow-writes/connection.cpp — part 4: one client, relayed without losing a byte.
// See connection.h.
#include "connection.h"

#include <sys/socket.h>

#include <cassert>
#include <cerrno>
#include <cstring>

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
  // Write first: draining this side's queue may let us read the other side again. An error
  // or a hang-up shows up as a send or a recv that fails, so both go ahead on those too.
  if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) && !side.queued.empty()) handleWrite(side);
  if (closed_) return;
  if ((events & (EPOLLIN | EPOLLERR | EPOLLHUP)) && side.readOpen && !side.readPaused) {
    handleRead(side);
  }
}

// Reads what has arrived on `from` and sends it on to the other side.
void Connection::handleRead(Side& from) {
  char chunk[kReadChunk];
  const ssize_t n = ::recv(from.fd.get(), chunk, sizeof chunk, 0);
  if (n > 0) return send(peerOf(from), chunk, static_cast<std::size_t>(n));
  if (n < 0) {
    if (errno != EAGAIN && errno != EINTR) close(from, std::strerror(errno));
    return;
  }
  // n == 0: `from` has sent everything. The other side gets our FIN once it has everything
  // before it: now if nothing is queued for it, else when handleWrite() drains its queue.
  from.readOpen = false;
  Side& to = peerOf(from);
  if (to.queued.empty()) ::shutdown(to.fd.get(), SHUT_WR);
  updateInterest(from);
  finishIfDone();
}

// Writes to `to` at once if nothing is queued for it; queues whatever the socket did not take.
void Connection::send(Side& to, const char* data, std::size_t size) {
  std::size_t written = 0;
  if (to.queued.empty()) {  // never write around queued bytes: they must go out first
    const ssize_t n = ::send(to.fd.get(), data, size, MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EINTR) return close(to, std::strerror(errno));
    written = n > 0 ? static_cast<std::size_t>(n) : 0;
  }
  if (written == size) return;  // all out: nothing to queue, nothing to watch for
  to.queued.append(data + written, size - written);
  Side& from = peerOf(to);
  if (to.queued.size() >= kHighWater) from.readPaused = true;  // backpressure
  updateInterest(to);
  updateInterest(from);
}

// `to` can take more: write what is queued for it.
void Connection::handleWrite(Side& to) {
  const ssize_t n = ::send(to.fd.get(), to.queued.data(), to.queued.size(), MSG_NOSIGNAL);
  if (n < 0) {
    if (errno != EAGAIN && errno != EINTR) close(to, std::strerror(errno));
    return;
  }
  to.queued.consume(static_cast<std::size_t>(n));
  Side& from = peerOf(to);
  // Resume reading the other side. Level-triggered epoll reports at once whatever is already
  // waiting in its socket; no new event has to arrive first.
  if (from.readPaused && to.queued.size() <= kLowWater) from.readPaused = false;
  if (to.queued.empty() && !from.readOpen) ::shutdown(to.fd.get(), SHUT_WR);  // flushed: FIN
  updateInterest(to);
  updateInterest(from);
  finishIfDone();
}

// Watches a side for exactly what we can do with it now: read it unless it has finished or is
// paused; write to it while bytes are queued for it.
void Connection::updateInterest(Side& side) {
  if (closed_) return;
  std::uint32_t events = 0;
  if (side.readOpen && !side.readPaused) events |= EPOLLIN;
  if (!side.queued.empty()) events |= EPOLLOUT;
  loop_.modify(side.fd.get(), events);  // no system call when nothing changed
}

// Both directions finished: each side sent its FIN and everything was written.
void Connection::finishIfDone() {
  if (!client_.readOpen && !backend_.readOpen && client_.queued.empty() &&
      backend_.queued.empty()) {
    close(client_, "finished");
  }
}

// Closes both sides. The sockets leave the loop now; the Connection, and with it the Fds that
// close them, goes when the loop drops its handlers after this batch.
void Connection::close(const Side& side, const char* why) {
  if (closed_) return;
  closed_ = true;
  if (verbose()) log() << "client " << client_.fd.get() << ": " << side.name << " " << why;
  loop_.remove(client_.fd.get());
  loop_.remove(backend_.fd.get());
}

}  // namespace rsp
