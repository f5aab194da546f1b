// part10-lua-waits/http_check.h — part 10: a health check that asks, instead of only connecting.
// Unchanged from part9-keepalive/http_check.h.
//
// Part 6's check is a TCP connect: a backend whose process accepts but whose application is
// broken (a 500 for every request, a database it cannot reach) passes it. With checkPath set,
// the check sends a request of its own once connected and reads the status line, as HAProxy's
// `option httpchk` and nginx Plus's `health_check` do:
//
//   connect ──▶ accepted? ──▶ send "GET /health HTTP/1.1" ──▶ read "HTTP/1.1 204 ..." ──▶ up
//                  └─ no: down                                 └─ not 2xx or 3xx: down
//
// The whole check, connect included, runs within the pool's checkTimeout.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/event_loop.h"
#include "common/fd.h"

namespace rsp {

// The handler for a check's socket (watched for EPOLLOUT, the connect's end): it owns the
// socket and calls `done` once with the verdict. An empty `request` checks the connect only.
EventLoop::Handler healthCheckHandler(EventLoop& loop, Fd socket, std::string request,
                                      std::function<void(bool up)> done);

// "GET path HTTP/1.1" with Host and Connection: close, for a backend named "host:port".
std::string healthCheckRequest(const std::string& path, const std::string& backendName);

}  // namespace rsp
