// part1-oneshot/proxy.h — part 1: a one-shot proxy.
//
// The simplest thing that can be called a reverse proxy. It accepts one client, connects to
// the backend, passes the client's request on, copies the backend's reply back until the
// backend closes, hangs up on both, and only then accepts the next client. Every call blocks.
#pragma once

#include <cstdint>
#include <string>

#include "common/fd.h"
#include "common/net.h"

namespace rsp {

class Proxy {
 public:
  // Starts listening at once (port 0: any free port); throws if it cannot.
  Proxy(std::uint16_t listenPort, std::string backendHost, std::uint16_t backendPort);

  std::uint16_t port() const { return listener_.port; }

  // Serves clients one after another, forever.
  void run();

 private:
  void serve(Fd client);

  Listener listener_;
  std::string backendHost_;
  std::uint16_t backendPort_;
};

}  // namespace rsp
