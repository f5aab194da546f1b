// part6-loadbalancer/pool.cpp — part 6: the backends, which of them are up, and the choice.
// See pool.h.
#include "pool.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>
#include <string>

#include "common/log.h"

namespace rsp {
namespace {

// The client's address and port, as chooseBackend sees them: "127.0.0.1", 53012.
std::pair<std::string, int> describeClient(const sockaddr_storage& client) {
  char text[INET6_ADDRSTRLEN] = "";
  if (client.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(client);
    ::inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text);
    return {text, ntohs(v6.sin6_port)};
  }
  const auto& v4 = reinterpret_cast<const sockaddr_in&>(client);
  ::inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text);
  return {text, ntohs(v4.sin_port)};
}

}  // namespace

BackendPool::BackendPool(EventLoop& loop, const Config& config)
    : loop_(loop),
      balance_(config.balance),
      checkInterval_(config.checkInterval),
      checkTimeout_(config.timeouts.connect) {
  for (const BackendAddress& address : config.backends) {
    members_.push_back({address, resolveBackend(address.host, address.port)});
  }
  if (config.lua) chooser_.emplace(config.lua);
  if (checkInterval_.count() > 0) {
    checkTimer_ = loop_.timers().add(loop_.now() + checkInterval_, [this] { checkDownBackends(); });
  }
}

BackendPool::~BackendPool() { loop_.timers().cancel(checkTimer_); }

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
          << " times in a row: switched off until a restart; every client goes by balance";
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

void BackendPool::checkDownBackends() {
  for (std::size_t index = 0; index < members_.size(); ++index) {
    if (!members_[index].up && !members_[index].checking) check(index);
  }
  checkTimer_ = loop_.timers().add(loop_.now() + checkInterval_, [this] { checkDownBackends(); });
}

// A health check is a TCP connect, without blocking, to one of the backend's addresses (the
// next one each time): up if it is accepted within connectTimeout. The socket's handler owns
// the socket, and closes it when done.
void BackendPool::check(std::size_t index) {
  Member& member = members_[index];
  bool inProgress = false;
  const auto& addresses = member.backend.addresses;
  Fd fd = startConnect(addresses[member.checkAddress++ % addresses.size()], inProgress);
  if (!fd) return;
  if (!inProgress) return markUp(index);
  member.checking = true;
  const int socket = fd.get();
  const auto done = [this, index, socket](bool accepted) {
    members_[index].checking = false;
    if (accepted) markUp(index);
    loop_.remove(socket);  // the handler, and with it the socket, go after this batch
  };
  const Timers::Id timeout =
      loop_.timers().add(loop_.now() + checkTimeout_, [done] { done(false); });
  loop_.add(socket, EPOLLOUT,
            [this, done, timeout, owned = std::make_shared<Fd>(std::move(fd))](std::uint32_t) {
              loop_.timers().cancel(timeout);
              done(connectResult(owned->get()) == 0);
            });
}

}  // namespace rsp
