// part3-lua/proxy.cpp — part 3: the listening side of an event-driven proxy. See proxy.h.
// Unchanged from part2-epoll/proxy.cpp.
#include "proxy.h"

#include <fcntl.h>
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

}  // namespace

Proxy::Proxy(EventLoop& loop, std::uint16_t listenPort, std::string backendHost,
             std::uint16_t backendPort)
    : loop_(loop),
      listener_(listenOn(listenPort)),
      backendHost_(std::move(backendHost)),
      backendPort_(backendPort) {
  setNonBlocking(listener_.fd.get());
  loop_.add(listener_.fd.get(), EPOLLIN, [this](std::uint32_t) { handleAccept(); });
}

Proxy::~Proxy() { loop_.remove(listener_.fd.get()); }

void Proxy::handleAccept() {
  // Take every client that is waiting, not just one: all of them are ready now.
  for (;;) {
    Fd client(::accept4(listener_.fd.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (client) {
      connectToBackend(std::move(client));
    } else if (errno != EINTR) {
      // EAGAIN: nobody else is waiting. Anything else (EMFILE: out of descriptors) leaves the
      // client queued, and the loop will report it again.
      if (errno != EAGAIN) log() << SystemError("accept failed", errno).what();
      return;
    }
  }
}

void Proxy::connectToBackend(Fd client) {
  Fd backend;
  try {
    // LIMIT: connectTo() blocks until the backend answers. On loopback that is at once; a far
    // backend that does not answer would stall every client for the connect timeout.
    backend = connectTo(backendHost_, backendPort_);
    setNonBlocking(backend.get());
  } catch (const std::exception& error) {
    log() << "backend is down: " << error.what();
    return;  // the client's Fd closes as we return
  }
  if (verbose()) log() << "client " << client.get() << " connected to backend " << backend.get();
  Connection::start(loop_, std::move(client), std::move(backend));
}

}  // namespace rsp
