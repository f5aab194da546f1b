// tests/support/io.cpp — see io.h.
#include "io.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

namespace rsp::test {

bool waitFor(int fd, short events, const GiveUp& giveUp) {
  using namespace std::chrono;
  // Poll in slices short enough to notice the stop flag soon after it is set.
  const milliseconds slice = giveUp.stopping ? milliseconds(50) : milliseconds(1000);
  for (;;) {
    if (giveUp.stopping && *giveUp.stopping) return false;
    const auto left = duration_cast<milliseconds>(giveUp.deadline - steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, static_cast<int>(std::min(left, slice).count()));
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) return false;
  }
}

bool sendAll(int fd, const char* data, std::size_t size, const GiveUp& giveUp) {
  while (size > 0) {
    if (!waitFor(fd, POLLOUT, giveUp)) return false;
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace rsp::test
