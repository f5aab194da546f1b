// tests/tools/idle_clients.h — clients that hold a pair and do nothing, and a proxy left short
// of descriptors: the pieces of the tour's lessons of parts 5 and 7 (lessons.h).
//
// An idle client sends half a request (no blank line at its end) and then nothing: the backend
// waits for the rest, which never comes, so no byte moves either way, and the proxy holds two
// descriptors for it, one toward the client and one toward the backend.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <vector>

#include "common/fd.h"

namespace rsp::test {

// `count` idle clients of the proxy on 127.0.0.1:port. Throws if one cannot connect.
std::vector<Fd> openIdleClients(std::uint16_t port, int count);

// True once the proxy has closed the client `fd`: it reads as EOF or a reset.
bool closedByPeer(int fd);

// The descriptor limit under which a process holding the descriptors `open` has exactly `free`
// numbers left: a new descriptor takes the lowest free number, and fails with EMFILE if that
// is not below the limit, so a number in use above the limit leaves one more free below it.
int limitLeaving(std::vector<int> open, int free);

// Lowers the limit of the running process `pid` (soft and hard, with prlimit) so that it has
// exactly `free` descriptors left. Throws if it cannot.
void limitDescriptors(pid_t pid, int free);

// The CPU time `pid` has used so far (user and system); -1 ms if /proc cannot say.
std::chrono::milliseconds cpuTime(pid_t pid);

}  // namespace rsp::test
