// tests/parts/keepalive.h — part 9's tests: a part started with sites of keep-alive backends
// (keepalive_backend.h), and a client that keeps its connection (keepalive_client.h).
#pragma once

#include <optional>
#include <string>

#include "http_bytes.h"
#include "http_client.h"
#include "keepalive_backend.h"
#include "keepalive_client.h"

namespace rsp::test {

// "sites = { ['a.test'] = { backends = { '127.0.0.1:PORT' } } }", then `more` config lines.
inline std::string oneSite(std::uint16_t port, const std::string& more = "") {
  return "sites = { ['a.test'] = " + siteOf(port) + " }\n" + more;
}

// The same with b.test on a second backend.
inline std::string twoSites(std::uint16_t a, std::uint16_t b, const std::string& more = "") {
  return "sites = { ['a.test'] = " + siteOf(a) + ", ['b.test'] = " + siteOf(b) + " }\n" + more;
}

inline int statusOf(const std::optional<Response>& response) {
  return response ? response->status() : 0;
}

// A request with `fields` (each ending in \r\n) after its Host.
inline std::string request(const std::string& method, const std::string& target,
                           const std::string& fields = "", const std::string& body = "") {
  return method + " " + target + " HTTP/1.1\r\nHost: a.test\r\n" + fields + "\r\n" + body;
}

// The recorded request with this target (the first), or an empty one.
inline KeepAliveBackend::Request requestFor(const KeepAliveBackend& backend,
                                            const std::string& target) {
  for (const auto& one : backend.requests()) {
    if (one.target() == target) return one;
  }
  return {};
}

}  // namespace rsp::test
