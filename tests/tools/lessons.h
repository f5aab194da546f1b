// tests/tools/lessons.h — the tour's scenarios for the lessons of parts 5-7.
//
// Besides the two scenarios every part meets (tour.h), the tour shows the lesson of each later
// part on that part and the ones after it, and on part 4, the last part of the original series,
// as the picture before (see showsIdleClients() and its neighbours in summary.h):
//
//   - part 5, timeouts: ten clients send half a request and then nothing. With idleTimeout = 1
//     the proxy closes them about a second later; part 4 keeps them (the tour watches 2.5 s).
//   - part 6, load balancing: 24 requests, one after the other, over three backends named b1,
//     b2 and b3 (each reply says which: X-Backend); b2 is stopped after the 12th request, and
//     still every request is answered.
//   - part 7, limits: the proxy's descriptor limit is lowered (prlimit) to leave room for 20
//     pairs, and 30 idle clients come. For 2 s the tour counts the proxy's CPU time and the
//     lines it logs: part 4 retries the accept that fails at full speed and logs every failure,
//     part 7 pauses accepting and says so once. Then the idle clients leave, and a new client
//     must be served.
//
// Each starts the part afresh, with the settings it needs, writes one line of results, and
// stops the part again (also when something throws). A part that exits meanwhile is noted in
// the run's endedEarly.
#pragma once

#include <string>

#include "launch.h"
#include "progress.h"
#include "summary.h"

namespace rsp::test {

// What the lessons are, for the tour's introduction; the numbers come from lessons.cpp.
std::string lessonsIntro();

// Each runs its scenario against the part that `setup` starts (its part, binary and the tour's
// backend port set; the lesson adds what it needs), shows the result on `line` and records it
// in `run`.
void runIdleClients(PartRun& run, ProxySetup setup, ProgressLine& line);
void runBalancing(PartRun& run, ProxySetup setup, ProgressLine& line);
void runOutOfDescriptors(PartRun& run, ProxySetup setup, ProgressLine& line);

}  // namespace rsp::test
