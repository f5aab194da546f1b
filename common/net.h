// common/net.h — introduced by part 1.
//
// The two socket set-ups every part needs, with errors that say what failed and where.
#pragma once

#include <cstdint>
#include <string>

#include "common/fd.h"

namespace rsp {

struct Listener {
  Fd fd;
  std::uint16_t port;  // the port really bound: the one asked for, or the one port 0 picked
};

// Listens on `port` on every local address (getaddrinfo with AI_PASSIVE), with SO_REUSEADDR
// so a restarted proxy need not wait for old connections to time out. Port 0 picks a free
// port. Throws SystemError, e.g. "cannot listen on port 80: Permission denied".
Listener listenOn(std::uint16_t port);

// Connects a blocking TCP socket to host:port, trying every address getaddrinfo returns.
// Throws, e.g. "cannot connect to 127.0.0.1:9: Connection refused".
Fd connectTo(const std::string& host, std::uint16_t port);

}  // namespace rsp
