// tests/support/backend.cpp — see backend.h.
#include "backend.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>

#include "common/error.h"
#include "io.h"
#include "pattern.h"

namespace rsp::test {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kPollMs = 50;  // how often a waiting thread looks at the stop flag
constexpr auto kIdleLimit = std::chrono::seconds(30);  // a peer silent this long is dropped
constexpr int kMaxJammers = 8;  // the queue of a backlog of 1 is full after two or three

// One connection being served: its socket, the backend's name (sent as X-Backend if not empty),
// and the flag that tells every wait to give up.
struct Session {
  int fd;
  const std::string& name;
  const std::atomic<bool>& stopping;
};

struct Request {
  std::string method, path;
  std::uint64_t contentLength = 0;
  bool hasContentLength = false;
  std::string bodyStart;  // body bytes that came in with the head
};

// How long a connection's thread waits for a silent peer: until kIdleLimit, or until stop().
GiveUp idle(const std::atomic<bool>& stopping) { return {Clock::now() + kIdleLimit, &stopping}; }

bool readRequest(const Session& session, Request& request) {
  std::string head;
  std::size_t end;
  while ((end = head.find("\r\n\r\n")) == std::string::npos) {
    if (head.size() > 65536 || !waitFor(session.fd, POLLIN, idle(session.stopping))) return false;
    char chunk[4096];
    const ssize_t n = ::recv(session.fd, chunk, sizeof chunk, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) return false;
    head.append(chunk, static_cast<std::size_t>(n));
  }
  request.bodyStart = head.substr(end + 4);
  const std::size_t firstSpace = head.find(' ');
  const std::size_t secondSpace = head.find(' ', firstSpace + 1);
  if (firstSpace == std::string::npos || secondSpace == std::string::npos) return false;
  request.method = head.substr(0, firstSpace);
  request.path = head.substr(firstSpace + 1, secondSpace - firstSpace - 1);
  std::string lower = head.substr(0, end);
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  const std::size_t length = lower.find("\r\ncontent-length:");
  if (length != std::string::npos) {
    request.contentLength = std::stoull(head.substr(length + 17));
    request.hasContentLength = true;
  }
  return true;
}

bool sendHead(const Session& session, std::uint64_t length, const char* status = "200 OK") {
  std::string head = std::string("HTTP/1.0 ") + status +
                     "\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(length) +
                     "\r\nConnection: close\r\n";
  if (!session.name.empty()) head += "X-Backend: " + session.name + "\r\n";
  head += "\r\n";
  return sendAll(session.fd, head.data(), head.size(), idle(session.stopping));
}

bool sendText(const Session& session, const std::string& text, const char* status = "200 OK") {
  return sendHead(session, text.size(), status) &&
         sendAll(session.fd, text.data(), text.size(), idle(session.stopping));
}

void serveBytes(const Session& session, std::uint64_t size) {
  if (!sendHead(session, size)) return;
  char chunk[65536];
  for (std::uint64_t sent = 0; sent < size;) {
    const std::size_t n = std::min<std::uint64_t>(sizeof chunk, size - sent);
    fillPattern(chunk, sent, n);
    if (!sendAll(session.fd, chunk, n, idle(session.stopping))) return;
    sent += n;
  }
}

void serveDelay(const Session& session, long ms) {
  const auto until = Clock::now() + std::chrono::milliseconds(ms);
  while (!session.stopping && Clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min<long>(ms, kPollMs)));
  }
  sendText(session, "delayed " + std::to_string(ms) + " ms\n");
}

// Reads the body, at `rate` bytes per second if rate > 0, and replies with its checksum.
void serveSum(const Session& session, const Request& request, std::uint64_t rate) {
  std::uint64_t length = request.bodyStart.size();
  std::uint64_t hash = fnv1a(request.bodyStart.data(), request.bodyStart.size());
  const auto start = Clock::now();
  char chunk[16384];
  while (!request.hasContentLength || length < request.contentLength) {
    if (rate > 0) {  // sleep until reading more keeps us at or under the rate
      std::this_thread::sleep_until(start + std::chrono::microseconds(length * 1000000 / rate));
    }
    if (!waitFor(session.fd, POLLIN, idle(session.stopping))) return;
    std::size_t want = sizeof chunk;
    if (request.hasContentLength)
      want = std::min<std::uint64_t>(want, request.contentLength - length);
    if (rate > 0) want = std::min<std::uint64_t>(want, std::max<std::uint64_t>(rate / 20, 1));
    const ssize_t n = ::recv(session.fd, chunk, want, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n < 0) return;
    if (n == 0) break;  // no Content-Length: the body ends with the client's write half
    hash = fnv1a(chunk, static_cast<std::size_t>(n), hash);
    length += static_cast<std::uint64_t>(n);
  }
  sendText(session, sumReply(length, hash));
}

// Reads the body as it comes and sends every chunk straight back: traffic both ways at once.
void serveEcho(const Session& session, const Request& request) {
  if (!sendHead(session, request.contentLength) ||
      !sendAll(session.fd, request.bodyStart.data(), request.bodyStart.size(),
               idle(session.stopping))) {
    return;
  }
  char chunk[16384];
  for (std::uint64_t length = request.bodyStart.size(); length < request.contentLength;) {
    if (!waitFor(session.fd, POLLIN, idle(session.stopping))) return;
    const std::size_t want = std::min<std::uint64_t>(sizeof chunk, request.contentLength - length);
    const ssize_t n = ::recv(session.fd, chunk, want, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0 ||
        !sendAll(session.fd, chunk, static_cast<std::size_t>(n), idle(session.stopping))) {
      return;
    }
    length += static_cast<std::uint64_t>(n);
  }
}

// Reads `after` bytes of the body, answers 413 and closes with the rest unread, as a server
// with an upload limit does. (The kernel answers the unread rest with a reset.)
void serveReject(const Session& session, const Request& request, std::uint64_t after) {
  char chunk[16384];
  for (std::uint64_t length = request.bodyStart.size(); length < after;) {
    if (!waitFor(session.fd, POLLIN, idle(session.stopping))) return;
    const ssize_t n = ::recv(session.fd, chunk,
                             std::min<std::uint64_t>(sizeof chunk, after - length), MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) return;
    length += static_cast<std::uint64_t>(n);
  }
  // Take a moment to decide, as a real server may: meanwhile the upload fills every buffer
  // between the client and us, so a proxy has bytes queued toward us when we answer.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  sendText(session, "too large: read " + std::to_string(after) + " bytes\n",
           "413 Payload Too Large");
}

// Sends the head of a 1 GiB reply and `after` bytes of it, then resets the connection
// (SO_LINGER 0) without reading the request's body.
void serveReset(const Session& session, std::uint64_t after) {
  if (!sendHead(session, std::uint64_t{1} << 30)) return;
  std::string body(after, '\0');
  fillPattern(body.data(), 0, after);
  if (!sendAll(session.fd, body.data(), body.size(), idle(session.stopping))) return;
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // let it leave our send buffer
  const linger abortive{1, 0};
  ::setsockopt(session.fd, SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive);
}

// The number after "NAME=" in a path's query, or `otherwise`.
std::uint64_t queryNumber(const std::string& path, const std::string& name,
                          std::uint64_t otherwise) {
  const std::size_t at = path.find(name + "=");
  return at == std::string::npos ? otherwise : std::stoull(path.substr(at + name.size() + 1));
}

void serve(Fd connection, const std::string& name, const std::atomic<bool>& stopping) {
  const int fd = connection.get();
  const Session session{fd, name, stopping};
  Request request;
  if (!readRequest(session, request)) return;
  const std::string& path = request.path;
  try {
    if (request.method == "GET" && path.rfind("/bytes/", 0) == 0) {
      serveBytes(session, std::stoull(path.substr(7)));
    } else if (request.method == "GET" && path.rfind("/delay/", 0) == 0) {
      serveDelay(session, std::stol(path.substr(7)));
    } else if (request.method == "POST" && path.rfind("/sum", 0) == 0) {
      serveSum(session, request, queryNumber(path, "rate", 0));
    } else if (request.method == "POST" && path.rfind("/echo", 0) == 0) {
      serveEcho(session, request);
    } else if (request.method == "POST" && path.rfind("/reject", 0) == 0) {
      return serveReject(session, request, queryNumber(path, "after", 0));  // no FIN first
    } else if (request.method == "POST" && path.rfind("/reset", 0) == 0) {
      return serveReset(session, queryNumber(path, "after", 0));
    } else {
      sendText(session, "not found: " + request.method + " " + path + "\n", "404 Not Found");
    }
  } catch (const std::logic_error&) {  // stoull/stol on a malformed number
    sendText(session, "bad request: " + path + "\n", "400 Bad Request");
  }
  // Close gently: closing a socket with unread bytes in it sends a reset, which can destroy
  // the reply still on its way. So send our FIN, then read until the peer's (or a second).
  ::shutdown(fd, SHUT_WR);
  const GiveUp aSecond{Clock::now() + std::chrono::seconds(1), &stopping};
  char sink[4096];
  while (waitFor(fd, POLLIN, aSecond) && ::recv(fd, sink, sizeof sink, MSG_DONTWAIT) > 0) {
  }
}

// A non-blocking connect to 127.0.0.1:port; true if it completed within 300 ms.
bool connectsSoon(const Fd& fd, std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) return true;
  return errno == EINPROGRESS &&
         waitFor(fd.get(), POLLOUT, GiveUp{Clock::now() + std::chrono::milliseconds(300)});
}

}  // namespace

Fd listenOnLoopback(std::uint16_t port, std::uint16_t* bound) {
  Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) throwErrno("socket");
  const int on = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(fd.get(), SOMAXCONN) != 0) {
    throwErrno("cannot listen on 127.0.0.1:" + std::to_string(port));
  }
  socklen_t length = sizeof address;
  ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &length);
  *bound = ntohs(address.sin_port);
  return fd;
}

TestBackend::TestBackend(std::uint16_t port, std::string name)
    : name_(std::move(name)), listener_(listenOnLoopback(port, &port_)) {
  acceptor_ = std::thread([this] { acceptLoop(); });
}

TestBackend::~TestBackend() { stop(); }

void TestBackend::stop() {
  stopping_ = true;
  if (acceptor_.joinable()) acceptor_.join();
  std::lock_guard lock(workersMutex_);
  for (auto& worker : workers_) worker->thread.join();
  workers_.clear();
  listener_.reset();
}

bool TestBackend::jam() {
  {
    std::lock_guard lock(jamMutex_);
    jammed_ = true;
  }
  // listen() on a listening socket only changes its backlog: the smallest queue fills soonest.
  ::listen(listener_.get(), 1);
  while (jammers_.size() < kMaxJammers) {
    Fd jammer(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    const bool connected = connectsSoon(jammer, port_);
    jammers_.push_back(std::move(jammer));
    if (!connected) return true;  // its SYN was dropped: the queue is full
  }
  return false;
}

void TestBackend::unjam() {
  jammers_.clear();  // what they left in the queue now reads as EOF, and is dropped when served
  ::listen(listener_.get(), SOMAXCONN);
  std::lock_guard lock(jamMutex_);
  jammed_ = false;
}

Fd TestBackend::acceptUnlessJammed() {
  {
    std::lock_guard lock(jamMutex_);
    if (!jammed_) return Fd(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(kPollMs));  // the queue stays full
  return Fd();
}

void TestBackend::acceptLoop() {
  while (!stopping_) {
    reapFinishedWorkers();
    pollfd p{listener_.get(), POLLIN, 0};
    if (::poll(&p, 1, kPollMs) <= 0) continue;
    Fd connection = acceptUnlessJammed();
    if (!connection) continue;
    ++accepted_;
    auto worker = std::make_unique<Worker>();
    Worker* self = worker.get();
    worker->thread = std::thread([this, self, c = std::move(connection)]() mutable {
      serve(std::move(c), name_, stopping_);
      self->done = true;
    });
    std::lock_guard lock(workersMutex_);
    workers_.push_back(std::move(worker));
  }
}

void TestBackend::reapFinishedWorkers() {
  std::lock_guard lock(workersMutex_);
  for (auto it = workers_.begin(); it != workers_.end();) {
    if ((*it)->done) {
      (*it)->thread.join();
      it = workers_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace rsp::test
