// tests/support/expectations.h — the one table of what each part is expected to do.
//
// Every test in tests/parts/ is linked into each part's test executable (test-part1 ...
// test-part10, each reading its row as kExpected) and asserts what the part's post promises.
// Where a part has a known, deliberate limitation, the table says so, and the test either
// asserts the limitation (part 1 serves clients one at a time) or is tagged [!shouldfail] from
// the table, so that it passes only while the part still has the bug its post describes, and
// fails the day it does not (see tests/parts/part_under_test.h). The demo's tour checks each
// part against this table too.
#pragma once

namespace rsp::test {

struct Expectations {
  bool servesConcurrently;  // false: one client at a time (part 1)
  bool keepsEveryByte;      // false: a slow client loses chunks of the response (parts 2, 3)
  bool honoursHalfClose;    // false: a client's FIN closes both sides at once (parts 2, 3)
  bool takesLuaConfig;      // true: `rsp-partN CONFIG.lua` instead of three arguments
  bool neverBlocks;         // false: a backend that drops SYNs stalls every client (parts 1-4)
  bool takesBackendList;    // true: the config may set `backends = { ... }` (parts 6 and up)
};

// clang-format off
//                              concurrent every byte half-close Lua config never blocks backends
constexpr Expectations kTable[] = {
    /* part 1 one-shot      */   {false,     true,      true,      false,     false,       false},
    /* part 2 epoll         */   {true,      false,     false,     false,     false,       false},
    /* part 3 Lua           */   {true,      false,     false,     true,      false,       false},
    /* part 4 slow writes   */   {true,      true,      true,      true,      false,       false},
    /* part 5 timeouts      */   {true,      true,      true,      true,      true,        false},
    /* part 6 load balancer */   {true,      true,      true,      true,      true,        true},
    /* part 7 limits        */   {true,      true,      true,      true,      true,        true},
    /* part 8 HTTP          */   {true,      true,      true,      true,      true,        true},
    /* part 9 keep-alive    */   {true,      true,      true,      true,      true,        true},
    /* part 10 Lua waits    */   {true,      true,      true,      true,      true,        true},
};
// clang-format on

constexpr int kParts = sizeof kTable / sizeof kTable[0];

constexpr const Expectations& expectationsFor(int part) { return kTable[part - 1]; }

// Two more promises, from the posts of parts 5 and 7, that the demo's tour shows on parts 4-7
// (tests/tools/lessons.h). Each holds from the part that makes it onwards:
// a pair that moves no byte for idleTimeout is closed (before, it is kept for ever) ...
constexpr bool closesIdlePairs(int part) { return part >= 5; }
// ... and out of descriptors, accepting pauses (before, it is retried at once, and logged).
constexpr bool pausesOutOfDescriptors(int part) { return part >= 7; }

// From part 8 the proxy reads a request's head before it connects anywhere: a client that has
// not sent a whole head has no backend yet (the tests of earlier lessons send a whole request
// that the backend is slow to answer instead), and a client the proxy cannot serve gets an
// answer of the proxy's own (502, 504) before the close, not a silent close.
constexpr bool readsRequestHead(int part) { return part >= 8; }
// Part 8's LIMIT: one request per client connection, then the close (part 9 lifts it). The
// parts before relay bytes, so any number of requests go by.
constexpr bool keepsClientsAlive(int part) { return part != 8; }
// From part 9 the proxy reads each response's head and writes its own (RFC 9110 6.2: an
// intermediary sends its own version), so a client sees "HTTP/1.1 200 OK" where the test
// backend wrote "HTTP/1.0 200 OK".
constexpr bool writesResponseHead(int part) { return part >= 9; }
// ... and keeps backend connections for the next request, so it no longer asks the backend to
// close after each one.
constexpr bool reusesBackendConnections(int part) { return part >= 9; }
// From part 10 route(request) runs as a coroutine and may wait (rsp.sleep, rsp.tcp) while every
// other request goes on: requests whose routes sleep at once finish together.
constexpr bool routeMayWait(int part) { return part >= 10; }
constexpr const char* responseVersion(int part) {
  return writesResponseHead(part) ? "HTTP/1.1" : "HTTP/1.0";
}

}  // namespace rsp::test
