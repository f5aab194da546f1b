// tests/support/keepalive_client.h — part 9: a client that keeps its connection open, and reads
// the responses on it one at a time, each by its own framing.
//
// Part 8's tests read until the proxy closes (http_client.h's ask()). On a kept-alive
// connection a response ends where its framing says: no body after HEAD, 1xx, 204 or 304;
// a chunked body at its last chunk; Content-Length bytes; otherwise at the close. next()
// reads exactly one response that way and keeps any bytes after it for the next one, so
// pipelined responses come apart in order, and a byte too many shows in pending().
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "common/fd.h"

namespace rsp::test {

struct Response {
  std::string head;             // the status line and fields, the blank line included
  std::string body;             // as its framing delimits it; a chunked one decoded
  bool chunked = false;         // it came with Transfer-Encoding: chunked
  bool closeDelimited = false;  // it had no length: its end was the close
  int status() const;           // 0 if there is no status line
  std::string field(const std::string& name) const;  // the first value, or ""
  std::string backend() const { return field("X-Backend"); }
};

class KeepAliveClient {
 public:
  explicit KeepAliveClient(std::uint16_t port);  // connects to 127.0.0.1:port

  bool connected() const { return static_cast<bool>(fd_); }
  int fd() const { return fd_.get(); }
  // Sends all of `bytes` (giving up after 5 s); false if it could not.
  bool send(const std::string& bytes);
  // Reads the next response whole (skipping interim 1xx ones but 101); `toHead`: it answers a
  // HEAD, so it has no body. nullopt if the connection closed, or `deadline` passed, first.
  std::optional<Response> next(bool toHead = false,
                               std::chrono::milliseconds deadline = std::chrono::seconds(5));
  // send(), then next().
  std::optional<Response> ask(const std::string& request, bool toHead = false);
  // True if the peer closes (EOF or reset) within `deadline`; bytes that come first are kept
  // in pending().
  bool closesWithin(std::chrono::milliseconds deadline);
  // True if nothing arrives and the connection stays open for `wait`.
  bool quietFor(std::chrono::milliseconds wait);
  // Reads until `size` bytes are pending (after a 101, say); false if it could not in time.
  bool readAtLeast(std::size_t size, std::chrono::milliseconds deadline);

  void close() { fd_.reset(); }  // what a client does once the server has closed
  const std::string& pending() const { return pending_; }  // read past the last response
  std::string takePending();
  bool closed() const { return closed_; }

 private:
  bool readBody(Response& response, bool toHead, std::chrono::steady_clock::time_point until);
  bool readMore(std::chrono::steady_clock::time_point until);

  Fd fd_;
  std::string pending_;
  bool closed_ = false;
};

}  // namespace rsp::test
