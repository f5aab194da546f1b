// tests/parts/local_ports_test.cpp — parts 6 and 7: out of local ports is the proxy's own
// shortage, not the backend's fault.
//
// Every connect to a backend takes a local port from net.ipv4.ip_local_port_range; when every
// one of them is in use toward that backend, connect() fails with EADDRNOTAVAIL. Like EMFILE,
// that says nothing about the backend: the client fails, the backend stays up, one line per
// episode. The test makes the shortage in a network namespace of its own (so as root, as CI
// runs), with a range of four ports, all held by connections of its own to the backend.
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

#include "client.h"
#include "common/fd.h"
#include "part_under_test.h"

using namespace rsp::test;
using rsp::Fd;

namespace {

// A network namespace of the test's own, for the calling thread (the test's main thread) and
// what it starts from now on: its own loopback, its own port range. The destructor goes back.
class OwnNetwork {
 public:
  OwnNetwork() : original_(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)) {
    if (!original_) {
      fail("cannot open /proc/thread-self/ns/net");
    } else if (::unshare(CLONE_NEWNET) != 0) {
      fail("unshare(CLONE_NEWNET), which needs root");
    } else {
      entered_ = true;
      bringLoopbackUp();
    }
  }
  ~OwnNetwork() {
    if (entered_) ::setns(original_.get(), CLONE_NEWNET);
  }
  OwnNetwork(const OwnNetwork&) = delete;
  OwnNetwork& operator=(const OwnNetwork&) = delete;

  // Empty if the namespace is ready; else what failed, and why.
  const std::string& error() const { return error_; }

  bool setPortRange(int low, int high) {
    std::ofstream range("/proc/sys/net/ipv4/ip_local_port_range");
    range << low << ' ' << high << '\n';
    range.flush();
    if (!range) fail("writing /proc/sys/net/ipv4/ip_local_port_range");
    return static_cast<bool>(range);
  }

 private:
  void bringLoopbackUp() {
    const Fd socket(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    ifreq request{};
    std::strcpy(request.ifr_name, "lo");
    if (!socket || ::ioctl(socket.get(), SIOCGIFFLAGS, &request) != 0) return fail("SIOCGIFFLAGS");
    request.ifr_flags |= IFF_UP;
    if (::ioctl(socket.get(), SIOCSIFFLAGS, &request) != 0) fail("bringing lo up");
  }

  void fail(const std::string& what) {
    if (error_.empty()) error_ = what + ": " + std::strerror(errno);
  }

  Fd original_;
  bool entered_ = false;
  std::string error_;
};

// Connections to 127.0.0.1:port until connect() says no local port is left (at most 100).
std::vector<Fd> takeEveryLocalPort(std::uint16_t port, int& lastError) {
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::vector<Fd> held;
  for (int i = 0; i < 100; ++i) {
    Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0) {
      lastError = errno;
      break;
    }
    held.push_back(std::move(fd));
  }
  return held;
}

// Closes with a reset (SO_LINGER 0): no TIME_WAIT, the port is free at once.
void resetAll(std::vector<Fd>& held) {
  for (Fd& fd : held) {
    const linger now{1, 0};
    ::setsockopt(fd.get(), SOL_SOCKET, SO_LINGER, &now, sizeof now);
  }
  held.clear();
}

}  // namespace

TEST_CASE("out of local ports: the clients fail, the backend stays up, one line", "[local-ports]") {
  OwnNetwork network;
  if (!network.error().empty())
    FAIL("cannot set up the test's network namespace: " << network.error());
  TestBackend b1(0, "b1");
  ProxySetup setup = setupFor(0, "checkInterval = 30\n");  // a backend marked down stays down
  setup.backendPorts = {b1.port()};
  RunningProxy proxy = startProxy(setup);
  // Above the default range (32768-60999), where the ports above were taken from.
  REQUIRE(network.setPortRange(61000, 61003));
  int error = 0;
  std::vector<Fd> held = takeEveryLocalPort(b1.port(), error);
  INFO("held " << held.size() << " connections to the backend, then: " << std::strerror(error));
  REQUIRE(error == EADDRNOTAVAIL);

  for (int i = 0; i < 5; ++i) {  // the clients' own ports go to the proxy: not the same pair
    const FetchResult result = fetch(proxy.port, bytes(100));
    INFO("client " << i << " while no port is free: " << result.describe());
    CHECK(result.connected);
    CHECK_FALSE(result.ok());
  }
  resetAll(held);
  const FetchResult after = fetch(proxy.port, bytes(100));
  // The proxy's line may still be on its way through the pipe on a loaded machine.
  CHECK(proxy.process->waitForErrors("local port", 2s));
  const std::string errors = proxy.process->errors();
  INFO("once ports are free: " << after.describe() << "; stderr: " << errors);
  CHECK(after.body.intact());
  CHECK(linesContaining(errors, "is down") == 0);
  CHECK(linesContaining(errors, "local port") == 1);
}
