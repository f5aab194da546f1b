// tests/tools/idle_clients.cpp — see idle_clients.h.
#include "idle_clients.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <string>

#include "client.h"
#include "io.h"
#include "process.h"
#include "procfs.h"

namespace rsp::test {

using namespace std::chrono_literals;

namespace {

constexpr char kHalfRequest[] = "GET /bytes/100 HTTP/1.0\r\n";  // the blank line never comes

}  // namespace

std::vector<Fd> openIdleClients(std::uint16_t port, int count) {
  std::vector<Fd> clients;
  for (int i = 0; i < count; ++i) {
    Fd client = connectClient(port);
    const GiveUp giveUp{std::chrono::steady_clock::now() + 5s};
    if (!client || !sendAll(client.get(), kHalfRequest, sizeof kHalfRequest - 1, giveUp)) {
      throw std::runtime_error("an idle client could not connect to port " + std::to_string(port));
    }
    clients.push_back(std::move(client));
  }
  return clients;
}

bool closedByPeer(int fd) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, 0) <= 0) return false;
  char byte;  // nothing else arrives: the backend never answers half a request
  const ssize_t n = ::recv(fd, &byte, 1, MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR);
}

int limitLeaving(std::vector<int> open, int free) {
  std::sort(open.begin(), open.end());
  int limit = free;
  for (const int fd : open) limit += fd < limit;  // a number in use below the limit frees none
  return limit;
}

// Why not start the part under `prlimit --nofile=N:N`: with N fixed, one descriptor is left
// spare or none, depending on how many the part happens to hold. With one spare it takes the
// next client and then fails to open the backend's socket, so it drops that client (part 4
// logs one line for it) instead of failing to accept, and part 4 does not spin.
void limitDescriptors(pid_t pid, int free) {
  const std::vector<int> open = openFds(pid);
  if (open.empty()) throw std::runtime_error("cannot list the proxy's descriptors in /proc");
  const std::string limit = std::to_string(limitLeaving(open, free));
  ChildProcess prlimit(
      {"prlimit", "--pid", std::to_string(pid), "--nofile=" + limit + ":" + limit});
  const std::optional<ExitStatus> status = prlimit.waitForExit(5s);
  if (!status || !status->exited || status->code != 0) {
    throw std::runtime_error("prlimit could not limit the proxy's descriptors: " +
                             prlimit.errors());
  }
}

std::chrono::milliseconds cpuTime(pid_t pid) {
  const double seconds = cpuSeconds(pid);
  return seconds < 0 ? -1ms : std::chrono::milliseconds(std::llround(seconds * 1000));
}

}  // namespace rsp::test
