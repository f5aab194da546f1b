// tests/tools/lessons_http.h — the tour's scenario for the lesson of part 8: HTTP, routed by
// Host.
//
// Shown on every part that reads the request head before it connects (readsRequestHead() in
// expectations.h: parts 8 and up), each time on a fresh start of the part, in front of two
// recording backends of its own, named a and b (recording_backend.h: each reply names its
// backend, and each backend counts the connections and bytes it received):
//
//   sites = { ["a.test"] = { backends = { a } }, ["*.b.test"] = { backends = { b } } }
//   headerTimeout = 1
//
//   0. a browser (part 9's lesson): six requests, one after another, alternating a.test and
//      www.b.test, over one connection while the proxy keeps it open (a new one when it
//      closes); the backends keep their connections open, as HTTP/1.1 servers do, and count
//      them. Part 8 takes six of each; part 9 one client connection and one per site;
//   1. two sites on one port: a request as curl sends it for Host a.test, then one for
//      www.b.test; each must be answered by its own site's backend;
//   2. a smuggling attempt (CL.TE: Content-Length and Transfer-Encoding at once, as in the
//      post): the proxy answers 400 itself, and no backend receives a byte;
//   3. a slowloris: a head sent a byte every 100 ms, which would take 20 s to finish; at
//      headerTimeout the proxy answers 408 and closes, and no backend receives a byte;
//   4. part 10's lesson, on the parts whose route may wait (routeMayWait() in expectations.h):
//      the config adds a route(request) that sleeps 0.5 s for /wait (and answers nil: by Host),
//      and 10 requests for /wait sent at once must all be answered after about 0.5 s, not 5.
//
// The part is stopped again at the end, also when something throws; a part that exits
// meanwhile is noted in the run's endedEarly.
#pragma once

#include <ostream>
#include <string>

#include "launch.h"
#include "summary.h"

namespace rsp::test {

// What the lesson is, for the tour's introduction; the numbers come from lessons_http.cpp.
std::string httpLessonIntro();

// Runs the four steps against the part that `setup` starts (its part and binary set; the
// lesson sets the sites), shows each result on a line of `out` (rewritten in place if `live`)
// and records them in `run.http`.
void runHttpLesson(PartRun& run, ProxySetup setup, std::ostream& out, bool live);

}  // namespace rsp::test
