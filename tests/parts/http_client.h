// tests/parts/http_client.h — part 8's tests: a part started with a config of sites, and a
// client that sends raw bytes and reads the reply until the proxy closes (part 9's client,
// which keeps its connection, is keepalive_client.h).
#pragma once

#include <sys/socket.h>

#include <catch2/catch.hpp>
#include <cctype>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "client.h"
#include "part_under_test.h"
#include "recording_backend.h"

namespace rsp::test {

// This part started with `lua` as its config, after "listenPort = 0".
inline RunningProxy startWith(const std::string& lua, bool verbose = false) {
  RunningProxy proxy;
  proxy.dir = std::make_unique<TempDir>();
  proxy.config = proxy.dir->write("rsp.lua", "listenPort = 0\n" + lua);
  std::vector<std::string> command{kPartBinary};
  if (verbose) command.push_back("--verbose");
  command.push_back(proxy.config.string());
  proxy.process = std::make_unique<ChildProcess>(command);
  const auto port = proxy.process->waitForStarted(10s);
  if (!port) throw std::runtime_error("the proxy did not start: " + proxy.process->errors());
  proxy.port = *port;
  return proxy;
}

// `{ backends = { "127.0.0.1:PORT" } }`, a site of one backend.
inline std::string siteOf(std::uint16_t port, const std::string& more = "") {
  return "{ backends = { '127.0.0.1:" + std::to_string(port) + "' }" + more + " }";
}

struct Reply {
  std::string text;  // everything that arrived before the proxy closed (first 64 KiB)
  bool closed = false;
  int status() const {  // "HTTP/1.1 421 ..." -> 421; 0 if there is no status line
    if (text.size() < 12 || !text.starts_with("HTTP/1.")) return 0;
    return std::atoi(text.substr(9, 3).c_str());
  }
  std::string backend() const {  // who answered: the recording backend's X-Backend
    const auto at = text.find("\r\nX-Backend: ");
    return at == std::string::npos ? "" : text.substr(at + 13, text.find("\r\n", at + 2) - at - 13);
  }
};

// Sends `request` as it is, in one write, and reads until the proxy closes (up to `deadline`).
inline Reply ask(std::uint16_t port, const std::string& request, milliseconds deadline = 5s) {
  const rsp::Fd fd = connectClient(port);
  REQUIRE(fd);
  sendText(fd.get(), request);  // may fail part-way once the proxy has answered: read anyway
  // From part 9 the proxy keeps the client for its next request: saying there is none (a FIN)
  // lets it close after this one, as part 8 did.
  if (writesResponseHead(kPart)) ::shutdown(fd.get(), SHUT_WR);
  const Ending ending = readUntilClosed(fd.get(), deadline);
  return {ending.received, ending.closed};
}

inline std::string get(const std::string& host, const std::string& target = "/") {
  return "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n";
}

// The head a backend received, lower-cased, to look for a field whatever its case.
inline std::string lowerHead(const RecordingBackend::Received& received) {
  std::string head = received.head;
  for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return head;
}

inline std::size_t countOf(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace rsp::test
