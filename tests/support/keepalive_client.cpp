// tests/support/keepalive_client.cpp — see keepalive_client.h.
#include "keepalive_client.h"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdlib>

#include "client.h"
#include "http_bytes.h"
#include "io.h"

namespace rsp::test {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kMaxInterim = 10;  // 1xx responses skipped before the final one, at most

}  // namespace

int Response::status() const {
  if (head.size() < 12 || !head.starts_with("HTTP/1.")) return 0;
  return std::atoi(head.substr(9, 3).c_str());
}

std::string Response::field(const std::string& name) const { return fieldValue(head, name); }

KeepAliveClient::KeepAliveClient(std::uint16_t port) : fd_(connectClient(port)) {}

bool KeepAliveClient::send(const std::string& bytes) {
  return sendAll(fd_.get(), bytes.data(), bytes.size(),
                 GiveUp{Clock::now() + std::chrono::seconds(5)});
}

std::optional<Response> KeepAliveClient::ask(const std::string& request, bool toHead) {
  if (!send(request)) return std::nullopt;
  return next(toHead);
}

std::optional<Response> KeepAliveClient::next(bool toHead, std::chrono::milliseconds deadline) {
  const auto until = Clock::now() + deadline;
  for (int interim = 0; interim <= kMaxInterim; ++interim) {
    std::size_t headEnd;
    while ((headEnd = pending_.find("\r\n\r\n")) == std::string::npos) {
      if (!readMore(until)) return std::nullopt;
    }
    Response response;
    response.head = pending_.substr(0, headEnd + 4);
    pending_.erase(0, headEnd + 4);
    const int status = response.status();
    if (status >= 100 && status < 200 && status != 101) continue;  // the final one follows
    if (!readBody(response, toHead, until)) return std::nullopt;
    return response;
  }
  return std::nullopt;
}

// The body that `response`'s framing delimits (RFC 9112 6.3, as a client reads it).
bool KeepAliveClient::readBody(Response& response, bool toHead, Clock::time_point until) {
  const int status = response.status();
  if (toHead || status == 101 || status == 204 || status == 304) return true;
  if (lowerCase(response.field("Transfer-Encoding")).find("chunked") != std::string::npos) {
    response.chunked = true;
    std::size_t end;
    while ((end = chunkedEnd(pending_)) == std::string::npos) {
      if (!readMore(until)) return false;
    }
    response.body = decodeChunked(std::string_view(pending_).substr(0, end));
    pending_.erase(0, end);
    return true;
  }
  if (const std::string length = response.field("Content-Length"); !length.empty()) {
    const std::size_t size = std::stoull(length);
    while (pending_.size() < size) {
      if (!readMore(until)) return false;
    }
    response.body = pending_.substr(0, size);
    pending_.erase(0, size);
    return true;
  }
  response.closeDelimited = true;
  while (readMore(until)) {
  }
  response.body = takePending();
  return closed_;
}

bool KeepAliveClient::closesWithin(std::chrono::milliseconds deadline) {
  const auto until = Clock::now() + deadline;
  while (readMore(until)) {
  }
  return closed_;
}

bool KeepAliveClient::quietFor(std::chrono::milliseconds wait) {
  const std::size_t before = pending_.size();
  while (readMore(Clock::now() + wait) && pending_.size() == before) {
  }
  return !closed_ && pending_.size() == before;
}

bool KeepAliveClient::readAtLeast(std::size_t size, std::chrono::milliseconds deadline) {
  const auto until = Clock::now() + deadline;
  while (pending_.size() < size) {
    if (!readMore(until)) return false;
  }
  return true;
}

std::string KeepAliveClient::takePending() {
  std::string taken;
  taken.swap(pending_);
  return taken;
}

// Reads what has arrived onto pending_; false at the close (closed_ set), or at `until`.
bool KeepAliveClient::readMore(Clock::time_point until) {
  if (closed_ || !waitFor(fd_.get(), POLLIN, GiveUp{until})) return false;
  char chunk[65536];
  const ssize_t n = ::recv(fd_.get(), chunk, sizeof chunk, MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
  if (n <= 0) {  // EOF, or an error such as a reset
    closed_ = true;
    return false;
  }
  pending_.append(chunk, static_cast<std::size_t>(n));
  return true;
}

}  // namespace rsp::test
