// part10-lua-waits/backend.h — part 10: the backend, resolved once, connected to without
// waiting.
// Unchanged from part5-timeouts/backend.h.
//
// Parts 2-4 called getaddrinfo() and a blocking connect() for every client, inside the loop:
// while the name server or the backend took its time, every other client waited too. Here
// the name is resolved once, at start-up, and a connect only starts:
//
//   connect() on a non-blocking socket ──▶ 0: connected at once (loopback can)
//                                      └─▶ -1, EINPROGRESS: the handshake goes on; the socket
//                                          turns writable when it ends, and then
//                                          getsockopt(SO_ERROR) says how: 0 or an errno.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/fd.h"

namespace rsp {

struct SocketAddress {
  sockaddr_storage storage;
  socklen_t length;
};

struct Backend {
  std::string name;                      // "host:port", for the log
  std::vector<SocketAddress> addresses;  // what the host resolved to, tried in this order
};

// Resolves host:port now; throws "cannot resolve HOST: ..." if it does not resolve.
Backend resolveBackend(const std::string& host, std::uint16_t port);

// Starts connecting a new non-blocking socket to `address`. Returns the socket, with
// `inProgress` telling whether the handshake is still going on; or an empty Fd, with the
// reason in errno.
Fd startConnect(const SocketAddress& address, bool& inProgress);

// The outcome of a connect that was in progress, once the socket is writable: 0 or an errno.
int connectResult(int fd);

}  // namespace rsp
