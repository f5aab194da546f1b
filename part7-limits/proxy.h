// part6-loadbalancer/proxy.h — part 6: the listening side of an event-driven proxy.
//
// Same as part5-timeouts/proxy.h except: the Proxy owns a pool of backends (pool.h) and asks
// it, for each new client, which backend gets that client. When none is up, the client is
// closed at once.
#pragma once

#include <cstdint>
#include <string>

#include "common/event_loop.h"
#include "common/fd.h"
#include "common/net.h"
#include "config.h"
#include "pool.h"

namespace rsp {

class Proxy {
 public:
  // Resolves the backends and starts listening at once (port 0: any free port); throws if it
  // cannot do either.
  Proxy(EventLoop& loop, const Config& config);
  ~Proxy();

  std::uint16_t port() const { return listener_.port; }

 private:
  void handleAccept();

  EventLoop& loop_;
  BackendPool pool_;
  Timeouts timeouts_;
  Listener listener_;
};

}  // namespace rsp
