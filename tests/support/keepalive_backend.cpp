// tests/support/keepalive_backend.cpp — see keepalive_backend.h.
#include "keepalive_backend.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "backend.h"
#include "http_bytes.h"
#include "io.h"
#include "pattern.h"

namespace rsp::test {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kPollMs = 50;                               // how often the acceptor looks at stop
constexpr auto kRequestLimit = std::chrono::seconds(10);  // for a request, or a reply, to go by
constexpr auto kIdleLimit = std::chrono::seconds(30);     // between requests, unless told less
constexpr std::size_t kMaxRequests = 10000;               // per connection
constexpr std::uint64_t kMaxPatternBytes = 64 * 1024 * 1024;  // GET /bytes/N, at most

// What to do with the connection once a reply has gone out.
enum class After { kKeepOpen, kClose, kEcho };

struct Reply {
  std::string bytes;
  After after = After::kKeepOpen;
};

std::string statusLine(int status) {
  const char* reason = status == 101   ? "Switching Protocols"
                       : status == 103 ? "Early Hints"
                       : status == 200 ? "OK"
                       : status == 204 ? "No Content"
                       : status == 304 ? "Not Modified"
                       : status == 503 ? "Service Unavailable"
                                       : "Status";
  return "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\n";
}

// The chunks of GET /chunked: kChunkedBody in pieces, one piece with a chunk extension.
std::string chunkedReply() {
  const std::string_view body = KeepAliveBackend::kChunkedBody;
  std::string chunks;
  for (std::size_t at = 0; at < body.size(); at += 11) {
    const std::string_view piece = body.substr(at, 11);
    char size[16];
    std::snprintf(size, sizeof size, "%zx", piece.size());
    chunks += std::string(size) + (at == 11 ? ";note=x" : "") + "\r\n";
    chunks += std::string(piece) + "\r\n";
  }
  return chunks + "0\r\n\r\n";
}

std::string patternBytes(std::uint64_t size) {
  std::string bytes(std::min(size, kMaxPatternBytes), '\0');
  fillPattern(bytes.data(), 0, bytes.size());
  return bytes;
}

// Reads what has arrived onto `pending`; false at EOF, an error, or when it gave up.
bool readInto(int fd, std::string& pending, const GiveUp& giveUp) {
  if (!waitFor(fd, POLLIN, giveUp)) return false;
  char chunk[16384];
  const ssize_t n = ::recv(fd, chunk, sizeof chunk, MSG_DONTWAIT);
  if (n < 0) return errno == EAGAIN || errno == EINTR;
  if (n == 0) return false;
  pending.append(chunk, static_cast<std::size_t>(n));
  return true;
}

// Our FIN, then whatever the peer still sends is read and dropped (for up to a second), so
// that unread input does not turn the close into a reset that destroys the reply.
void closeGently(int fd, const std::atomic<bool>& stopping) {
  ::shutdown(fd, SHUT_WR);
  std::string sink;
  const GiveUp aSecond{Clock::now() + std::chrono::seconds(1), &stopping};
  while (readInto(fd, sink, aSecond)) sink.clear();
}

// GET /delay/MS: waits MS milliseconds (at most kRequestLimit), or until stop().
void pause(std::string_view target, const std::atomic<bool>& stopping) {
  const auto ms = std::chrono::milliseconds(std::atoll(std::string(target.substr(7)).c_str()));
  const auto until = Clock::now() + std::min<std::chrono::milliseconds>(ms, kRequestLimit);
  while (Clock::now() < until && !stopping)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

// The reply to `request`, the nth on its connection, by its target (keepalive_backend.h).
Reply replyTo(const KeepAliveBackend::Request& request, std::size_t nth, const std::string& name,
              int healthStatus) {
  const std::string target = request.target();
  const bool closing = lowerCase(fieldValue(request.head, "Connection")) == "close";
  const std::string fields = "X-Backend: " + name + "\r\nX-Target: " + target +
                             "\r\nX-Request: " + std::to_string(nth) + "\r\n" +
                             (closing ? "Connection: close\r\n" : "");
  const After after = closing ? After::kClose : After::kKeepOpen;
  const std::string body = name + "\n";
  const auto usual = [&](int status, const std::string& more = "") {
    return statusLine(status) +
           "Content-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
           fields + more + "\r\n";
  };
  if (request.method() == "HEAD") return {usual(200), after};
  if (target == "/status/204") return {statusLine(204) + fields + "\r\n", after};
  if (target == "/status/304") return {usual(304), after};  // its Content-Length: RFC 9110 8.6
  if (target.starts_with("/status/")) return {usual(std::atoi(target.c_str() + 8)) + body, after};
  if (target == "/health") return {usual(healthStatus) + body, after};
  if (target == "/early-hints") {
    return {statusLine(103) + "Link: </style.css>; rel=preload\r\n\r\n" + usual(200) + body, after};
  }
  if (target == "/chunked") {
    return {statusLine(200) + "Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n" +
                fields + "\r\n" + chunkedReply(),
            after};
  }
  if (target.starts_with("/bytes/")) {
    const std::string bytes = patternBytes(std::stoull(target.substr(7)));
    return {statusLine(200) + "Content-Length: " + std::to_string(bytes.size()) + "\r\n" + fields +
                "\r\n" + bytes,
            after};
  }
  if (target == "/close-delimited") {
    return {statusLine(200) + "Content-Type: text/plain\r\n" + fields + "\r\n" + body,
            After::kClose};
  }
  if (target == "/hop-by-hop") {
    return {usual(200,
                  "Connection: keep-alive, X-Hop\r\nKeep-Alive: timeout=60, max=100\r\n"
                  "X-Hop: 1\r\nX-End-To-End: 1\r\n") +
                body,
            after};
  }
  if (target == "/overrun") {
    return {usual(200) + body +
                "HTTP/1.1 200 OK\r\nContent-Length: 7\r\nX-Backend: evil\r\n\r\nsmuggle",
            after};
  }
  if (target == "/te-and-cl") {
    return {statusLine(200) + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n" + fields +
                "\r\n5\r\nhello\r\n0\r\n\r\n",
            after};
  }
  const std::string upgrade = fieldValue(request.head, "Upgrade");
  if (target == "/upgrade" && !upgrade.empty()) {
    return {statusLine(101) + "Connection: Upgrade\r\nUpgrade: " + upgrade + "\r\n" + fields +
                "\r\nhello from " + name + "\n",
            After::kEcho};
  }
  return {usual(200) + body, after};
}

}  // namespace

std::string KeepAliveBackend::Request::target() const {
  const std::size_t start = head.find(' ') + 1;
  return head.substr(start, head.find(' ', start) - start);
}

KeepAliveBackend::KeepAliveBackend(std::string name, Options options)
    : name_(std::move(name)), options_(options), listener_(listenOnLoopback(options.port, &port_)) {
  acceptor_ = std::thread([this] { acceptLoop(); });
}

KeepAliveBackend::~KeepAliveBackend() { stop(); }

void KeepAliveBackend::stop() {
  stopping_ = true;
  if (acceptor_.joinable()) acceptor_.join();
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
  listener_.reset();
}

std::vector<KeepAliveBackend::Request> KeepAliveBackend::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::size_t KeepAliveBackend::countMethod(const std::string& method) const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(std::count_if(
      requests_.begin(), requests_.end(), [&](const Request& r) { return r.method() == method; }));
}

std::size_t KeepAliveBackend::countTarget(const std::string& target) const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(std::count_if(
      requests_.begin(), requests_.end(), [&](const Request& r) { return r.target() == target; }));
}

bool KeepAliveBackend::waitForRequests(std::size_t count,
                                       std::chrono::milliseconds deadline) const {
  for (const auto end = Clock::now() + deadline;;
       std::this_thread::sleep_for(std::chrono::milliseconds(10))) {
    {
      std::lock_guard lock(mutex_);
      if (requests_.size() >= count) return true;
    }
    if (Clock::now() >= end) return false;
  }
}

void KeepAliveBackend::acceptLoop() {
  for (std::size_t index = 0; !stopping_;) {
    pollfd p{listener_.get(), POLLIN, 0};
    if (::poll(&p, 1, kPollMs) <= 0) continue;
    Fd connection(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!connection) continue;
    ++connections_;
    ++open_;
    workers_.emplace_back([this, i = index++, c = std::move(connection)]() mutable {
      serve(std::move(c), i);  // closes it on return
      --open_;
    });
  }
}

// One connection: request after request, each read in full (head, then body as the head
// frames it), recorded, then answered; until the peer closes, an idle limit, or a script ends it.
void KeepAliveBackend::serve(Fd connection, std::size_t index) {
  const int fd = connection.get();
  const auto idleLimit = options_.closeIdleAfter.count() > 0
                             ? options_.closeIdleAfter
                             : std::chrono::duration_cast<std::chrono::milliseconds>(kIdleLimit);
  std::string pending;  // bytes read and not yet part of a request
  for (std::size_t nth = 1; nth <= kMaxRequests; ++nth) {
    if (pending.empty() && !readInto(fd, pending, GiveUp{Clock::now() + idleLimit, &stopping_}))
      return;  // the peer closed, or the connection was idle too long: close it
    const GiveUp giveUp{Clock::now() + kRequestLimit, &stopping_};
    std::size_t headEnd;
    while ((headEnd = pending.find("\r\n\r\n")) == std::string::npos) {
      if (!readInto(fd, pending, giveUp)) return;
    }
    Request request{index, pending.substr(0, headEnd + 4), ""};
    std::size_t length;
    while ((length = requestBodyLength(request.head,
                                       std::string_view(pending).substr(request.head.size()))) ==
           std::string::npos) {
      if (!readInto(fd, pending, giveUp)) return;
    }
    request.body = pending.substr(request.head.size(), length);
    pending.erase(0, request.head.size() + length);
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
    }
    if (options_.closeOnSecondRequest && nth == 2) return;  // read in full; not a byte back
    if (!answer(fd, request, nth)) return;
  }
}

// Sends the reply `request` gets; false if the connection is to be closed now.
bool KeepAliveBackend::answer(int fd, const Request& request, std::size_t nth) {
  if (request.target().starts_with("/delay/")) pause(request.target(), stopping_);
  const Reply reply = replyTo(request, nth, name_, options_.healthStatus);
  if (!sendAll(fd, reply.bytes.data(), reply.bytes.size(),
               GiveUp{Clock::now() + kRequestLimit, &stopping_})) {
    return false;
  }
  if (reply.after == After::kEcho) echo(fd);
  if (reply.after != After::kKeepOpen) closeGently(fd, stopping_);
  return reply.after == After::kKeepOpen;
}

// After a 101: every byte that arrives goes back, until the peer closes (or kRequestLimit of
// silence, or stop()).
void KeepAliveBackend::echo(int fd) {
  for (std::string bytes; readInto(fd, bytes, GiveUp{Clock::now() + kRequestLimit, &stopping_});
       bytes.clear()) {
    if (!sendAll(fd, bytes.data(), bytes.size(),
                 GiveUp{Clock::now() + kRequestLimit, &stopping_})) {
      return;
    }
  }
}

}  // namespace rsp::test
