// part10-lua-waits/proxy.cpp — part 10: the listening side, and its limits. See proxy.h.
// Same as part9-keepalive/proxy.cpp except: the Routing holds the pools of the backends route
// names itself (peers.h). From part 9: at maxConnections a kept-alive client that waits for
// nothing makes room for a new one, and the descriptor budget leaves room for idle backend
// connections.
#include "proxy.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <string>

#include "common/error.h"
#include "common/log.h"
#include "connection.h"
#include "descriptor_limit.h"

namespace rsp {
namespace {

// A non-blocking socket never makes the thread wait: a read with nothing to read, or a write
// with no room to write, fails at once with EAGAIN, and the loop tells us when to try again.
void setNonBlocking(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) throwErrno("fcntl O_NONBLOCK");
}

// Send a short write at once. By default (Nagle's algorithm) the kernel holds back a small
// segment while an earlier one is unacknowledged, and the peer delays its ACK (on Linux by
// 40 ms at least, up to 200 ms) hoping to piggyback it on a reply: the tail of a response
// would wait for that timer.
void setNoDelay(int fd) {
  const int on = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

}  // namespace

// One pool per site, in the config's order, and the router that chooses among them.
std::shared_ptr<Routing> routingFor(EventLoop& loop, const Config& config) {
  std::vector<std::shared_ptr<BackendPool>> pools;
  std::vector<std::string> names;
  for (const Site& site : config.sites) {
    pools.push_back(BackendPool::create(loop, site.pool));  // may throw: cannot resolve
    names.push_back(site.name);
  }
  const bool reuse = !config.sites.empty() && config.sites.front().pool.backendKeepalive > 0;
  return std::make_shared<Routing>(config.maxHeadSize, config.headerTimeout,
                                   config.keepaliveTimeout, config.timeouts, reuse, Router(config),
                                   std::move(pools), std::move(names), Peers(config.peers));
}

Proxy::Proxy(EventLoop& loop, const Config& config, std::string configPath)
    : loop_(loop),
      configPath_(std::move(configPath)),
      descriptorLimit_(raiseDescriptorLimit()),
      shared_(std::make_shared<ClientsShared>()),
      listener_(listenOn(config.listenPort)) {
  shared_->routing = routingFor(loop, config);
  shared_->idle.onJoin([this] { watchListener(); });  // at maxConnections, room may be made
  apply(config);
  setNonBlocking(listener_.fd.get());
  // Accepted sockets inherit TCP_NODELAY from the listener (on Linux): one setsockopt() in all,
  // not one per client.
  setNoDelay(listener_.fd.get());
  loop_.add(listener_.fd.get(), EPOLLIN, [this](std::uint32_t) { guardedAccept(); });
  log() << "descriptor limit " << descriptorLimit_ << ", maxConnections " << maxConnections_;
}

Proxy::~Proxy() {
  shared_->idle.onJoin(nullptr);  // the connections may outlive the Proxy, inside the loop
  loop_.timers().cancel(backOffTimer_);
  loop_.timers().cancel(shutdownTimer_);
  if (listener_.fd) loop_.remove(listener_.fd.get());
}

// The settings a reload may change, for the clients that come after it.
void Proxy::apply(const Config& config) {
  // Idle backend connections hold descriptors too: backendKeepalive per backend of each site.
  std::size_t idleBudget = 0;
  for (const Site& site : config.sites)
    idleBudget += site.pool.backendKeepalive * site.pool.backends.size();
  const int forPairs =
      descriptorLimit_ - static_cast<int>(std::min<std::size_t>(idleBudget, descriptorLimit_ / 2));
  maxConnections_ = config.maxConnections > 0 ? config.maxConnections : maxConnectionsFor(forPairs);
  shutdownTimeout_ = config.shutdownTimeout;
}

// The policy of the loop, for accepting as for a pair (Connection::guarded): an exception
// (bad_alloc, ENOMEM from epoll_ctl) ends what it was doing, one line, and the proxy serves on.
// What was accepted and not yet handed to a Connection is closed as the exception unwinds it.
void Proxy::guardedAccept() {
  try {
    handleAccept();
  } catch (const std::exception& error) {
    log() << "accepting: " << error.what() << "; going on";
  }
}

void Proxy::handleAccept() {
  // Take the clients that are waiting, but at most kAcceptsPerWakeup: the rest stay in the
  // backlog, and the level-triggered listener reports them again after this batch.
  for (int taken = 0; taken < kAcceptsPerWakeup; ++taken) {
    // At maxConnections, only if a kept-alive client that waits for nothing can make room.
    if (open_ >= maxConnections_ && shared_->idle.empty()) break;
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    Fd client(::accept4(listener_.fd.get(), reinterpret_cast<sockaddr*>(&address), &length,
                        SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (client) {
      accepted(std::move(client), address);
      if (open_ > maxConnections_) shared_->idle.closeOldest();  // the one that waited longest
    } else if (isOutOfDescriptors(errno)) {
      return outOfDescriptors(errno);
    } else if (errno != EINTR) {
      // EAGAIN: nobody else is waiting. Anything else is that client's trouble (ECONNABORTED:
      // it left before we took it); the next wake-up goes on.
      if (errno != EAGAIN && acceptFailures_.begins(loop_.now())) {
        log() << SystemError("accept failed", errno).what() << acceptFailures_.heldBack();
      }
      break;
    }
  }
  watchListener();  // at maxConnections, stop listening until a pair closes
}

// No backend is chosen here: the request's head, not yet read, says which site it is for.
void Proxy::accepted(Fd client, const sockaddr_storage& address) {
  ++open_;  // first: a pair that fails at once calls pairClosed() from inside start()
  try {
    Connection::start(loop_, std::move(client), address, shared_, [this] { pairClosed(); });
  } catch (const std::exception& error) {  // bad_alloc before the pair existed: this client only
    --open_;
    log() << "cannot take a client: " << error.what();
  }
}

// EMFILE and its kind: the client stays in the backlog. Accepting again at once would fail
// again, in a busy loop, so stop watching the listener until a pair closes (freeing two
// descriptors) or the back-off ends. One log line for the whole episode: shortages that come
// less than kEpisodeOver apart, even if accepts succeed in between (a client accepted with the
// last free descriptor may find none for its backend, and be let go).
void Proxy::outOfDescriptors(int error) {
  const bool newEpisode =
      lastShortage_ == Timers::Clock::time_point{} || loop_.now() - lastShortage_ >= kEpisodeOver;
  if (newEpisode) {
    log() << "out of file descriptors (" << std::strerror(error) << ", limit " << descriptorLimit_
          << ", " << open_ << " connections open): pausing accepts";
  }
  lastShortage_ = loop_.now();
  pausedForDescriptors_ = true;
  loop_.timers().cancel(backOffTimer_);
  backOffTimer_ = loop_.timers().add(loop_.now() + kBackOff, [this] { resumeAccepting(); });
  watchListener();
}

// Runs from a closing pair, maybe inside its guard's catch: nothing may escape from here.
void Proxy::pairClosed() {
  try {
    --open_;
    if (shuttingDown_ && open_ == 0) return finishShutdown();
    resumeAccepting();
  } catch (const std::exception& error) {
    log() << "after a close: " << error.what() << "; going on";
  }
}

// A pair closed, or the back-off ended: try again. If descriptors are still short, the next
// accept pauses again, without another log line.
void Proxy::resumeAccepting() {
  pausedForDescriptors_ = false;
  loop_.timers().cancel(backOffTimer_);
  watchListener();
}

// Watches the listener while the proxy may take a client: below maxConnections (or with an idle
// kept-alive client to close), not paused for descriptors, not shutting down (then there is no
// listener). No system call if unchanged.
void Proxy::watchListener() {
  if (!listener_.fd) return;
  const bool room = open_ < maxConnections_ || !shared_->idle.empty();
  const bool open = !pausedForDescriptors_ && room;
  loop_.modify(listener_.fd.get(), open ? EPOLLIN : 0u);
}

}  // namespace rsp
