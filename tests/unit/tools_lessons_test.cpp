// tests/unit/tools_lessons_test.cpp — the tour's lessons of parts 5-9 (lessons.h,
// lessons_http.h) run against the real parts, as rsp-demo runs them, and the pieces they are
// made of: the descriptor limit that leaves a given number free, and a child's log counted
// without being kept.
#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "backend.h"
#include "idle_clients.h"
#include "lessons.h"
#include "lessons_http.h"
#include "process.h"
#include "report.h"

using namespace rsp::test;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

namespace {

// What a lesson wrote, and what it found, run against part `part` in front of a fresh backend.
struct Lesson {
  PartRun run;
  std::string shown;
};

Lesson runLesson(int part, const char* binary,
                 void (*lesson)(PartRun&, ProxySetup, ProgressLine&)) {
  TestBackend backend;
  std::ostringstream out;
  ProgressLine line(out, false);
  Lesson result;
  result.run.part = part;
  lesson(result.run, {.part = part, .binary = binary, .backendPort = backend.port()}, line);
  result.shown = out.str();
  return result;
}

// Part 8's lesson (lessons_http.h), which brings its own backends: the tour's is started only
// because every lesson is given one.
Lesson runHttpLessonOn(int part, const char* binary) {
  TestBackend backend;
  std::ostringstream out;
  Lesson result;
  result.run.part = part;
  runHttpLesson(result.run, {.part = part, .binary = binary, .backendPort = backend.port()}, out,
                false);
  result.shown = out.str();
  return result;
}

}  // namespace

TEST_CASE("the limit that leaves n descriptors free counts only the numbers below it",
          "[tools][lessons]") {
  CHECK(limitLeaving({0, 1, 2}, 40) == 43);
  CHECK(limitLeaving({5, 0, 4, 1, 3, 2}, 40) == 46);  // in any order
  // A descriptor inherited at 251 leaves one more number free below the limit; so does a gap.
  CHECK(limitLeaving({0, 1, 2, 3, 4, 5, 10, 251}, 40) == 47);
  CHECK(limitLeaving({0, 1, 2, 45, 46}, 40) == 43);  // numbers at or above it take none
  CHECK(limitLeaving({0, 1, 2, 42, 43}, 40) == 45);
}

TEST_CASE("a child's log lines are all counted, and only the first bytes kept",
          "[tools][lessons]") {
  // Waits first, so that the limit is set before the first line comes.
  ChildProcess child({"sh", "-c",
                      "sleep 0.5; i=0; while [ $i -lt 2000 ]; do "
                      "echo 'a line of the log' >&2; i=$((i+1)); done"});
  child.keepErrorsUpTo(100);
  REQUIRE(child.waitForExit(10s));
  CHECK(child.errorLines() == 2000);
  CHECK(child.errors().size() == 100);
  CHECK(child.errors().rfind("a line of the log\na line", 0) == 0);
}

TEST_CASE("the idle clients lesson: part 4 keeps them, part 5 closes them after 1 s",
          "[tools][lessons]") {
  const Lesson part4 = runLesson(4, RSP_PART4_BINARY, runIdleClients);
  REQUIRE(part4.run.idleClients);
  CHECK(part4.run.idleClients->closed == 0);
  CHECK_THAT(part4.shown, Contains("all 10 still open after 2.5") && Contains("no idleTimeout"));
  const Lesson part5 = runLesson(5, RSP_PART5_BINARY, runIdleClients);
  REQUIRE(part5.run.idleClients);
  CHECK(part5.run.idleClients->closed == 10);
  CHECK(part5.run.idleClients->firstClosed >= 900ms);
  CHECK_THAT(part5.shown, Contains("all 10 closed after 1.") && Contains("(idleTimeout = 1)"));
  CHECK(part5.run.endedEarly.empty());
}

TEST_CASE("the three backends lesson: part 6 answers every request, b2 stopped or not",
          "[tools][lessons]") {
  const Lesson part6 = runLesson(6, RSP_PART6_BINARY, runBalancing);
  REQUIRE(part6.run.balancing);
  const Balancing& balancing = *part6.run.balancing;
  INFO(part6.shown);
  CHECK(balancing.answered == 24);
  CHECK(balancing.before == std::map<std::string, int>{{"b1", 4}, {"b2", 4}, {"b3", 4}});
  CHECK(balancing.after.count("b2") == 0);
  CHECK_THAT(part6.shown, Contains("b2 stopped") && Contains("24 of 24 answered"));
}

TEST_CASE("the out of descriptors lesson: part 7 pauses, and serves once clients leave",
          "[tools][lessons]") {
  // Not part 4 here: in the asan preset, UBSan's first check of a type opens a pipe, which
  // fails while part 4 is out of descriptors, and part 4 dies of it.
  const Lesson part7 = runLesson(7, RSP_PART7_BINARY, runOutOfDescriptors);
  REQUIRE(part7.run.outOfDescriptors);
  const OutOfDescriptors& crowd = *part7.run.outOfDescriptors;
  INFO(part7.shown);
  CHECK(crowd.window >= 2s);
  CHECK(crowd.cpu >= 0ms);
  CHECK(crowd.cpu < 500ms);
  CHECK(crowd.logLines <= 5);
  CHECK(crowd.servedAfter);
  CHECK(part7.run.endedEarly.empty());
}

TEST_CASE("part 8's lesson: two sites on one port, smuggling refused, a slowloris cut",
          "[tools][lessons]") {
  const Lesson lesson = runHttpLessonOn(8, RSP_PART8_BINARY);
  const PartRun& run = lesson.run;
  INFO(lesson.shown);
  REQUIRE(run.http);
  const HttpLesson& http = *run.http;
  // Part 8's LIMIT: a connection on each side for each of the browser's requests.
  CHECK(http.browsing.answered == http.browsing.requests);
  CHECK(http.browsing.clientConnections == http.browsing.requests);
  CHECK(http.browsing.backendConnections == static_cast<std::uint64_t>(http.browsing.requests));
  REQUIRE(http.sites.size() == 2);
  CHECK(http.sites[0].answeredBy == "a");
  CHECK(http.sites[1].answeredBy == "b");
  CHECK(http.smuggling.status == 400);
  CHECK(http.smuggling.backendBytes == 0);
  CHECK(http.smuggling.backendConnections == 0);
  CHECK(http.slowloris.status == 408);
  CHECK(http.slowloris.backendBytes == 0);
  CHECK(http.slowloris.backendConnections == 0);
  CHECK(http.answeredAfter >= 900ms);  // wide margins: headerTimeout is 1 s
  CHECK(http.answeredAfter < 4s);
  CHECK(http.headSent < http.headSize);
  CHECK_THAT(lesson.shown,
             Contains(label("two sites, one port") + "a.test a, www.b.test b\n") &&
                 Contains(label("smuggling (CL.TE)") + "400, backends got 0 bytes\n") &&
                 Contains("408 after 1."));
  CHECK(run.endedEarly.empty());
}

TEST_CASE("part 9 shows part 8's lesson with one client connection and one per site",
          "[tools][lessons]") {
  const Lesson lesson = runHttpLessonOn(9, RSP_PART9_BINARY);
  const PartRun& run = lesson.run;
  INFO(lesson.shown);
  REQUIRE(run.http);
  const Browsing& browsing = run.http->browsing;
  CHECK(browsing.answered == browsing.requests);
  CHECK(browsing.clientConnections == 1);
  CHECK(browsing.backendConnections >= 1);  // each site's connection, reused for its requests
  CHECK(browsing.backendConnections <= 2);
  CHECK_THAT(lesson.shown,
             Contains(label("a browser, 6 requests") + "6 requests: 1 client connection"));
  CHECK(run.http->smuggling.status == 400);
  CHECK(run.http->slowloris.status == 408);
  for (const std::string& problem : problemsWith(run)) {  // the scenarios not run here aside
    CHECK_THAT(problem, !Contains("browser") && !Contains("smuggling") && !Contains("slowloris"));
  }
  CHECK(run.endedEarly.empty());
}

TEST_CASE("part 10 shows part 8's lesson, and ten routes that sleep 0.5 s at once finish together",
          "[tools][lessons]") {
  const Lesson lesson = runHttpLessonOn(10, RSP_PART10_BINARY);
  const PartRun& run = lesson.run;
  INFO(lesson.shown);
  REQUIRE(run.http);
  REQUIRE(run.http->waiting);
  const WaitingRoutes& waiting = *run.http->waiting;
  CHECK(waiting.answered == waiting.requests);
  CHECK(waiting.took >= 450ms);
  CHECK(waiting.took < 2500ms);  // one after another would be 5 s
  CHECK(run.http->browsing.answered == run.http->browsing.requests);  // route said nil: by Host
  CHECK(run.http->smuggling.status == 400);
  for (const std::string& problem : problemsWith(run)) {  // the scenarios not run here aside
    CHECK_THAT(problem, !Contains("route") && !Contains("smuggling") && !Contains("browser"));
  }
  CHECK_THAT(lesson.shown,
             Contains(label("routes that sleep, at once") + "10 asleep 0.50 s: all in "));
  CHECK(run.endedEarly.empty());
}
