// tests/unit/fd_test.cpp — common/fd.h: one owner, closed exactly once.
#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <utility>

#include "common/fd.h"

namespace {

bool isOpen(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

int openPipeEnd() {
  int ends[2];
  REQUIRE(::pipe(ends) == 0);
  ::close(ends[1]);
  return ends[0];
}

}  // namespace

TEST_CASE("Fd closes its descriptor when destroyed", "[fd]") {
  const int raw = openPipeEnd();
  { rsp::Fd fd(raw); }
  CHECK_FALSE(isOpen(raw));
}

TEST_CASE("a moved-from Fd closes nothing", "[fd]") {
  const int raw = openPipeEnd();
  rsp::Fd first(raw);
  rsp::Fd second(std::move(first));
  CHECK_FALSE(first);
  CHECK(second.get() == raw);
  // Destroy the new owner, then reuse the number: if the moved-from Fd still thought it owned
  // `raw`, destroying it would close the newcomer.
  second.reset();
  const int reused = openPipeEnd();
  REQUIRE(reused == raw);
  first.reset();
  CHECK(isOpen(reused));
  ::close(reused);
}

TEST_CASE("assigning to an Fd closes what it held", "[fd]") {
  const int a = openPipeEnd();
  const int b = openPipeEnd();
  rsp::Fd fd(a);
  fd = rsp::Fd(b);
  CHECK_FALSE(isOpen(a));
  CHECK(fd.get() == b);
}

TEST_CASE("release gives the descriptor up without closing it", "[fd]") {
  const int raw = openPipeEnd();
  {
    rsp::Fd fd(raw);
    CHECK(fd.release() == raw);
  }
  CHECK(isOpen(raw));
  ::close(raw);
}
