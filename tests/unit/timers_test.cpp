// tests/unit/timers_test.cpp — common/timers.h, and the event loop waking up for a deadline,
// on time even after a long batch.
#include <sys/eventfd.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

#include "common/event_loop.h"
#include "common/timers.h"

using namespace std::chrono_literals;
using rsp::Timers;

TEST_CASE("timers run in the order of their deadlines, only once due", "[timers]") {
  Timers timers;
  const auto start = Timers::Clock::now();
  std::vector<int> ran;
  timers.add(start + 30ms, [&] { ran.push_back(3); });
  timers.add(start + 10ms, [&] { ran.push_back(1); });
  timers.add(start + 10ms, [&] { ran.push_back(2); });  // same deadline: in the order added
  CHECK(timers.millisecondsToNext(start) == 10);
  timers.runExpired(start + 9ms);
  CHECK(ran.empty());
  timers.runExpired(start + 10ms);
  CHECK(ran == std::vector<int>{1, 2});
  timers.runExpired(start + 1s);
  CHECK(ran == std::vector<int>{1, 2, 3});
  CHECK(timers.empty());
  CHECK(timers.millisecondsToNext(start) == -1);
}

TEST_CASE("a cancelled timer never runs, and a callback may add and cancel timers", "[timers]") {
  Timers timers;
  const auto start = Timers::Clock::now();
  bool cancelledRan = false, addedRan = false;
  const Timers::Id cancelled = timers.add(start + 20ms, [&] { cancelledRan = true; });
  timers.add(start + 10ms, [&] {
    timers.cancel(cancelled);
    timers.add(start + 15ms, [&] { addedRan = true; });
  });
  timers.runExpired(start + 1s);
  CHECK_FALSE(cancelledRan);
  CHECK(addedRan);
  timers.cancel(cancelled);  // cancelling a timer that is gone is harmless
}

TEST_CASE("the loop wakes up for a deadline with no event", "[timers][event-loop]") {
  rsp::EventLoop loop;
  bool fired = false;
  const auto start = std::chrono::steady_clock::now();
  loop.timers().add(loop.now() + 50ms, [&] {
    fired = true;
    CHECK(loop.inCallback());  // inside the turn: nothing is destroyed under a callback
  });
  for (int turn = 0; turn < 100 && !fired; ++turn) loop.runOnce(-1);  // -1: no timeout of ours
  CHECK(fired);
  CHECK(std::chrono::steady_clock::now() - start >= 50ms);
  CHECK(loop.now() - start >= 50ms);
}

TEST_CASE("a deadline that passed during a long batch is not waited for again",
          "[timers][event-loop]") {
  rsp::EventLoop loop;
  rsp::Fd wake(::eventfd(1, EFD_NONBLOCK | EFD_CLOEXEC));
  // One slow handler: 300 ms of work in the batch, during which the timer falls due.
  loop.add(wake.get(), EPOLLIN, [&](std::uint32_t) {
    std::uint64_t count = 0;
    CHECK(::read(wake.get(), &count, sizeof count) == sizeof count);
    std::this_thread::sleep_for(300ms);
  });
  bool fired = false;
  loop.timers().add(loop.now() + 100ms, [&] { fired = true; });
  loop.runOnce(-1);  // the slow batch
  // The loop's time is still the wake-up's (before the 300 ms), but the deadline has passed:
  // the next wait must not be the 100 ms the stale time says are left.
  const auto start = std::chrono::steady_clock::now();
  if (!fired) loop.runOnce(-1);
  const auto waited = std::chrono::steady_clock::now() - start;
  CHECK(fired);
  INFO("waited " << std::chrono::duration_cast<std::chrono::milliseconds>(waited).count()
                 << " ms for an overdue timer");
  CHECK(waited < 50ms);
}
