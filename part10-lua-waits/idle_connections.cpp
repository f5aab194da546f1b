// part10-lua-waits/idle_connections.cpp — part 10: a backend's connections kept open for the next
// request. See idle_connections.h.
#include "idle_connections.h"

#include <algorithm>

namespace rsp {

IdleConnections::~IdleConnections() {
  for (Idle& idle : idle_) {
    loop_.timers().cancel(idle.timer);
    loop_.remove(idle.socket.get());
  }
}

void IdleConnections::keep(Fd socket) {
  if (capacity_ == 0) {
    loop_.remove(socket.get());
    return;  // closed here, as `socket` goes
  }
  if (idle_.size() == capacity_) drop(idle_.front().socket.get());
  const int fd = socket.get();
  // Either callback may run after this object is gone (it is shared by pools, which a reload
  // replaces): hence the weak pointer.
  const std::weak_ptr<IdleConnections> self = weak_from_this();
  loop_.replace(fd, EPOLLIN, [self, fd](std::uint32_t) {
    if (const auto alive = self.lock()) alive->drop(fd);
  });
  const Timers::Id timer = loop_.timers().add(loop_.now() + timeout_, [self, fd] {
    if (const auto alive = self.lock()) alive->drop(fd);
  });
  idle_.push_back({std::move(socket), timer});
}

Fd IdleConnections::take() {
  if (idle_.empty()) return Fd();
  Idle newest = std::move(idle_.back());
  idle_.pop_back();
  loop_.timers().cancel(newest.timer);
  return std::move(newest.socket);
}

// The backend closed it, or its time is up: out of the loop and closed.
void IdleConnections::drop(int socket) {
  const auto it = std::find_if(idle_.begin(), idle_.end(),
                               [socket](const Idle& idle) { return idle.socket.get() == socket; });
  if (it == idle_.end()) return;
  loop_.timers().cancel(it->timer);
  loop_.remove(socket);
  idle_.erase(it);  // closes it
}

}  // namespace rsp
