// tests/unit/tools_demo_test.cpp — rsp-demo's verdicts: a part passes when it behaves as the
// table in expectations.h says its post promises (parts 2 and 3 losing bytes, part 4 keeping
// idle clients and spinning out of descriptors, part 8 answering hostile heads itself
// included), and fails, by name, otherwise.
// Checked on results made up here; and rsp-demo --help.
#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "expectations.h"
#include "made_up_reply.h"
#include "process.h"
#include "summary.h"

using namespace rsp::test;
using Catch::Matchers::Contains;
using std::chrono::milliseconds;

namespace {

constexpr std::uint64_t kSize = 64 * 4096;  // 64 map cells of 4 KiB each

IdleClients idleClients(int closed, milliseconds first, milliseconds last, bool timeout) {
  return {.clients = 10,
          .closed = closed,
          .firstClosed = first,
          .lastClosed = last,
          .watched = closed == 10 ? last : milliseconds(2500),
          .idleTimeout = timeout ? milliseconds(1000) : milliseconds(0)};
}

Balancing balancing(std::map<std::string, int> before, std::map<std::string, int> after) {
  int answered = 0;
  for (const auto& replies : {before, after}) {
    for (const auto& [backend, count] : replies) answered += count;
  }
  return {.backends = {"b1", "b2", "b3"},
          .stopped = "b2",
          .before = before,
          .after = after,
          .requests = 24,
          .answered = answered,
          .firstFailure = answered < 24 ? "no reply head" : ""};
}

OutOfDescriptors crowd(milliseconds cpu, std::uint64_t logLines, bool servedAfter = true) {
  return {.clients = 30,
          .window = milliseconds(2000),
          .cpu = cpu,
          .logLines = logLines,
          .servedAfter = servedAfter,
          .failure = servedAfter ? "" : "no reply head"};
}

const Balancing kEvenSpread = balancing({{"b1", 4}, {"b2", 4}, {"b3", 4}}, {{"b1", 6}, {"b3", 6}});

// Part 8's lesson as the post of `part` says it goes: a browser's six requests over one
// connection from part 9 (one per request before), each site answered by its own backend, the
// smuggling attempt and the slowloris answered by the proxy, no backend seeing a byte of them.
HttpLesson httpLesson(int part = 8) {
  const bool kept = part >= 9;
  return {.browsing = {.requests = 6,
                       .answered = 6,
                       .clientConnections = kept ? 1 : 6,
                       .backendConnections = kept ? 2u : 6u,
                       .sites = 2},
          .sites = {{.host = "a.test", .expected = "a", .answeredBy = "a"},
                    {.host = "www.b.test", .expected = "b", .answeredBy = "b"}},
          .smuggling = {.status = 400},
          .slowloris = {.status = 408},
          .headerTimeout = milliseconds(1000),
          .answeredAfter = milliseconds(1010),
          .headSent = 10,
          .headSize = 198,
          .waiting = routeMayWait(part) ? std::optional<WaitingRoutes>(WaitingRoutes{
                                              .requests = 10,
                                              .answered = 10,
                                              .sleep = milliseconds(500),
                                              .took = milliseconds(520)})
                                        : std::nullopt};
}

// A run of `part` with these results for the two scenarios every part meets, and the lessons
// it shows as its post says it behaves in them.
PartRun runOf(int part, milliseconds took, FetchResult slow) {
  PartRun run;
  run.part = part;
  run.fourClients.took = took;
  run.fourClients.answered = kFourClients;
  run.slowClient = std::move(slow);
  run.memoryGrowthKiB = 300;
  if (showsIdleClients(part)) {
    run.idleClients = part == 4 ? idleClients(0, milliseconds(0), milliseconds(0), false)
                                : idleClients(10, milliseconds(1010), milliseconds(1030), true);
  }
  if (showsBalancing(part)) run.balancing = kEvenSpread;
  if (showsOutOfDescriptors(part)) {
    run.outOfDescriptors =
        part == 4 ? crowd(milliseconds(1220), 539806) : crowd(milliseconds(0), 1);
  }
  if (showsHttpLesson(part)) run.http = httpLesson(part);
  return run;
}

}  // namespace

TEST_CASE("the tour's verdicts follow the table of expectations", "[tools][summary]") {
  const FetchResult intact = madeUpReply(kSize);
  const FetchResult holed = madeUpReply(kSize, 4096, 8192);
  CHECK(problemsWith(runOf(1, milliseconds(4010), intact)).empty());
  CHECK(problemsWith(runOf(2, milliseconds(1010), holed)).empty());  // its bug, as its post says
  CHECK(problemsWith(runOf(3, milliseconds(1010), holed)).empty());
  CHECK(problemsWith(runOf(4, milliseconds(1010), intact)).empty());
  for (int part = 5; part <= kParts; ++part)
    CHECK(problemsWith(runOf(part, milliseconds(1010), intact)).empty());
  CHECK_THAT(problemsWith(runOf(1, milliseconds(1010), intact)).at(0), Contains("one at a time"));
  CHECK_THAT(problemsWith(runOf(2, milliseconds(4010), holed)).at(0), Contains("all at once"));
  CHECK_THAT(problemsWith(runOf(2, milliseconds(1010), intact)).at(0), Contains("loses chunks"));
  CHECK_THAT(problemsWith(runOf(4, milliseconds(1010), holed)).at(0),
             Contains("BYTES LOST") && Contains("gets every byte"));
}

TEST_CASE("the tour fails a part that is missing, unanswered or gone", "[tools][summary]") {
  PartRun missing;
  missing.part = 3;
  missing.cannotRun = "build/bin/rsp-part3 is missing";
  CHECK(problemsWith(missing) == std::vector<std::string>{"build/bin/rsp-part3 is missing"});
  PartRun unanswered = runOf(2, milliseconds(1010), madeUpReply(kSize, 0, kSize / 2));
  unanswered.fourClients.answered = 3;
  unanswered.fourClients.firstFailure = "no reply head";
  CHECK_THAT(problemsWith(unanswered).at(0), Contains("only 3 of 4") && Contains("no reply head"));
  PartRun gone = runOf(4, milliseconds(1010), madeUpReply(kSize));
  gone.endedEarly = "exited during the tour: killed by signal Segmentation fault";
  CHECK_THAT(problemsWith(gone).at(0), Contains("Segmentation fault"));
  CHECK_THAT(problemsWith(runOf(4, milliseconds(1010), FetchResult())).at(0), Contains("NO REPLY"));
}

TEST_CASE("the lessons of parts 5-7 are shown on the parts that have them, and on part 4",
          "[tools][summary]") {
  const auto shows = [](bool (*lesson)(int)) {
    std::vector<int> parts;
    for (int part = 1; part <= kParts; ++part) {
      if (lesson(part)) parts.push_back(part);
    }
    return parts;
  };
  CHECK(shows(showsIdleClients) == std::vector<int>{4, 5, 6, 7});
  CHECK(shows(showsBalancing) == std::vector<int>{6, 7});
  CHECK(shows(showsOutOfDescriptors) == std::vector<int>{4, 7});
  CHECK(shows(showsHttpLesson) == std::vector<int>{8, 9, 10});  // every part that reads HTTP
  PartRun silent = runOf(5, milliseconds(1010), madeUpReply(kSize));
  silent.idleClients.reset();
  CHECK(problemsWith(silent) == std::vector<std::string>{"the idle clients were not shown"});
  silent = runOf(8, milliseconds(1010), madeUpReply(kSize));
  silent.http.reset();
  CHECK_THAT(problemsWith(silent).at(0), Contains("part 8's lesson") && Contains("not shown"));
}

TEST_CASE("idle clients: closed about idleTimeout later from part 5 on, kept by part 4",
          "[tools][summary]") {
  PartRun run = runOf(4, milliseconds(1010), madeUpReply(kSize));
  run.idleClients = idleClients(3, milliseconds(700), milliseconds(900), false);
  CHECK_THAT(problemsWith(run).at(0), Contains("3 of 10") && Contains("keeps them for ever"));
  run = runOf(5, milliseconds(1010), madeUpReply(kSize));
  run.idleClients = idleClients(0, milliseconds(0), milliseconds(0), true);
  CHECK_THAT(problemsWith(run).at(0),
             Contains("only 0 of 10") && Contains("2.50 s") && Contains("idleTimeout closes"));
  run.idleClients = idleClients(10, milliseconds(100), milliseconds(1010), true);
  CHECK_THAT(problemsWith(run).at(0), Contains("after 0.10 s") && Contains("long before"));
  CHECK(idleCell(idleClients(10, milliseconds(1010), milliseconds(1030), true)) ==
        "all 10 closed after 1.03 s");
  CHECK(idleCell(idleClients(0, milliseconds(0), milliseconds(0), false)) ==
        "all 10 still open after 2.50 s");
  CHECK(idleCell(idleClients(4, milliseconds(900), milliseconds(950), true)) ==
        "4 of 10 closed, the rest still open after 2.50 s");
}

TEST_CASE("three backends, one stopped: every request answered, spread over all three",
          "[tools][summary]") {
  CHECK(spread(kEvenSpread) == "b1 4, b2 4, b3 4; b2 stopped; b1 6, b3 6");
  CHECK(balancingCell(kEvenSpread) == "24 of 24 answered");
  PartRun run = runOf(6, milliseconds(1010), madeUpReply(kSize));
  run.balancing = balancing({{"b1", 4}, {"b2", 4}, {"b3", 4}}, {{"b1", 6}, {"b3", 4}});
  CHECK_THAT(problemsWith(run).at(0), Contains("only 22 of 24") && Contains("no reply head"));
  run.balancing = balancing({{"b1", 6}, {"b2", 6}}, {{"b1", 6}, {"b3", 6}});
  CHECK_THAT(problemsWith(run).at(0),
             Contains("b3 got none of the first requests") && Contains("spreads them"));
}

TEST_CASE("out of descriptors: part 4 spins and floods its log, part 7 pauses",
          "[tools][summary]") {
  PartRun run = runOf(4, milliseconds(1010), madeUpReply(kSize));
  run.outOfDescriptors = crowd(milliseconds(900), 10);  // busy, even if it logs little
  CHECK(problemsWith(run).empty());
  run.outOfDescriptors = crowd(milliseconds(10), 50000);  // quick, but flooding its log
  CHECK(problemsWith(run).empty());
  run.outOfDescriptors = crowd(milliseconds(0), 10);
  CHECK_THAT(problemsWith(run).at(0),
             Contains("0.00 s CPU, 10 log lines in 2.00 s") && Contains("it spins"));
  run = runOf(7, milliseconds(1010), madeUpReply(kSize));
  run.outOfDescriptors = crowd(milliseconds(1220), 1);
  CHECK_THAT(problemsWith(run).at(0), Contains("1.22 s CPU, 1 log line ") && Contains("pauses"));
  run.outOfDescriptors = crowd(milliseconds(0), 6);
  CHECK_THAT(problemsWith(run).at(0), Contains("6 log lines") && Contains("pauses"));
  run.outOfDescriptors = crowd(milliseconds(0), 1, false);
  CHECK_THAT(problemsWith(run).at(0), Contains("a new client was not served: no reply head"));
  run.outOfDescriptors = crowd(milliseconds(-1), 1);
  CHECK_THAT(problemsWith(run).at(0), Contains("CPU time could not be read"));
}

TEST_CASE("two sites: each request must be answered by its own site's backend",
          "[tools][summary]") {
  CHECK(sitesCell(httpLesson()) == "a.test a, www.b.test b");
  PartRun run = runOf(8, milliseconds(1010), madeUpReply(kSize));
  run.http->sites[1].answeredBy = "a";
  CHECK(problemsWith(run) ==
        std::vector<std::string>{
            "the request for www.b.test was answered by a, but its site's backend is b"});
  run.http->sites[1] = {.host = "www.b.test", .expected = "b", .failure = "\"HTTP/1.1 421\""};
  CHECK_THAT(problemsWith(run).at(0),
             Contains("www.b.test got no backend's answer") && Contains("421"));
  CHECK(sitesCell(*run.http) == "a.test a, www.b.test no answer");
}

TEST_CASE("a browser: one connection while the proxy keeps it, backend connections reused",
          "[tools][summary]") {
  CHECK(browsingCell(httpLesson(9).browsing) ==
        "6 requests: 1 client connection, 2 backend connections");
  CHECK(problemsWith(runOf(8, milliseconds(1010), madeUpReply(kSize))).empty());
  CHECK(problemsWith(runOf(9, milliseconds(1010), madeUpReply(kSize))).empty());
  // Part 9 closing after each request, as part 8 does, breaks its post.
  PartRun run = runOf(9, milliseconds(1010), madeUpReply(kSize));
  run.http->browsing = httpLesson(8).browsing;
  CHECK_THAT(problemsWith(run).at(0), Contains("6 client connections") &&
                                          Contains("but its post says 1 client connection"));
  // ... and so does part 8 keeping its client, which its LIMIT says it does not.
  run = runOf(8, milliseconds(1010), madeUpReply(kSize));
  run.http->browsing = httpLesson(9).browsing;
  CHECK_THAT(problemsWith(run).at(0), Contains("but its post says 6 client connections"));
  // A backend connection per request, where part 9 reuses them.
  run = runOf(9, milliseconds(1010), madeUpReply(kSize));
  run.http->browsing.backendConnections = 6;
  CHECK_THAT(problemsWith(run).at(0), Contains("6 backend connections") &&
                                          Contains("at most one backend connection per site"));
  // A request that was not answered, or by the wrong site.
  run.http->browsing = httpLesson(9).browsing;
  run.http->browsing.answered = 5;
  run.http->browsing.failure = "the connection closed without an answer";
  CHECK_THAT(problemsWith(run).at(0),
             Contains("only 5 of the browser's 6 requests") && Contains("closed without"));
  CHECK_THAT(browsingCell(run.http->browsing), Contains("; 5 answers"));
}

TEST_CASE("smuggling and slowloris: the proxy answers, and no backend sees a byte",
          "[tools][summary]") {
  CHECK(refusedCell({.status = 400}) == "400, backends got 0 bytes");
  CHECK(slowlorisCell(httpLesson()) == "408 after 1.01 s, backends got 0 bytes");
  PartRun run = runOf(8, milliseconds(1010), madeUpReply(kSize));
  run.http->smuggling = {.status = 200, .backendBytes = 94, .backendConnections = 1};
  CHECK(refusedCell(run.http->smuggling) == "200, backends got 94 bytes on 1 connection");
  CHECK_THAT(problemsWith(run).at(0),
             Contains("the smuggling attempt got 200") && Contains("post says 400"));
  run.http->smuggling = {.status = 400, .backendConnections = 1};
  CHECK_THAT(problemsWith(run).at(0), Contains("a backend received 0 bytes of the smuggling"));
  run = runOf(9, milliseconds(1010), madeUpReply(kSize));
  run.http->slowloris = {.status = 0, .failure = "the connection closed without an answer"};
  CHECK_THAT(problemsWith(run).at(0),
             Contains("the slowloris got no answer (the connection closed without an answer)"));
  run.http = httpLesson(9);
  run.http->answeredAfter = milliseconds(150);
  CHECK_THAT(problemsWith(run).at(0),
             Contains("after 0.15 s") && Contains("long before its headerTimeout of 1.00 s"));
  run.http = httpLesson(9);
  run.http->headSent = run.http->headSize;
  CHECK_THAT(problemsWith(run).at(0), Contains("sent all its head"));
}

TEST_CASE("the lessons table has a row per part that showed a lesson", "[tools][summary]") {
  std::vector<PartRun> runs;
  for (int part = 1; part <= kParts; ++part) {
    runs.push_back(runOf(part, milliseconds(1010), madeUpReply(kSize)));
  }
  CHECK(lessonsTable(runs) ==
        "part  what it is      idle clients                    3 backends, 1 stopped  "
        "out of descriptors\n"
        "4     write queues    all 10 still open after 2.50 s  -                      "
        "1.22 s CPU, 539806 log lines\n"
        "5     timeouts        all 10 closed after 1.03 s      -                      -\n"
        "6     load balancing  all 10 closed after 1.03 s      24 of 24 answered      -\n"
        "7     limits          all 10 closed after 1.03 s      24 of 24 answered      "
        "0.00 s CPU, 1 log line\n");
}

TEST_CASE("the HTTP table has a row per part that showed part 8's lesson", "[tools][summary]") {
  std::vector<PartRun> runs;
  for (int part = 1; part <= kParts; ++part) {
    runs.push_back(runOf(part, milliseconds(1010), madeUpReply(kSize)));
  }
  CHECK(httpTable(runs) ==
        "part  what it is      a browser's requests" + std::string(37, ' ') +
        "two sites, one port     smuggling (CL.TE)          slowloris"
        "                               routes that sleep\n"
        "8     HTTP            6 requests: 6 client connections, 6 backend connections  "
        "a.test a, www.b.test b  400, backends got 0 bytes  "
        "408 after 1.01 s, backends got 0 bytes  -\n"
        "9     keep-alive      6 requests: 1 client connection, 2 backend connections   "
        "a.test a, www.b.test b  400, backends got 0 bytes  "
        "408 after 1.01 s, backends got 0 bytes  -\n"
        "10    Lua that waits  6 requests: 1 client connection, 2 backend connections   "
        "a.test a, www.b.test b  400, backends got 0 bytes  "
        "408 after 1.01 s, backends got 0 bytes  10 asleep 0.50 s: all in 0.52 s\n");
  runs.resize(7);
  CHECK(httpTable(runs).empty());  // no part read HTTP: no table
}

TEST_CASE("the summary table has a row per part", "[tools][summary]") {
  PartRun missing;
  missing.part = 3;
  missing.cannotRun = "build/bin/rsp-part3 is missing";
  const std::string table =
      summaryTable({runOf(1, milliseconds(4010), madeUpReply(kSize)),
                    runOf(2, milliseconds(1010), madeUpReply(kSize, 0, 65536)), missing});
  CHECK(
      table ==
      "part  what it is  4 clients took  slow client got   lost         peak memory  as expected\n"
      "1     one-shot    4.01 s          262144 of 262144  0            +300 KiB     yes\n"
      "2     epoll loop  1.01 s          196608 of 262144  65536 (25%)  +300 KiB     yes\n"
      "3     Lua config  -               not run           -            -            NO\n");
}

TEST_CASE("rsp-demo --help exits 0", "[tools][demo]") {
  ChildProcess demo({RSP_DEMO_BINARY, "--help"});
  const auto status = demo.waitForExit(std::chrono::seconds(10));
  REQUIRE(status);
  CHECK(status->code == 0);
  CHECK_THAT(demo.output(), Contains("rsp-demo: the tour"));
}

TEST_CASE("part 10 shows routes that wait: together is right, one after another is a problem",
          "[tools][summary]") {
  CHECK_FALSE(routeMayWait(9));
  CHECK(routeMayWait(10));
  PartRun run = runOf(10, milliseconds(1010), madeUpReply(kSize));
  CHECK(problemsWith(run).empty());
  run.http->waiting->took = milliseconds(5100);  // ten half-second routes, one after another
  CHECK(problemsWith(run) ==
        std::vector<std::string>{"requests whose route sleeps took 10 asleep 0.50 s: all in "
                                 "5.10 s, one after another; its post says they wait together"});
  run.http->waiting->answered = 7;
  run.http->waiting->failure = "the connection closed without an answer";
  CHECK(problemsWith(run) ==
        std::vector<std::string>{"only 7 of 10 requests whose route sleeps were answered (the "
                                 "connection closed without an answer)"});
  run.http->waiting.reset();
  CHECK(problemsWith(run) == std::vector<std::string>{"it did not show routes that wait"});
  PartRun part9 = runOf(9, milliseconds(1010), madeUpReply(kSize));
  CHECK_FALSE(part9.http->waiting);  // before part 10 there is nothing to show, and no problem
  CHECK(problemsWith(part9).empty());
}
