// tests/support/client.cpp — see client.h.
#include "client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include "common/fd.h"
#include "io.h"

namespace rsp::test {
namespace {

using Clock = std::chrono::steady_clock;

// The loopback address at `port`: 127.0.0.1, or ::1 with `ipv6`. Returns its length.
socklen_t loopbackAddress(std::uint16_t port, bool ipv6, sockaddr_storage& out) {
  out = {};
  if (ipv6) {
    auto& address = reinterpret_cast<sockaddr_in6&>(out);
    address.sin6_family = AF_INET6;
    address.sin6_port = htons(port);
    address.sin6_addr = in6addr_loopback;
    return sizeof address;
  }
  auto& address = reinterpret_cast<sockaddr_in&>(out);
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return sizeof address;
}

std::uint16_t localPortOf(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (fd < 0 || ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return 0;
  return ntohs(address.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6&>(address).sin6_port
                                             : reinterpret_cast<sockaddr_in&>(address).sin_port);
}

Fd connectLoopback(std::uint16_t port, bool ipv6, int receiveBuffer, std::string& error) {
  Fd fd(::socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (receiveBuffer > 0) {
    ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &receiveBuffer, sizeof receiveBuffer);
  }
  sockaddr_storage address;
  const socklen_t length = loopbackAddress(port, ipv6, address);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&address), length) != 0) {
    error = std::string("connect: ") + std::strerror(errno);
    return Fd();
  }
  return fd;
}

void addError(FetchResult& result, const std::string& error) {
  result.error += (result.error.empty() ? "" : ", ") + error;
}

bool sendRequest(int fd, const std::string& path, const FetchOptions& options, FetchResult& result,
                 Clock::time_point deadline) {
  std::string head = (options.uploadBytes > 0 ? "POST " : "GET ") + path + " HTTP/1.0\r\n";
  if (!options.host.empty()) head += "Host: " + options.host + "\r\n";
  if (options.uploadBytes > 0)
    head += "Content-Length: " + std::to_string(options.uploadBytes) + "\r\n";
  head += "\r\n";
  if (!sendAll(fd, head.data(), head.size(), GiveUp{deadline})) return false;
  char chunk[65536];
  std::uint64_t hash = fnv1a(nullptr, 0);
  for (std::uint64_t sent = 0; sent < options.uploadBytes;) {
    const std::size_t n = std::min<std::uint64_t>(sizeof chunk, options.uploadBytes - sent);
    fillPattern(chunk, sent, n);
    hash = fnv1a(chunk, n, hash);
    if (!sendAll(fd, chunk, n, GiveUp{deadline})) return false;
    sent += n;
  }
  result.uploadChecksum = hash;
  if (options.shutdownAfterRequest) ::shutdown(fd, SHUT_WR);
  return true;
}

// Splits the head from the body once "\r\n\r\n" has arrived; returns false until then.
bool parseHead(std::string& pending, FetchResult& result) {
  const std::size_t end = pending.find("\r\n\r\n");
  if (end == std::string::npos) return false;
  const std::string head = pending.substr(0, end);
  result.head = head;
  result.statusLine = head.substr(0, head.find("\r\n"));
  std::string lower = head;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  const std::size_t length = lower.find("\r\ncontent-length:");
  if (length != std::string::npos) result.contentLength = std::stoull(head.substr(length + 17));
  result.body = PatternChecker(result.contentLength);
  pending.erase(0, end + 4);
  return true;
}

void takeBody(const char* data, std::size_t size, FetchResult& result,
              const FetchOptions& options) {
  result.body.feed(data, size);
  if (result.text.size() < 65536) result.text.append(data, std::min<std::size_t>(size, 65536));
  if (options.onProgress) options.onProgress(result.body.received());
}

void readReply(int fd, const FetchOptions& options, FetchResult& result,
               Clock::time_point deadline) {
  std::string pending;  // bytes before the head is complete
  bool inBody = false;
  std::uint64_t total = 0;
  const auto start = Clock::now();
  char chunk[65536];
  for (;;) {
    if (options.bytesPerSecond > 0) {  // sleep until reading more keeps us at the rate
      std::this_thread::sleep_until(
          start + std::chrono::microseconds(total * 1000000 / options.bytesPerSecond));
    }
    if (!waitFor(fd, POLLIN, GiveUp{deadline})) {
      result.timedOut = true;
      return;
    }
    std::size_t want = sizeof chunk;
    if (options.bytesPerSecond > 0)
      want = std::clamp<std::uint64_t>(options.bytesPerSecond / 50, 1, want);
    const ssize_t n = ::recv(fd, chunk, want, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n < 0) addError(result, std::string("recv: ") + std::strerror(errno));
    if (n <= 0) return;
    total += static_cast<std::uint64_t>(n);
    if (inBody) {
      takeBody(chunk, static_cast<std::size_t>(n), result, options);
      continue;
    }
    pending.append(chunk, static_cast<std::size_t>(n));
    if ((inBody = parseHead(pending, result)))
      takeBody(pending.data(), pending.size(), result, options);
  }
}

}  // namespace

FetchResult fetch(std::uint16_t port, const std::string& path, const FetchOptions& options) {
  FetchResult result;
  const auto start = Clock::now();
  const auto deadline = start + options.deadline;
  Fd fd = connectLoopback(port, options.ipv6, options.receiveBuffer, result.error);
  result.connected = static_cast<bool>(fd);
  if (fd) result.localPort = localPortOf(fd.get());
  if (fd && options.readWhileSending) {
    bool sent = false;
    std::jthread sender([&] { sent = sendRequest(fd.get(), path, options, result, deadline); });
    readReply(fd.get(), options, result, deadline);
    sender.join();
    if (!sent) addError(result, "send failed");
  } else if (fd) {
    if (!sendRequest(fd.get(), path, options, result, deadline)) addError(result, "send failed");
    std::this_thread::sleep_for(options.pauseBeforeReading);
    readReply(fd.get(), options, result, deadline);
  }
  result.body.finish();
  result.elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
  return result;
}

std::vector<FetchResult> fetchAtOnce(std::uint16_t port, const std::string& path, int count,
                                     const FetchOptions& options) {
  std::vector<FetchResult> results(static_cast<std::size_t>(count));
  {
    std::vector<std::jthread> clients;  // joined at the end of this block
    for (FetchResult& result : results) {
      clients.emplace_back([&] { result = fetch(port, path, options); });
    }
  }
  return results;
}

std::string FetchResult::header(const std::string& name) const {
  std::string lowerHead = head, lowerName = "\r\n" + name + ":";
  std::transform(lowerHead.begin(), lowerHead.end(), lowerHead.begin(), ::tolower);
  std::transform(lowerName.begin(), lowerName.end(), lowerName.begin(), ::tolower);
  const std::size_t at = lowerHead.find(lowerName);
  if (at == std::string::npos) return "";
  const std::size_t start = head.find_first_not_of(' ', at + lowerName.size());
  const std::size_t end = std::min(head.find("\r\n", at + 2), head.size());
  return start < end ? head.substr(start, end - start) : "";
}

std::string FetchResult::describe() const {
  if (!connected) return "could not connect: " + error;
  std::string text =
      statusLine.empty() ? "no reply head" : "\"" + statusLine + "\", body " + body.summary();
  if (const std::string backend = header("X-Backend"); !backend.empty())
    text += ", from " + backend;
  text += ", " + std::to_string(elapsed.count()) + " ms";
  if (timedOut) text += ", timed out";
  if (!error.empty()) text += ", " + error;
  return text;
}

void vanishMidResponse(std::uint16_t port, const std::string& path, std::uint64_t readBytes,
                       bool reset) {
  std::string error;
  Fd fd = connectLoopback(port, false, 0, error);
  if (!fd) return;
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  const std::string request = "GET " + path + " HTTP/1.0\r\n\r\n";
  if (!sendAll(fd.get(), request.data(), request.size(), GiveUp{deadline})) return;
  char chunk[16384];
  for (std::uint64_t got = 0; got < readBytes && waitFor(fd.get(), POLLIN, GiveUp{deadline});) {
    const ssize_t n = ::recv(fd.get(), chunk, sizeof chunk, MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) break;
    if (n > 0) got += static_cast<std::uint64_t>(n);
  }
  if (reset) {
    const linger abortive{1, 0};
    ::setsockopt(fd.get(), SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive);
  }
}

Fd connectClient(std::uint16_t port) {
  std::string error;
  return connectLoopback(port, false, 0, error);
}

Ending readUntilClosed(int fd, milliseconds deadline) {
  Ending ending;
  const GiveUp giveUp{Clock::now() + deadline};
  char chunk[16384];
  while (!ending.closed && waitFor(fd, POLLIN, giveUp)) {
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    ending.closed = n <= 0;  // EOF, or an error such as a reset
    if (n > 0 && ending.received.size() < 65536)
      ending.received.append(chunk, static_cast<std::size_t>(n));
  }
  return ending;
}

}  // namespace rsp::test
