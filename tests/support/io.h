// tests/support/io.h — waiting on a socket, and writing all of a buffer to it, for the test
// backend and the test client. They block (with poll) where a proxy never would, and each wait
// gives up by itself: at a deadline, or as soon as a stop flag is set.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>

namespace rsp::test {

struct GiveUp {
  std::chrono::steady_clock::time_point deadline;
  const std::atomic<bool>* stopping = nullptr;  // if set: also give up once this is true
};

// Waits until fd is ready for `events` (POLLIN, POLLOUT); false if it gave up first.
bool waitFor(int fd, short events, const GiveUp& giveUp);

// Writes all of `data` with non-blocking sends, waiting in between; false on an error or when
// it gave up.
bool sendAll(int fd, const char* data, std::size_t size, const GiveUp& giveUp);

}  // namespace rsp::test
