// part4-slow-writes/proxy.h — part 4: the listening side of an event-driven proxy.
// Unchanged from part2-epoll/proxy.h.
//
// Same as part1-oneshot/proxy.h except: the proxy has no loop of its own any more. It registers
// its listening socket with an EventLoop; whenever clients are waiting, it accepts them all,
// connects each one to the backend, and hands the pair of sockets to a Connection
// (connection.h), which relays bytes as they arrive. Many clients at once, in one thread.
#pragma once

#include <cstdint>
#include <string>

#include "common/event_loop.h"
#include "common/fd.h"
#include "common/net.h"

namespace rsp {

class Proxy {
 public:
  // Starts listening at once (port 0: any free port); throws if it cannot.
  Proxy(EventLoop& loop, std::uint16_t listenPort, std::string backendHost,
        std::uint16_t backendPort);
  ~Proxy();

  std::uint16_t port() const { return listener_.port; }

 private:
  void handleAccept();
  void connectToBackend(Fd client);

  EventLoop& loop_;
  Listener listener_;
  std::string backendHost_;
  std::uint16_t backendPort_;
};

}  // namespace rsp
