// part10-lua-waits/descriptor_limit.h — part 10: how many descriptors the proxy may open, and so how
// many pairs it may hold.
//
// Every pair costs two descriptors (client and backend), and a few are the proxy's own (the
// listener, epoll, the signalfd, stdin/out/err, health checks, a config file being reloaded).
// The kernel's limit (RLIMIT_NOFILE) has a soft value, which is what counts, and a hard value,
// up to which a process may raise the soft one itself. Debian's default soft limit is 1024:
// about 500 pairs. nginx raises it with worker_rlimit_nofile; rsp raises it to the hard
// limit at start-up.
#pragma once

namespace rsp {

// Descriptors kept back from pairs for the proxy's own use.
constexpr int kReservedDescriptors = 16;

// Raises the soft RLIMIT_NOFILE to the hard one; returns the limit now in force.
int raiseDescriptorLimit();

// The most pairs that fit in `limit` descriptors; at least 1.
int maxConnectionsFor(int limit);

// True for the errors of a system out of descriptors or memory for sockets (EMFILE, ENFILE,
// ENOBUFS, ENOMEM): not the peer's fault, and nothing to retry at once.
bool isOutOfDescriptors(int error);

}  // namespace rsp
