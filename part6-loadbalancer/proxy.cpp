// part6-loadbalancer/proxy.cpp — part 6: the listening side of an event-driven proxy. See
// proxy.h. Same as part5-timeouts/proxy.cpp except: the pool chooses each client's backend.
#include "proxy.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <exception>
#include <string>

#include "common/error.h"
#include "common/log.h"
#include "connection.h"

namespace rsp {
namespace {

// A non-blocking socket never makes the thread wait: a read with nothing to read, or a write
// with no room to write, fails at once with EAGAIN, and the loop tells us when to try again.
void setNonBlocking(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) throwErrno("fcntl O_NONBLOCK");
}

// Send a short write at once. By default (Nagle's algorithm) the kernel holds back a small
// segment while an earlier one is unacknowledged, and the peer delays its ACK (on Linux by
// 40 ms at least, up to 200 ms) hoping to piggyback it on a reply: the tail of a response
// would wait for that timer.
void setNoDelay(int fd) {
  const int on = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

}  // namespace

Proxy::Proxy(EventLoop& loop, const Config& config)
    : loop_(loop),
      pool_(loop, config),
      timeouts_(config.timeouts),
      listener_(listenOn(config.listenPort)) {
  setNonBlocking(listener_.fd.get());
  // Accepted sockets inherit TCP_NODELAY from the listener (on Linux): one setsockopt() in all,
  // not one per client.
  setNoDelay(listener_.fd.get());
  loop_.add(listener_.fd.get(), EPOLLIN, [this](std::uint32_t) { handleAccept(); });
}

Proxy::~Proxy() { loop_.remove(listener_.fd.get()); }

void Proxy::handleAccept() {
  // Take every client that is waiting, not just one: all of them are ready now.
  // LIMIT: however many there are. A burst of new clients is all taken in this one handler,
  // while the transfers in flight wait for the next batch. Part 7 bounds accepts per wakeup.
  for (;;) {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    Fd client(::accept4(listener_.fd.get(), reinterpret_cast<sockaddr*>(&address), &length,
                        SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (client) {
      const std::optional<std::size_t> backend = pool_.choose(address);
      if (!backend) {  // every backend is down: let the client go at once
        if (verbose()) log() << "client " << client.get() << ": no backend is up";
        continue;
      }
      Connection::start(loop_, std::move(client), pool_, *backend, timeouts_);
    } else if (errno != EINTR) {
      // EAGAIN: nobody else is waiting. Anything else (EMFILE: out of descriptors) leaves the
      // client queued, and the loop will report it again.
      // LIMIT: out of descriptors, "again" is at once: the loop spins on the listener, a log
      // line per turn, until a descriptor frees up. Part 7 pauses accepting instead.
      if (errno != EAGAIN) log() << SystemError("accept failed", errno).what();
      return;
    }
  }
}

}  // namespace rsp
