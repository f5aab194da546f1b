// part2-epoll/connection.cpp — part 2: one client, relayed by the event loop. See connection.h.
#include "connection.h"

#include <sys/socket.h>

#include <cassert>
#include <cerrno>
#include <cstring>

#include "common/log.h"

namespace rsp {
namespace {

constexpr size_t kReadChunk = 4096;

}  // namespace

void Connection::start(EventLoop& loop, Fd client, Fd backend) {
  auto connection = std::make_shared<Connection>(loop, std::move(client), std::move(backend));
  Connection& c = *connection;
  loop.add(c.client_.fd.get(), EPOLLIN, [connection](std::uint32_t events) {
    connection->handleEvent(connection->client_, connection->backend_, events);
  });
  loop.add(c.backend_.fd.get(), EPOLLIN, [connection](std::uint32_t events) {
    connection->handleEvent(connection->backend_, connection->client_, events);
  });
}

Connection::Connection(EventLoop& loop, Fd client, Fd backend)
    : loop_(loop), client_{std::move(client), "client"}, backend_{std::move(backend), "backend"} {}

Connection::~Connection() {
  // The rule of the event loop: a Connection dies after the batch, never inside a handler,
  // where another event for one of its sockets might still be waiting to be handled.
  assert(!loop_.inCallback());
}

void Connection::handleEvent(Side& from, Side& to, std::uint32_t events) {
  // A hang-up or an error shows up as a read that returns 0 or fails, so read in every case.
  if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) relay(from, to);
}

// Reads what has arrived on `from` and writes it to `to`.
void Connection::relay(Side& from, Side& to) {
  char chunk[kReadChunk];
  const ssize_t n = ::recv(from.fd.get(), chunk, sizeof chunk, 0);
  // LIMIT: a FIN from either side closes both at once. A client that shuts down its writing
  // half once its request is out (a half-close) loses the response it is waiting for. Part 4
  // passes the FIN on, and closes the pair once both directions are done.
  if (n == 0) return close(from, "closed the connection");
  if (n < 0) {
    if (errno != EAGAIN && errno != EINTR) close(from, std::strerror(errno));
    return;
  }
  // BUG: when `to` cannot take everything right now (its socket buffer is full because that
  // peer reads slower than this one sends), send() writes part of the chunk, or nothing and
  // fails with EAGAIN. The rest of `chunk` is dropped without a word: the missing chunks.
  // Part 4 fixes this.
  const ssize_t sent = ::send(to.fd.get(), chunk, static_cast<size_t>(n), MSG_NOSIGNAL);
  if (sent < 0 && errno != EAGAIN) close(to, std::strerror(errno));
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
