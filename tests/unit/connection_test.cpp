// tests/unit/connection_test.cpp — part 4's write path, without the network: a Connection over
// two socketpairs, the client's with a tiny buffer, driven one loop turn at a time.
//
//   test "backend" ══ backendPair ══ Connection ══ clientPair ══ test "client" (reads slowly)
#include <sys/socket.h>

#include <catch2/catch.hpp>
#include <string>

#include "connection.h"
#include "pattern.h"

using rsp::Connection;
using rsp::Fd;

namespace {

constexpr std::size_t kBody = 2 * 1024 * 1024;

std::pair<Fd, Fd> socketPair() {
  int fds[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) == 0);
  return {Fd(fds[0]), Fd(fds[1])};
}

void setBuffers(int fd, int bytes) {
  ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof bytes);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
}

struct Rig {
  rsp::EventLoop loop;
  Fd client, backend;  // the test's ends
  std::size_t sent = 0;
  rsp::test::PatternChecker received{kBody};
  bool clientSawEnd = false;

  Rig() {
    auto [client, proxyClient] = socketPair();
    auto [proxyBackend, backend] = socketPair();
    setBuffers(proxyClient.get(), 4096);
    setBuffers(client.get(), 4096);
    this->client = std::move(client);
    this->backend = std::move(backend);
    Connection::start(loop, std::move(proxyClient), std::move(proxyBackend));
  }

  // The backend writes as much of the body as its socket takes; FIN once all is written.
  void backendWrites() {
    char chunk[65536];
    while (sent < kBody) {
      const std::size_t n = std::min(sizeof chunk, kBody - sent);
      rsp::test::fillPattern(chunk, sent, n);
      const ssize_t w = ::send(backend.get(), chunk, n, MSG_NOSIGNAL);
      if (w <= 0) return;
      sent += static_cast<std::size_t>(w);
    }
    ::shutdown(backend.get(), SHUT_WR);
  }

  // The client reads up to `limit` bytes of whatever has arrived.
  void clientReads(std::size_t limit) {
    char chunk[4096];
    const ssize_t n = ::recv(client.get(), chunk, std::min(sizeof chunk, limit), 0);
    if (n > 0) received.feed(chunk, static_cast<std::size_t>(n));
    if (n == 0) clientSawEnd = true;
  }
};

}  // namespace

TEST_CASE("a client that reads slowly gets every byte, then the backend's FIN", "[connection]") {
  Rig rig;
  for (int turn = 0; turn < 200000 && !rig.clientSawEnd; ++turn) {
    rig.backendWrites();
    rig.loop.runOnce(0);
    rig.clientReads(1500);  // slower than the backend writes
  }
  rig.received.finish();
  INFO(rig.received.summary());
  CHECK(rig.clientSawEnd);
  CHECK(rig.received.intact());
}

TEST_CASE("a client that does not read makes the backend wait: memory stays bounded",
          "[connection]") {
  Rig rig;
  for (int turn = 0; turn < 1000; ++turn) {
    rig.backendWrites();
    rig.loop.runOnce(0);
  }
  // What the backend could push = socket buffers along the way + the proxy's queue, which
  // backpressure caps near kHighWater. Without it, the proxy would take all 2 MiB.
  INFO("the backend got " << rig.sent << " bytes out");
  CHECK(rig.sent < kBody / 2);
  // Now the client reads everything, and nothing was lost while it did not.
  for (int turn = 0; turn < 200000 && !rig.clientSawEnd; ++turn) {
    rig.backendWrites();
    rig.loop.runOnce(0);
    rig.clientReads(4096);
  }
  rig.received.finish();
  INFO(rig.received.summary());
  CHECK(rig.received.intact());
}

TEST_CASE("a client that resets while bytes are queued closes just that connection",
          "[connection]") {
  Rig rig;
  for (int turn = 0; turn < 100; ++turn) {
    rig.backendWrites();
    rig.loop.runOnce(0);
  }
  rig.client.reset();  // gone, with bytes still queued for it
  for (int turn = 0; turn < 100; ++turn) rig.loop.runOnce(0);
  // The proxy closed its end of the backend's pair: the backend sees EOF or a reset.
  char byte;
  const ssize_t n = ::recv(rig.backend.get(), &byte, 1, 0);
  CHECK((n == 0 || (n < 0 && errno == ECONNRESET)));
}
