// tests/unit/tools_slowclient_test.cpp — the built rsp-slowclient, run as a reader would run
// it: through part 1 in front of the test backend (every byte arrives), and against a tiny
// server here that leaves a hole in the body, as parts 2 and 3 do (bytes lost, exit status 1).
#include <poll.h>
#include <sys/socket.h>

#include <catch2/catch.hpp>
#include <string>
#include <thread>

#include "backend.h"
#include "launch.h"
#include "pattern.h"

using namespace rsp::test;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

namespace {

std::string url(std::uint16_t port, const std::string& path) {
  return "http://127.0.0.1:" + std::to_string(port) + path;
}

bool sendAll(int fd, const std::string& data) {
  for (std::size_t sent = 0; sent < data.size();) {
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;  // an error, or SO_SNDTIMEO ran out
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

// Answers one request with `size` pattern bytes minus [holeBegin, holeEnd): what a client of
// a proxy that drops chunks receives. Gives up after ten seconds without a client.
class HoledServer {
 public:
  HoledServer(std::uint64_t size, std::uint64_t holeBegin, std::uint64_t holeEnd)
      : thread_([=, this] { serveOne(size, holeBegin, holeEnd); }) {}
  std::uint16_t port() const { return port_; }

 private:
  void serveOne(std::uint64_t size, std::uint64_t holeBegin, std::uint64_t holeEnd) {
    pollfd p{listener_.get(), POLLIN, 0};
    if (::poll(&p, 1, 10000) != 1) return;
    rsp::Fd client(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    const timeval timeout{10, 0};
    ::setsockopt(client.get(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    ::setsockopt(client.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    char request[4096];
    if (::recv(client.get(), request, sizeof request, 0) <= 0) return;  // GET fits in one read
    std::string body(size, '\0');
    fillPattern(body.data(), 0, size);
    body.erase(holeBegin, holeEnd - holeBegin);
    sendAll(client.get(),
            "HTTP/1.0 200 OK\r\nContent-Length: " + std::to_string(size) + "\r\n\r\n" + body);
    ::shutdown(client.get(), SHUT_WR);
    while (::recv(client.get(), request, sizeof request, 0) > 0) {  // until the client closes
    }
  }

  std::uint16_t port_ = 0;  // before listener_: its initialiser sets it
  rsp::Fd listener_ = listenOnLoopback(0, &port_);
  std::jthread thread_;
};

// Runs rsp-slowclient with `args` to its end (at most 60 s); returns how it ended.
ExitStatus runSlowClient(const std::vector<std::string>& args, std::string& output) {
  std::vector<std::string> argv{RSP_SLOWCLIENT_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  ChildProcess client(argv);
  const auto status = client.waitForExit(60s);
  output = client.output() + client.errors();
  return status ? *status : client.stop();
}

}  // namespace

TEST_CASE("rsp-slowclient through part 1 reports every byte and exits 0", "[tools][slowclient]") {
  TestBackend backend;
  const RunningProxy proxy =
      startProxy({.part = 1, .binary = RSP_PART1_BINARY, .backendPort = backend.port()});
  std::string output;
  const ExitStatus status = runSlowClient(
      {url(proxy.port, "/bytes/2097152"), "--rate", "8M", "--pause", "200ms", "--rcvbuf", "4k"},
      output);
  INFO(output);
  CHECK(status.exited);
  CHECK(status.code == 0);
  CHECK_THAT(output, Contains("rsp-slowclient: GET /bytes/2097152 from 127.0.0.1:"));
  CHECK_THAT(output, Contains("received     2097152 of 2097152 bytes"));
  CHECK_THAT(output, Contains("missing      0 bytes"));
  CHECK_THAT(output, Contains("[" + std::string(64, '#') + "]"));
  CHECK_THAT(output, Contains("verdict      INTACT"));
}

TEST_CASE("rsp-slowclient through part 2 sees the missing chunks and exits 1",
          "[tools][slowclient]") {
  TestBackend backend;
  const RunningProxy proxy =
      startProxy({.part = 2, .binary = RSP_PART2_BINARY, .backendPort = backend.port()});
  std::string output;
  const ExitStatus status =
      runSlowClient({url(proxy.port, "/bytes/8388608"), "--pause", "1s", "--rcvbuf", "4k"}, output);
  INFO(output);
  CHECK(status.exited);
  CHECK(status.code == 1);
  CHECK_THAT(output, Contains("of 8388608 bytes"));
  CHECK_THAT(output, Contains("verdict      BYTES LOST"));
  CHECK_THAT(output, Contains(std::string(10, '.')));  // map cells that never arrived
  CHECK_THAT(output, !Contains("[" + std::string(64, '#') + "]"));
}

TEST_CASE("rsp-slowclient maps the hole in a body and exits 1", "[tools][slowclient]") {
  const std::uint64_t size = 1 << 20;  // 16 KiB per map cell
  HoledServer server(size, 16 * 16384, 24 * 16384);
  std::string output;
  const ExitStatus status = runSlowClient(
      {url(server.port(), "/bytes/1048576"), "--pause", "0", "--rcvbuf", "0"}, output);
  INFO(output);
  CHECK(status.exited);
  CHECK(status.code == 1);
  CHECK_THAT(output, Contains("received     917504 of 1048576 bytes"));
  CHECK_THAT(output, Contains("missing      131072 bytes"));
  // The cells at the hole's edges are partly lost (see tools_report_test.cpp for why).
  const std::string map =
      std::string(16, '#') + "-" + std::string(7, '.') + "-" + std::string(39, '#');
  CHECK_THAT(output, Contains("[" + map + "]"));
  CHECK_THAT(output, Contains("BYTES LOST: 131072 of 1048576"));
}

TEST_CASE("rsp-slowclient --help exits 0 and a usage error exits 2", "[tools][slowclient]") {
  std::string output;
  const ExitStatus help = runSlowClient({"--help"}, output);
  CHECK(help.exited);
  CHECK(help.code == 0);
  CHECK_THAT(output, Contains("--rate") && Contains("Exit status"));
  const ExitStatus remote = runSlowClient({"http://192.0.2.1:80/bytes/1"}, output);
  CHECK(remote.code == 2);
  CHECK_THAT(output, Contains("refusing host \"192.0.2.1\""));
}
