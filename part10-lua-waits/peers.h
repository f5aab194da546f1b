// part10-lua-waits/peers.h — part 10: backends that route(request) names itself, "host:port".
//
// As OpenResty's ngx.balancer.set_current_peer: route may send a request to a backend that no
// site lists, such as one a database returned (the Redis example in rsp.lua). Each such address
// gets a pool of its own (pool.h) on first use, kept for the requests after it, so it is
// connected, counted and kept alive (backendKeepalive) like any backend, with the top level's
// settings (config.h: Config::peers); but it has no health checks (checkInterval 0: a failed
// connect is that request's 502, and nothing is marked down).
//
// Only numeric addresses ("10.0.0.7:8080", "[::1]:8080"): a name would need the resolver, which
// blocks, and nothing in the loop may block. At most kMaxPeers are kept; past that, pools no
// pair holds any longer are dropped, so a route that returns ever new addresses costs no more.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "common/event_loop.h"
#include "config.h"
#include "pool.h"

namespace rsp {

// "host:port" with a numeric IPv4 or [IPv6] host and a port of 1-65535; nullopt otherwise.
std::optional<BackendAddress> numericHostPort(std::string_view text);

class Peers {
 public:
  static constexpr std::size_t kMaxPeers = 1024;

  Peers() = default;
  explicit Peers(PoolSettings settings) : settings_(std::move(settings)) {}

  // The pool of `address`, made now if it has none; throws as BackendPool::create does.
  std::shared_ptr<BackendPool> poolFor(EventLoop& loop, const BackendAddress& address);

 private:
  PoolSettings settings_;  // each pool's, with its one address in `backends`
  std::unordered_map<std::string, std::shared_ptr<BackendPool>> pools_;  // by "host:port"
};

}  // namespace rsp
