// common/net.cpp — introduced by part 1. See net.h.
#include "common/net.h"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <memory>
#include <stdexcept>

#include "common/error.h"

namespace rsp {
namespace {

using AddressList = std::unique_ptr<addrinfo, decltype(&freeaddrinfo)>;

AddressList resolve(const char* host, std::uint16_t port, int flags) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = flags;
  addrinfo* found = nullptr;
  const int rc = getaddrinfo(host, std::to_string(port).c_str(), &hints, &found);
  if (rc != 0) {
    const std::string name = host ? host : "the local addresses";
    throw std::runtime_error("cannot resolve " + name + ": " + gai_strerror(rc));
  }
  return {found, freeaddrinfo};
}

std::uint16_t boundPort(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throwErrno("getsockname");
  }
  if (address.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port);
  }
  return ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
}

}  // namespace

Listener listenOn(std::uint16_t port) {
  const AddressList addresses = resolve(nullptr, port, AI_PASSIVE);
  int lastError = EADDRNOTAVAIL;
  for (const addrinfo* a = addresses.get(); a != nullptr; a = a->ai_next) {
    Fd fd(::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol));
    if (!fd) {
      lastError = errno;
      continue;
    }
    const int on = 1;
    setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (::bind(fd.get(), a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd.get(), SOMAXCONN) == 0) {
      const std::uint16_t bound = boundPort(fd.get());
      return {std::move(fd), bound};
    }
    lastError = errno;
  }
  throw SystemError("cannot listen on port " + std::to_string(port), lastError);
}

Fd connectTo(const std::string& host, std::uint16_t port) {
  const AddressList addresses = resolve(host.c_str(), port, 0);
  int lastError = EADDRNOTAVAIL;
  for (const addrinfo* a = addresses.get(); a != nullptr; a = a->ai_next) {
    Fd fd(::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol));
    if (fd && ::connect(fd.get(), a->ai_addr, a->ai_addrlen) == 0) return fd;
    lastError = errno;
  }
  throw SystemError("cannot connect to " + host + ":" + std::to_string(port), lastError);
}

}  // namespace rsp
