// tests/parts/expectations.h — the one table of what each part is expected to do.
//
// Every test in tests/parts/ is built into each part's test executable (test-part1 ...
// test-part4, with RSP_PART set) and asserts what the part's post promises. Where a part has a
// known, deliberate limitation, the table says so, and the test either asserts the limitation
// (part 1 serves clients one at a time) or is tagged [!shouldfail], so that it passes only
// while the part still has the bug its post describes, and fails the day it does not.
#pragma once

struct Expectations {
  bool servesConcurrently;  // false: one client at a time (part 1)
  bool keepsEveryByte;      // false: a slow client loses chunks of the response (parts 2, 3)
  bool honoursHalfClose;    // false: a client's FIN closes both sides at once (parts 2, 3)
  bool takesLuaConfig;      // true: `rsp-partN CONFIG.lua` instead of three arguments
};

// clang-format off
//                                 concurrent  every byte  half-close  Lua config
constexpr Expectations kTable[] = {
    /* part 1 one-shot     */     {false,      true,       true,       false},
    /* part 2 epoll        */     {true,       false,      false,      false},
    /* part 3 Lua          */     {true,       false,      false,      true},
    /* part 4 slow writes  */     {true,       true,       true,       true},
};
// clang-format on

static_assert(RSP_PART >= 1 && RSP_PART <= 4, "RSP_PART names a part");
constexpr Expectations kExpected = kTable[RSP_PART - 1];

// Catch2 tags for the tests of a promise a part breaks on purpose.
#if RSP_PART == 2 || RSP_PART == 3
#define RSP_LOSES_BYTES "[!shouldfail]"
#define RSP_IGNORES_HALF_CLOSE "[!shouldfail]"
#else
#define RSP_LOSES_BYTES ""
#define RSP_IGNORES_HALF_CLOSE ""
#endif
static_assert((sizeof(RSP_LOSES_BYTES) > 1) == !kExpected.keepsEveryByte, "tags match table");
static_assert((sizeof(RSP_IGNORES_HALF_CLOSE) > 1) == !kExpected.honoursHalfClose,
              "tags match table");
