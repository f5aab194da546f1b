// tests/tools/summary.h — what the tour found out about each part, and whether it is right.
//
// rsp-demo runs two scenarios against every part (see tour.h) and keeps what it saw in a
// PartRun. This file holds everything that only reads those results: whether a part behaved as
// its post says (the table in expectations.h), and the summary table the tour ends with. It is
// kept apart from the code that runs the parts so that tests can check it on made-up results.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "client.h"

namespace rsp::test {

using std::chrono::milliseconds;

constexpr int kFourClients = 4;
constexpr milliseconds kOneAtATimeAtLeast{3500};  // four 1-second requests served in turn
constexpr milliseconds kAllAtOnceAtMost{2500};    // ... served at the same time

struct FourClients {
  milliseconds took{0};      // until the last of the four had its reply
  int answered = 0;          // replies that came back whole
  std::string firstFailure;  // what went wrong with a client that was not answered
};

struct PartRun {
  int part = 0;
  std::string cannotRun;  // why the part was not run at all: a missing binary, a failed start
  FourClients fourClients;
  FetchResult slowClient;
  std::int64_t memoryGrowthKiB = -1;  // peak resident memory minus that at start; -1: unknown
  std::string endedEarly;             // how the proxy ended, if it ended during the tour
};

// A few words on what the part is: "one-shot", "epoll loop", "Lua config", "write queues".
std::string partTitle(int part);

// "one at a time", "all at once", or neither, from how long four 1-second requests took.
std::string servedHow(milliseconds took);

// How the part differs from what its post says; empty if it behaved.
std::vector<std::string> problemsWith(const PartRun& run);

// One row per part: what it is, how long four clients took, how many bytes the slow client got
// and lost, the proxy's peak memory growth, and whether that is what its post says.
std::string summaryTable(const std::vector<PartRun>& runs);

}  // namespace rsp::test
