// tests/support/recording_backend.cpp — see recording_backend.h.
#include "recording_backend.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <string_view>

#include "backend.h"
#include "http_bytes.h"
#include "io.h"

namespace rsp::test {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kPollMs = 50;                               // how often the acceptor looks at stop
constexpr auto kRequestLimit = std::chrono::seconds(10);  // for the head and body to arrive

}  // namespace

RecordingBackend::RecordingBackend(std::string name, Mode mode)
    : name_(std::move(name)), mode_(mode), listener_(listenOnLoopback(0, &port_)) {
  acceptor_ = std::thread([this] { acceptLoop(); });
}

RecordingBackend::~RecordingBackend() { stop(); }

void RecordingBackend::stop() {
  stopping_ = true;
  if (acceptor_.joinable()) acceptor_.join();
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
  listener_.reset();
}

std::uint64_t RecordingBackend::bytesReceived() const {
  std::lock_guard lock(mutex_);
  std::uint64_t total = 0;
  for (const Received& one : received_) total += one.bytes.size();
  return total;
}

std::vector<RecordingBackend::Received> RecordingBackend::received() const {
  std::lock_guard lock(mutex_);
  return received_;
}

bool RecordingBackend::waitForRequests(std::size_t count,
                                       std::chrono::milliseconds deadline) const {
  for (const auto end = Clock::now() + deadline;;
       std::this_thread::sleep_for(std::chrono::milliseconds(10))) {
    {
      std::lock_guard lock(mutex_);
      if (std::count_if(received_.begin(), received_.end(), [](const Received& one) {
            return !one.head.empty();
          }) >= static_cast<std::ptrdiff_t>(count)) {
        return true;
      }
    }
    if (Clock::now() >= end) return false;
  }
}

void RecordingBackend::acceptLoop() {
  while (!stopping_) {
    pollfd p{listener_.get(), POLLIN, 0};
    if (::poll(&p, 1, kPollMs) <= 0) continue;
    Fd connection(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!connection) continue;
    ++connections_;
    std::size_t slot;
    {
      std::lock_guard lock(mutex_);
      slot = received_.size();
      received_.emplace_back();
    }
    workers_.emplace_back(
        [this, slot, c = std::move(connection)]() mutable { serve(std::move(c), slot); });
  }
}

// Reads what has arrived into the connection's record; false at EOF, an error, or `until`.
bool RecordingBackend::readMore(int fd, std::size_t slot, Clock::time_point until) {
  if (!waitFor(fd, POLLIN, GiveUp{until, &stopping_})) return false;
  char chunk[16384];
  const ssize_t n = ::recv(fd, chunk, sizeof chunk, MSG_DONTWAIT);
  if (n < 0) return errno == EAGAIN || errno == EINTR;
  if (n == 0) return false;
  std::lock_guard lock(mutex_);
  received_[slot].bytes.append(chunk, static_cast<std::size_t>(n));
  return true;
}

// Reads the request that starts at `from` in the connection's bytes, head and body; returns
// where it ends, or npos if the connection ended (or the time ran out) before it was whole.
std::size_t RecordingBackend::readRequest(int fd, std::size_t slot, std::size_t from) {
  const auto until = Clock::now() + kRequestLimit;
  const auto bytes = [&] {
    std::lock_guard lock(mutex_);
    return received_[slot].bytes.substr(from);
  };
  std::size_t headEnd;
  while ((headEnd = bytes().find("\r\n\r\n")) == std::string::npos) {
    if (!readMore(fd, slot, until)) return std::string::npos;
  }
  const std::string head = bytes().substr(0, headEnd + 4);
  std::size_t length;
  for (std::string now = bytes();
       (length = requestBodyLength(head, std::string_view(now).substr(head.size()))) ==
       std::string::npos;
       now = bytes()) {
    if (!readMore(fd, slot, until)) return std::string::npos;
  }
  std::lock_guard lock(mutex_);
  if (received_[slot].head.empty()) {  // the first request's, as one-request mode keeps it
    received_[slot].head = head;
    received_[slot].body = received_[slot].bytes.substr(from + head.size(), length);
  }
  return from + head.size() + length;
}

void RecordingBackend::serve(Fd connection, std::size_t slot) {
  const int fd = connection.get();
  for (std::size_t at = 0;;) {
    const std::size_t end = readRequest(fd, slot, at);
    if (end == std::string::npos) return;
    std::string head;
    {
      std::lock_guard lock(mutex_);
      head = lowerCase(received_[slot].bytes.substr(at, end - at));
    }
    const bool close = mode_ == Mode::kOneRequest ||
                       head.substr(0, head.find("\r\n\r\n")).find("\r\nconnection: close") !=
                           std::string::npos;
    ++requests_;
    reply(fd, close);
    if (close) break;
    at = end;
  }
  ::shutdown(fd, SHUT_WR);
  const auto aSecond = Clock::now() + std::chrono::seconds(1);
  while (readMore(fd, slot, aSecond)) {
  }
}

void RecordingBackend::reply(int fd, bool close) {
  const std::string body = name_ + "\n";
  const std::string response = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " +
                               std::to_string(body.size()) + "\r\n" +
                               (close ? "Connection: close\r\n" : "") + "X-Backend: " + name_ +
                               "\r\n\r\n" + body;
  sendAll(fd, response.data(), response.size(), GiveUp{Clock::now() + kRequestLimit, &stopping_});
}

}  // namespace rsp::test
