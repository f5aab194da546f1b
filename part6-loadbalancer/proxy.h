// part5-timeouts/proxy.h — part 5: the listening side of an event-driven proxy.
//
// Same as part2-epoll/proxy.h except: the proxy takes the whole Config, resolves the backend
// once when it starts (a name that does not resolve is a start-up error), and hands each new
// client to a Connection, which connects to the backend without blocking the loop.
#pragma once

#include <cstdint>
#include <string>

#include "backend.h"
#include "common/event_loop.h"
#include "common/fd.h"
#include "common/net.h"
#include "config.h"

namespace rsp {

class Proxy {
 public:
  // Resolves the backend and starts listening at once (port 0: any free port); throws if it
  // cannot do either.
  Proxy(EventLoop& loop, const Config& config);
  ~Proxy();

  std::uint16_t port() const { return listener_.port; }

 private:
  void handleAccept();

  EventLoop& loop_;
  Backend backend_;
  Timeouts timeouts_;
  Listener listener_;
};

}  // namespace rsp
