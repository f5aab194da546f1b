// part10-lua-waits/idle_clients.h — part 10: the kept-alive clients waiting for their next request.
//
// A kept-alive client between two requests holds a descriptor and a slot of maxConnections
// while it asks for nothing. So the Proxy keeps a list of them, oldest first: at
// maxConnections it closes the oldest to make room for a new client (as nginx reuses its idle
// keep-alive connections when short of them), and on shutdown it closes them all at once
// instead of waiting up to keepaliveTimeout. Each entry is the way to close that client; the
// Connection takes itself off the list when its next request starts, or when it closes.
#pragma once

#include <cstdint>
#include <functional>
#include <map>

namespace rsp {

class IdleClients {
 public:
  using Ticket = std::uint64_t;  // 0: not on the list

  // `changed` runs whenever a client joins the list (the Proxy may then accept again).
  void onJoin(std::function<void()> changed) { onJoin_ = std::move(changed); }

  Ticket join(std::function<void()> close) {
    const Ticket ticket = ++last_;
    waiting_.emplace(ticket, std::move(close));
    if (onJoin_) onJoin_();
    return ticket;
  }
  void leave(Ticket& ticket) {
    if (ticket != 0) waiting_.erase(ticket);
    ticket = 0;
  }
  bool empty() const { return waiting_.empty(); }

  // Closes the client that has waited longest; false if none waits.
  bool closeOldest() {
    if (waiting_.empty()) return false;
    const auto close = std::move(waiting_.begin()->second);
    waiting_.erase(waiting_.begin());
    close();
    return true;
  }
  void closeAll() {
    while (closeOldest()) {
    }
  }

 private:
  std::map<Ticket, std::function<void()>> waiting_;  // by ticket: oldest first
  Ticket last_ = 0;
  std::function<void()> onJoin_;
};

}  // namespace rsp
