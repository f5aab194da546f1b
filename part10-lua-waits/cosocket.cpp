// part10-lua-waits/cosocket.cpp — part 10: one rsp.tcp() socket's operations, never blocking.
// See cosocket.h.
#include "cosocket.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <new>

namespace rsp {
namespace {

constexpr std::size_t kReadChunk = 16 * 1024;

// host:port as a socket address, if host is a numeric IPv4 or IPv6 address.
bool numericAddress(const char* host, int port, sockaddr_storage& address, socklen_t& length) {
  auto& v4 = reinterpret_cast<sockaddr_in&>(address);
  auto& v6 = reinterpret_cast<sockaddr_in6&>(address);
  if (::inet_pton(AF_INET, host, &v4.sin_addr) == 1) {
    v4.sin_family = AF_INET;
    v4.sin_port = htons(static_cast<std::uint16_t>(port));
    length = sizeof v4;
    return true;
  }
  if (::inet_pton(AF_INET6, host, &v6.sin6_addr) == 1) {
    v6.sin6_family = AF_INET6;
    v6.sin6_port = htons(static_cast<std::uint16_t>(port));
    length = sizeof v6;
    return true;
  }
  return false;
}

}  // namespace

Cosocket::Connect Cosocket::startConnect(const char* host, int port) noexcept {
  sockaddr_storage address{};
  socklen_t length = 0;
  if (!numericAddress(host, port, address, length)) return Connect::kNotNumeric;
  fd.reset(::socket(address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) {
    error = std::strerror(errno);
    return Connect::kFailed;
  }
  const int on = 1;  // a request, then its answer: no waiting for Nagle's algorithm
  ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&address), length) == 0) {
    connected = true;
    return Connect::kDone;
  }
  if (errno == EINPROGRESS) return Connect::kUnderWay;
  error = std::strerror(errno);
  return Connect::kFailed;
}

bool Cosocket::queue(const char* data, std::size_t size) noexcept {
  try {
    out.assign(data, size);
  } catch (const std::bad_alloc&) {
    return false;
  }
  sent = 0;
  return true;
}

// Takes what receive asked for out of `in`, if it is there.
bool Cosocket::satisfied() {
  if (op == Op::kReceiveBytes) {
    if (in.size() < want) return false;
    result.assign(in, 0, want);
    in.erase(0, want);
    return true;
  }
  const std::size_t end = in.find('\n');
  if (end == std::string::npos) return false;
  for (std::size_t i = 0; i < end; ++i) {
    if (in[i] != '\r') result += in[i];  // "*l": the line without its LF, CRs ignored
  }
  in.erase(0, end + 1);
  return true;
}

bool Cosocket::advance() noexcept {
  try {
    switch (op) {
      case Op::kNone:
        return true;
      case Op::kConnect:
        return finishConnect();
      case Op::kSend:
        return writeSome();
      case Op::kReceiveBytes:
      case Op::kReceiveLine:
        return readSome();
    }
  } catch (const std::bad_alloc&) {
    error = "no memory";
  }
  return true;
}

bool Cosocket::finishConnect() {
  int failed = 0;
  socklen_t length = sizeof failed;
  if (::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &failed, &length) != 0) failed = errno;
  if (failed != 0) error = std::strerror(failed);
  connected = failed == 0;
  return true;
}

bool Cosocket::writeSome() {
  while (sent < out.size()) {
    const ssize_t n = ::send(fd.get(), out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      return false;
    } else if (errno != EINTR) {
      error = std::strerror(errno);
      return true;
    }
  }
  return true;
}

bool Cosocket::readSome() {
  while (!satisfied()) {
    if (in.size() > kMaxReceive) {  // only a line can get here: receive(n) stops at n
      error = "line too long";
      return true;
    }
    char chunk[kReadChunk];
    const ssize_t n = ::recv(fd.get(), chunk, sizeof chunk, 0);
    if (n > 0) {
      in.append(chunk, static_cast<std::size_t>(n));
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return false;
    } else if (n == 0 || errno != EINTR) {
      error = n == 0 ? "closed" : std::strerror(errno);
      result.swap(in);  // what came before the end: the partial answer
      in.clear();
      return true;
    }
  }
  return true;
}

void Cosocket::timedOut() noexcept {
  error = "timeout";
  if (op == Op::kReceiveBytes || op == Op::kReceiveLine) {
    result.swap(in);  // a receive's timeout returns what had come, and keeps the socket
    in.clear();
  }
}

void Cosocket::close(EventLoop& loop) noexcept {
  try {
    if (fd && loop.watches(fd.get())) loop.remove(fd.get());
  } catch (const std::bad_alloc&) {  // remove() keeps the handler till the batch's end: no room
  }
  fd.reset();  // events already taken for it in this batch are skipped (event_loop.h)
  connected = false;
  in.clear();
}

}  // namespace rsp
