// part10-lua-waits/backend.cpp — part 10: the backend, resolved once, connected to without
// waiting. See backend.h.
// Unchanged from part5-timeouts/backend.cpp.
#include "backend.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace rsp {

Backend resolveBackend(const std::string& host, std::uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
  if (rc != 0) throw std::runtime_error("cannot resolve " + host + ": " + gai_strerror(rc));
  const std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> addresses(found, freeaddrinfo);
  Backend backend{host + ":" + std::to_string(port), {}};
  for (const addrinfo* a = addresses.get(); a != nullptr; a = a->ai_next) {
    SocketAddress address{};
    std::memcpy(&address.storage, a->ai_addr, a->ai_addrlen);
    address.length = a->ai_addrlen;
    backend.addresses.push_back(address);
  }
  return backend;
}

Fd startConnect(const SocketAddress& address, bool& inProgress) {
  Fd fd(::socket(address.storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return fd;
  const sockaddr* to = reinterpret_cast<const sockaddr*>(&address.storage);
  const int on = 1;  // no Nagle delay for small writes, as for the client (proxy.cpp)
  ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  inProgress = ::connect(fd.get(), to, address.length) != 0;
  if (inProgress && errno != EINPROGRESS) {  // failed at once: keep errno, which says why
    const int error = errno;
    fd.reset();
    errno = error;
  }
  return fd;
}

int connectResult(int fd) {
  int error = 0;
  socklen_t length = sizeof error;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) return errno;
  return error;
}

}  // namespace rsp
