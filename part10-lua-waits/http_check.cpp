// part10-lua-waits/http_check.cpp — part 10: a health check that asks. See http_check.h.
#include "http_check.h"

#include <sys/socket.h>

#include <cerrno>

#include "answers.h"
#include "backend.h"

namespace rsp {
namespace {

struct Check {
  Fd socket;
  std::string request;
  std::string reply;  // the status line's first bytes
  bool sent = false;
};

// "HTTP/1.1 204 ..." (or HTTP/1.0): up for 2xx and 3xx. The status line's first bytes are
// read as the access log reads them (answers.h).
bool isUp(const std::string& reply) {
  const int status = responseStatus(reply);
  return status >= 200 && status < 400;
}

}  // namespace

std::string healthCheckRequest(const std::string& path, const std::string& backendName) {
  return "GET " + path + " HTTP/1.1\r\nHost: " + backendName +
         "\r\nUser-Agent: rsp-health-check\r\nConnection: close\r\n\r\n";
}

EventLoop::Handler healthCheckHandler(EventLoop& loop, Fd socket, std::string request,
                                      std::function<void(bool up)> done) {
  auto check = std::make_shared<Check>(Check{std::move(socket), std::move(request), {}, false});
  return [&loop, check, done = std::move(done)](std::uint32_t) {
    const int fd = check->socket.get();
    if (!check->sent) {  // the connect has ended
      if (connectResult(fd) != 0) return done(false);
      if (check->request.empty()) return done(true);
      // A request this small goes out whole into an empty socket buffer, or the check fails.
      const ssize_t n = ::send(fd, check->request.data(), check->request.size(), MSG_NOSIGNAL);
      if (n != static_cast<ssize_t>(check->request.size())) return done(false);
      check->sent = true;
      return loop.modify(fd, EPOLLIN);
    }
    char bytes[64];
    const ssize_t n = ::recv(fd, bytes, sizeof bytes, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n > 0) check->reply.append(bytes, static_cast<std::size_t>(n));
    if (n <= 0 || check->reply.size() >= 12) done(isUp(check->reply));
  };
}

}  // namespace rsp
