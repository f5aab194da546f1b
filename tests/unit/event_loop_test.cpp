// tests/unit/event_loop_test.cpp — common/event_loop.h, with socketpairs and an eventfd.
// The batch tests are the point: a handler may remove another descriptor, or itself, while
// events for it are still pending in the same epoll_wait batch. Run under ASan (the asan
// preset) they also prove nothing is touched after it is freed.
#include <fcntl.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <memory>
#include <stdexcept>

#include "common/event_loop.h"

namespace {

struct SocketPair {
  rsp::Fd a, b;
  SocketPair() {
    int fds[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) == 0);
    a.reset(fds[0]);
    b.reset(fds[1]);
  }
  void makeReadable() { REQUIRE(::write(b.get(), "x", 1) == 1); }
};

// Something a handler owns; notes whether it was destroyed while a handler was running.
struct Probe {
  rsp::EventLoop& loop;
  bool& destroyedInCallback;
  ~Probe() { destroyedInCallback = destroyedInCallback || loop.inCallback(); }
};

}  // namespace

TEST_CASE("a readable descriptor's handler is called with EPOLLIN", "[event-loop]") {
  rsp::EventLoop loop;
  SocketPair pair;
  std::uint32_t seen = 0;
  loop.add(pair.a.get(), EPOLLIN, [&](std::uint32_t events) { seen = events; });
  loop.runOnce(0);
  CHECK(seen == 0);  // nothing to read yet
  pair.makeReadable();
  loop.runOnce(1000);
  CHECK((seen & EPOLLIN) != 0);
}

TEST_CASE("interest 0 silences even a hang-up, and interest again brings events back", "[event-loop]") {
  rsp::EventLoop loop;
  SocketPair pair;
  int calls = 0;
  loop.add(pair.a.get(), EPOLLIN, [&](std::uint32_t) { ++calls; });
  loop.modify(pair.a.get(), 0);
  pair.b.reset();  // the peer hangs up: EPOLLHUP, which no mask can refuse
  loop.runOnce(0);
  CHECK(calls == 0);
  loop.modify(pair.a.get(), EPOLLIN);
  loop.runOnce(1000);
  CHECK(calls == 1);
}

TEST_CASE("a handler that removes another whose event is pending in the same batch",
          "[event-loop]") {
  rsp::EventLoop loop;
  SocketPair first, second;
  bool destroyedInCallback = false;
  int calls = 0;
  auto handlerFor = [&](int other) {
    auto probe = std::make_shared<Probe>(Probe{loop, destroyedInCallback});
    return [&, other, probe](std::uint32_t) {
      ++calls;
      loop.remove(other);  // the other's event is already in this batch
    };
  };
  loop.add(first.a.get(), EPOLLIN, handlerFor(second.a.get()));
  loop.add(second.a.get(), EPOLLIN, handlerFor(first.a.get()));
  first.makeReadable();
  second.makeReadable();
  loop.runOnce(1000);
  CHECK(calls == 1);  // whichever ran first removed the other, whose event was then skipped
  CHECK(loop.watches(first.a.get()) != loop.watches(second.a.get()));
  CHECK_FALSE(destroyedInCallback);  // the removed handler died after the batch
}

TEST_CASE("a handler that removes itself lives until the batch is over", "[event-loop]") {
  rsp::EventLoop loop;
  SocketPair pair;
  bool destroyedInCallback = false;
  auto probe = std::make_shared<Probe>(Probe{loop, destroyedInCallback});
  int seenAfterRemove = 0;
  loop.add(pair.a.get(), EPOLLIN, [&, probe, fd = pair.a.get()](std::uint32_t) {
    loop.remove(fd);
    seenAfterRemove = probe ? 1 : 0;  // the lambda's own captures must still be alive here
  });
  probe.reset();
  pair.makeReadable();
  loop.runOnce(1000);
  CHECK(seenAfterRemove == 1);
  CHECK_FALSE(loop.watches(pair.a.get()));
  CHECK_FALSE(destroyedInCallback);
}

// Part 9 hands a kept backend connection from a pair to its backend's idle list and back, from
// inside a handler: with the same interest that costs no system call, and the handler that
// gave the socket away finishes with its captures intact.
TEST_CASE("a handler that replaces itself with the same interest", "[event-loop]") {
  rsp::EventLoop loop;
  SocketPair pair;
  bool destroyedInCallback = false;
  auto probe = std::make_shared<Probe>(Probe{loop, destroyedInCallback});
  int first = 0;
  int second = 0;
  bool capturesAlive = false;
  loop.add(pair.a.get(), EPOLLIN, [&, probe, fd = pair.a.get()](std::uint32_t) {
    ++first;
    loop.replace(fd, EPOLLIN, [&](std::uint32_t) { ++second; });
    capturesAlive = probe != nullptr;  // still this lambda's own, not the new one's
  });
  probe.reset();
  pair.makeReadable();  // level-triggered: reported again in the next batch
  loop.runOnce(1000);
  CHECK(first == 1);
  CHECK(capturesAlive);
  CHECK_FALSE(destroyedInCallback);
  loop.runOnce(1000);
  CHECK(first == 1);
  CHECK(second == 1);
}

TEST_CASE("a handler that throws still ends the batch", "[event-loop]") {
  rsp::EventLoop loop;
  SocketPair thrower, other;
  bool destroyedInCallback = false;
  auto probe = std::make_shared<Probe>(Probe{loop, destroyedInCallback});
  const std::weak_ptr<Probe> otherHandlerAlive = probe;
  loop.add(other.a.get(), EPOLLIN, [probe = std::move(probe)](std::uint32_t) {});
  int calls = 0;
  loop.add(thrower.a.get(), EPOLLIN, [&](std::uint32_t) {
    if (++calls > 1) return;
    loop.remove(other.a.get());  // its handler now waits for the end of the batch
    throw std::runtime_error("handler failed");
  });
  thrower.makeReadable();
  CHECK_THROWS_WITH(loop.runOnce(1000), "handler failed");
  CHECK_FALSE(loop.inCallback());
  CHECK(otherHandlerAlive.expired());  // released with the batch, not kept for the next one
  CHECK_FALSE(destroyedInCallback);
  loop.runOnce(1000);  // the loop goes on: the descriptor is still readable
  CHECK(calls == 2);
}

TEST_CASE("a modify() that fails leaves the loop's idea of the interest as the kernel's",
          "[event-loop]") {
  rsp::EventLoop loop;
  // epoll refuses /dev/null (EPERM: it cannot be polled), every time: a failing epoll_ctl on
  // demand. Added with interest 0 it is not in the set, so modify() to EPOLLIN tries the ADD.
  rsp::Fd file(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  REQUIRE(file);
  loop.add(file.get(), 0, [](std::uint32_t) {});
  CHECK_THROWS(loop.modify(file.get(), EPOLLIN));
  // Nothing changed in the kernel, so back to 0 is no change either, and no system call.
  // Before: the entry had recorded EPOLLIN ahead of the failed call, so this tried a DEL of a
  // descriptor the set did not hold, and threw too.
  CHECK_NOTHROW(loop.modify(file.get(), 0));
}

TEST_CASE("a replace() that fails keeps the old handler and interest", "[event-loop]") {
  rsp::EventLoop loop;
  rsp::Fd file(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  REQUIRE(file);
  auto probe = std::make_shared<int>(0);
  const std::weak_ptr<int> oldHandler = probe;
  loop.add(file.get(), 0, [probe = std::move(probe)](std::uint32_t) {});
  CHECK_THROWS(loop.replace(file.get(), EPOLLIN, [](std::uint32_t) {}));
  loop.runOnce(0);  // a replaced handler would be released with this batch
  CHECK_FALSE(oldHandler.expired());
  CHECK_NOTHROW(loop.modify(file.get(), 0));
}

TEST_CASE("an eventfd wakes the loop and stop() ends run()", "[event-loop]") {
  rsp::EventLoop loop;
  rsp::Fd wake(::eventfd(1, EFD_NONBLOCK | EFD_CLOEXEC));
  int calls = 0;
  loop.add(wake.get(), EPOLLIN, [&](std::uint32_t) {
    ++calls;
    loop.stop();
  });
  loop.run();  // returns only because the handler stopped it
  CHECK(calls == 1);
}

TEST_CASE("a stop signal ends run() instead of the process", "[event-loop]") {
  rsp::EventLoop loop;
  loop.stopOnSignals({SIGUSR1});
  REQUIRE(::kill(::getpid(), SIGUSR1) == 0);  // blocked now, so it waits in the signalfd
  loop.run();  // returns only because the signal arrived through the signalfd
  sigset_t pending;
  sigpending(&pending);
  CHECK_FALSE(sigismember(&pending, SIGUSR1));  // taken, not left waiting
}
