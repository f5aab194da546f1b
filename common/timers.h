// common/timers.h — introduced by part 5.
//
// Deadlines for the event loop, kept in order of when they fall due. The loop asks for the
// earliest one and passes the time left to epoll_wait as its timeout, so waiting for a
// socket and waiting for a deadline are the same wait, and no timer costs a system call
// (nginx does the same with its red-black tree of timers; a std::map is one).
//
//   Timers::Id id = loop.timers().add(loop.now() + 5s, [this] { ... });
//   loop.timers().cancel(id);   // before it fires; cancelling a fired timer is fine too
//
// Callbacks run on the loop's thread, after the batch of socket events of the same turn,
// and still inside it: whatever they remove from the loop is destroyed after they return.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <utility>

namespace rsp {

class Timers {
 public:
  using Clock = std::chrono::steady_clock;
  using Callback = std::function<void()>;
  // A timer is known by its deadline and a sequence number that tells apart equal deadlines.
  using Id = std::pair<Clock::time_point, std::uint64_t>;

  Id add(Clock::time_point deadline, Callback callback);
  void cancel(const Id& id) { byDeadline_.erase(id); }

  // Milliseconds from `now` to the earliest deadline, rounded up; -1 when there is none.
  int millisecondsToNext(Clock::time_point now) const;
  // Runs, in order, every callback whose deadline is not after `now`.
  void runExpired(Clock::time_point now);

  bool empty() const { return byDeadline_.empty(); }

 private:
  std::map<Id, Callback> byDeadline_;
  std::uint64_t sequence_ = 0;
};

}  // namespace rsp
