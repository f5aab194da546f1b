// common/event_loop.h — introduced by part 2.
//
// A single-threaded reactor over one epoll instance. A handler is registered for a file
// descriptor with the events it wants (EPOLLIN, EPOLLOUT); run() waits for events and calls
// the handlers, a whole batch per epoll_wait, until stop().
//
//   EventLoop loop;
//   loop.add(fd, EPOLLIN, [](std::uint32_t events) { ... });
//   loop.stopOnSignals({SIGINT, SIGTERM});
//   loop.run();
//
// From part 5 on, the loop also keeps time: timers() holds deadlines (timers.h), the earliest
// of which bounds each epoll_wait, and now() is the time of the latest wake-up. A part that
// adds no timer (parts 2-4) waits exactly as before.
//
// The rule that makes it safe: nothing is destroyed inside a callback. remove() takes the fd
// out of epoll at once, but the handler (and whatever it owns, such as a connection and its
// sockets) is destroyed only after the whole batch has been dispatched. See remove() and runOnce().
#pragma once

#include <sys/epoll.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <vector>

#include "common/fd.h"
#include "common/timers.h"

namespace rsp {

class EventLoop {
 public:
  using Handler = std::function<void(std::uint32_t events)>;

  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Watches fd for `events` (EPOLLIN, EPOLLOUT, ...); EPOLLERR and EPOLLHUP always come too.
  void add(int fd, std::uint32_t events, Handler handler);
  // Changes the events fd is watched for. 0 means none: the fd is then taken out of the epoll
  // set, because epoll reports EPOLLHUP and EPOLLERR whatever the mask says, and a
  // level-triggered hang-up nobody wants to hear would be reported again on every wait.
  void modify(int fd, std::uint32_t events);
  // Stops watching fd. Its handler is destroyed after the current batch, not now.
  void remove(int fd);
  // Gives fd another handler and interest at once (part 5: a socket connected by one object
  // goes on with another). The old handler, which may be the one running now, is destroyed
  // after the current batch, as by remove(). With the same interest as before there is no
  // system call, and an event this batch still holds for fd goes to the new handler.
  void replace(int fd, std::uint32_t events, Handler handler);
  bool watches(int fd) const {
    return fd >= 0 && static_cast<std::size_t>(fd) < entries_.size() && entries_[fd];
  }

  void run();                   // until stop()
  void runOnce(int timeoutMs);  // one epoll_wait and its batch of events
  void stop() { stopping_ = true; }
  // Makes these signals (e.g. SIGINT, SIGTERM) call stop() instead of killing the process.
  void stopOnSignals(std::initializer_list<int> signals);
  // Calls `handler` with the signal's number instead (part 7: SIGTERM drains, SIGHUP reloads).
  // Once per loop, like stopOnSignals().
  void onSignals(std::initializer_list<int> signals, std::function<void(int signal)> handler);

  // True while a handler runs: the time when nothing may be destroyed.
  bool inCallback() const { return dispatching_; }

  // Deadlines; their callbacks run after each batch of events (timers.h). Part 5.
  Timers& timers() { return timers_; }
  // The time the loop last woke up: one clock read per wake-up, shared by every handler.
  Timers::Clock::time_point now() const { return now_; }

 private:
  struct Entry {
    int fd;
    std::uint32_t events;
    Handler handler;
    bool removed = false;
  };

  // epoll_ctl(operation) of entry's fd for `events`; throws if it fails (nothing changed then).
  void control(int operation, Entry& entry, std::uint32_t events);

  // Declared first, so destroyed last: handlers destroyed with the loop may still ask
  // inCallback().
  bool stopping_ = false;
  bool dispatching_ = false;
  Fd epoll_;
  // Indexed by descriptor, as Redis's ae.c and HAProxy's fdtab do: the kernel hands out the
  // lowest free numbers, so the vector stays as small as the most descriptors open at once,
  // and finding an entry is an index, not a hash lookup.
  std::vector<std::unique_ptr<Entry>> entries_;
  std::vector<std::unique_ptr<Entry>> removed_;  // destroyed once the batch is done
  std::vector<Handler> retired_;                  // handlers replaced: likewise
  Fd signals_;
  Timers timers_;
  Timers::Clock::time_point now_ = Timers::Clock::now();
};

}  // namespace rsp
