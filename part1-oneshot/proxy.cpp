// part1-oneshot/proxy.cpp — part 1: a one-shot proxy. See proxy.h.
#include "proxy.h"

#include <sys/socket.h>

#include <cerrno>
#include <exception>
#include <string>

#include "common/error.h"
#include "common/log.h"

namespace rsp {
namespace {

constexpr size_t kReadChunk = 4096;

// Writes all of data, or throws. A blocking send() may still write less than asked (when a
// signal interrupts it), hence the loop. MSG_NOSIGNAL: a client that has gone away makes send()
// fail with EPIPE instead of killing the whole process with SIGPIPE.
void sendAll(int fd, const char* data, size_t size, const char* to) {
  while (size > 0) {
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throwErrno(std::string("cannot write to ") + to);
    data += n;
    size -= static_cast<size_t>(n);
  }
}

}  // namespace

Proxy::Proxy(std::uint16_t listenPort, std::string backendHost, std::uint16_t backendPort)
    : listener_(listenOn(listenPort)),
      backendHost_(std::move(backendHost)),
      backendPort_(backendPort) {}

void Proxy::run() {
  for (;;) {
    // LIMIT: one client at a time. While serve() runs, every other client waits in the
    // listen queue, however slow this one's backend is. Part 2 fixes this with epoll.
    Fd client(::accept4(listener_.fd.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!client) {
      log() << "accept failed: " << SystemError("accept", errno).what();
      continue;
    }
    try {
      serve(std::move(client));
    } catch (const std::exception& error) {
      log() << error.what();
    }
  }
}

void Proxy::serve(Fd client) {
  Fd backend;
  try {
    backend = connectTo(backendHost_, backendPort_);
  } catch (const std::exception& error) {
    throw std::runtime_error(std::string("backend is down: ") + error.what());
  }
  if (verbose()) log() << "client " << client.get() << " connected to backend " << backend.get();

  // LIMIT: one read of the request, of at most 4 KiB. A longer request, or one that arrives
  // in several pieces, is cut short. Part 2 relays whatever arrives, whenever it arrives.
  char buffer[kReadChunk];
  ssize_t n = ::recv(client.get(), buffer, sizeof buffer, 0);
  if (n <= 0) return;  // the client left without asking anything
  sendAll(backend.get(), buffer, static_cast<size_t>(n), "backend");

  // Copy the reply until the backend closes its end; then both Fds close as we return.
  while ((n = ::recv(backend.get(), buffer, sizeof buffer, 0)) > 0) {
    sendAll(client.get(), buffer, static_cast<size_t>(n), "client");
  }
  if (n < 0) throwErrno("cannot read from backend");  // run() logs it: this client was cut short
  if (verbose()) log() << "client " << client.get() << " served";
}

}  // namespace rsp
