// part10-lua-waits/pool.cpp — part 10: the backends of one site, which of them are up, and the
// choice. See pool.h.
// Same as part8-http/pool.cpp except: each backend's idle connections, carried over a reload,
// and the HTTP health check (http_check.h).
#include "pool.h"

#include <cstring>
#include <string>

#include "common/log.h"
#include "http_check.h"
#include "router.h"  // describeClient(): the client as chooseBackend and route() see it

namespace rsp {

std::shared_ptr<BackendPool> BackendPool::create(EventLoop& loop, const PoolSettings& settings) {
  std::shared_ptr<BackendPool> pool(new BackendPool(loop, settings));
  if (pool->checkInterval_.count() > 0) pool->scheduleCheck();
  return pool;
}

BackendPool::BackendPool(EventLoop& loop, const PoolSettings& settings)
    : loop_(loop),
      balance_(settings.balance),
      checkInterval_(settings.checkInterval),
      checkTimeout_(settings.timeouts.connect),
      checkPath_(settings.checkPath) {
  for (const BackendAddress& address : settings.backends) {
    members_.push_back({address, resolveBackend(address.host, address.port)});
    members_.back().idle = std::make_shared<IdleConnections>(loop, settings.backendKeepalive,
                                                             settings.backendIdleTimeout);
  }
  if (settings.lua) chooser_.emplace(settings.lua);
}

void BackendPool::retire() { loop_.timers().cancel(checkTimer_); }

// The timer and the checks hold the pool weakly: a retired pool goes with its last pair, even
// while a check is under way, and what comes after it finds nobody to tell.
void BackendPool::scheduleCheck() {
  checkTimer_ = loop_.timers().add(loop_.now() + checkInterval_, [pool = weak_from_this()] {
    if (const auto alive = pool.lock()) alive->checkBackends();
  });
}

void BackendPool::carryOverFrom(const BackendPool& older) {
  for (Member& member : members_) {
    for (const Member& old : older.members_) {
      const bool same =
          old.address.host == member.address.host && old.address.port == member.address.port;
      if (!same) continue;
      if (checkInterval_.count() > 0) member.up = old.up;
      if (old.idle->capacity() == member.idle->capacity() &&
          old.idle->timeout() == member.idle->timeout())
        member.idle = old.idle;
    }
  }
}

std::optional<std::size_t> BackendPool::choose(const sockaddr_storage& client) {
  if (chooser_ && !chooser_->switchedOff()) {
    if (const auto chosen = byLua(client)) return members_[*chosen].up ? chosen : nextUp(*chosen);
  }
  return byBalance();
}

std::optional<std::size_t> BackendPool::byLua(const sockaddr_storage& client) {
  views_.clear();
  for (const Member& member : members_) {
    views_.push_back(
        {member.address.host.c_str(), member.address.port, member.connections, member.up});
  }
  const auto [address, port] = describeClient(client);
  std::size_t index = 0;
  std::string error;
  if (chooser_->choose(address, port, views_, index, error)) return index;
  if (chooserErrors_.begins(loop_.now())) {
    log() << error << "; this client goes by balance instead" << chooserErrors_.heldBack();
  }
  if (chooser_->switchedOff()) {
    log() << "chooseBackend overran its limits " << LuaChooser::kOverrunsToSwitchOff
          << " times in a row: switched off until the next reload; every client goes by balance";
  }
  return std::nullopt;
}

// Round robin: the next backend that is up. Least connections: of the backends that are up,
// the one with the fewest pairs, looking in round-robin order so that ties take turns.
std::optional<std::size_t> BackendPool::byBalance() {
  std::optional<std::size_t> best;
  for (std::size_t step = 0; step < members_.size(); ++step) {
    const std::size_t index = (cursor_ + step) % members_.size();
    if (!members_[index].up) continue;
    if (!best || members_[index].connections < members_[*best].connections) best = index;
    if (balance_ == Balance::kRoundRobin) break;
  }
  if (best) cursor_ = *best + 1;
  return best;
}

std::optional<std::size_t> BackendPool::nextUp(std::size_t index) const {
  for (std::size_t step = 1; step <= members_.size(); ++step) {
    const std::size_t next = (index + step) % members_.size();
    if (members_[next].up) return next;
  }
  return std::nullopt;
}

void BackendPool::connectFailed(std::size_t index, int error) {
  Member& member = members_[index];
  if (checkInterval_.count() == 0) {  // no checks: nothing would bring it back, so stay up
    if (member.connectFailures.begins(loop_.now())) {
      log() << "cannot connect to backend " << member.backend.name << ": " << std::strerror(error)
            << member.connectFailures.heldBack();
    }
  } else if (member.up) {
    member.up = false;
    log() << "backend " << member.backend.name << " is down: " << std::strerror(error);
  }
}

void BackendPool::outOfLocalPorts(std::size_t index) {
  if (!portShortage_.begins(loop_.now())) return;
  log() << "no free local port to connect to backend " << members_[index].backend.name
        << " (see net.ipv4.ip_local_port_range): letting clients go, the backend stays up"
        << portShortage_.heldBack();
}

void BackendPool::markUp(std::size_t index) {
  if (members_[index].up) return;
  members_[index].up = true;
  log() << "backend " << members_[index].backend.name << " is up";
}

// Down backends are checked to bring them back. With checkPath, the backends that are up are
// checked too: a backend that accepts connections but fails its check goes down, which a
// failed connect alone would never show.
void BackendPool::checkBackends() {
  for (std::size_t index = 0; index < members_.size(); ++index) {
    const bool due = !members_[index].up || !checkPath_.empty();
    if (due && !members_[index].checking) check(index);
  }
  scheduleCheck();
}

// A health check is a TCP connect, without blocking, to one of the backend's addresses (the
// next one each time): up if it is accepted within connectTimeout, and with checkPath, if it
// then answers GET checkPath with 2xx or 3xx (http_check.h). The socket's handler owns the
// socket, and closes it when done.
void BackendPool::check(std::size_t index) {
  Member& member = members_[index];
  bool inProgress = false;
  const auto& addresses = member.backend.addresses;
  Fd fd = startConnect(addresses[member.checkAddress++ % addresses.size()], inProgress);
  if (!fd) return;
  if (!inProgress && checkPath_.empty()) return markUp(index);
  member.checking = true;
  const int socket = fd.get();
  const auto timeout = std::make_shared<Timers::Id>();
  const auto done = [&loop = loop_, pool = weak_from_this(), index, socket, timeout](bool up) {
    loop.timers().cancel(*timeout);
    loop.remove(socket);  // the handler, and with it the socket, go after this batch
    if (const auto alive = pool.lock()) alive->checked(index, up);
  };
  try {  // as for a pair: an exception (ENOMEM from epoll_ctl) ends this check only
    *timeout = loop_.timers().add(loop_.now() + checkTimeout_, [done] { done(false); });
    const std::string request =
        checkPath_.empty() ? "" : healthCheckRequest(checkPath_, member.backend.name);
    loop_.add(socket, EPOLLOUT, healthCheckHandler(loop_, std::move(fd), request, done));
  } catch (const std::exception& error) {
    log() << "health check of backend " << member.backend.name << ": " << error.what();
    loop_.timers().cancel(*timeout);
    member.checking = false;  // the next round tries again
  }
}

void BackendPool::checked(std::size_t index, bool up) {
  Member& member = members_[index];
  member.checking = false;
  if (up) return markUp(index);
  if (!checkPath_.empty() && member.up) {
    member.up = false;
    log() << "backend " << member.backend.name << " is down: GET " << checkPath_
          << " did not answer 2xx or 3xx";
  }
}

}  // namespace rsp
