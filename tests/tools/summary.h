// tests/tools/summary.h — what the tour found out about each part, and whether it is right.
//
// rsp-demo runs two scenarios against every part (see tour.h), the lessons of parts 5-7
// against parts 4-7 (lessons.h) and part 8's against the parts that read HTTP (lessons_http.h),
// and keeps what it saw in a PartRun. This file holds everything
// that only reads those results: whether a part behaved as its post says (expectations.h), and
// the tables the tour ends with. It is kept apart from the code that runs the parts so that
// tests can check it on made-up results.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
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

// Part 5's lesson: clients that send half a request and then nothing (see lessons.h).
struct IdleClients {
  int clients = 0;
  int closed = 0;               // by the proxy, while the tour watched
  milliseconds firstClosed{0};  // after the clients went quiet
  milliseconds lastClosed{0};   // ... meaningful if closed > 0
  milliseconds watched{0};      // how long the tour watched them
  milliseconds idleTimeout{0};  // the part's setting; 0: it has none
};

// Part 6's lesson: requests spread over three named backends, one of them stopped half-way.
struct Balancing {
  std::vector<std::string> backends{};  // their names, "b1", "b2", "b3"
  std::string stopped{};                // the one stopped after the first half of the requests
  std::map<std::string, int> before{};  // replies per backend (X-Backend), before the stop
  std::map<std::string, int> after{};   // ... and after it
  int requests = 0;
  int answered = 0;  // whole replies
  std::string firstFailure{};
};

// Part 7's lesson: more idle clients than the proxy has descriptors for.
struct OutOfDescriptors {
  int clients = 0;
  milliseconds window{0};      // how long the tour watched, once the clients were in
  milliseconds cpu{-1};        // CPU time the proxy used meanwhile; -1: unknown
  std::uint64_t logLines = 0;  // lines it wrote to stderr meanwhile
  bool servedAfter = false;    // once the idle clients left, a new client was served
  std::string failure{};       // ... and if not, why
};

// Part 8's lesson: two sites on one port, a smuggling attempt, a slowloris; and part 9's, a
// browser's requests over one connection (lessons_http.h).
struct SiteRequest {
  std::string host{};        // the Host the client sent: "a.test", "www.b.test"
  std::string expected{};    // the backend of that site: "a", "b"
  std::string answeredBy{};  // X-Backend of the reply; empty if no backend answered
  std::string failure{};     // ... and then what came instead
};

// A request the proxy must answer itself: its status, and what the backends saw of it.
struct Refused {
  int status = 0;                        // of the proxy's answer; 0: no answer
  std::string failure{};                 // ... and then what came instead
  std::uint64_t backendBytes = 0;        // bytes of it the backends received
  std::uint64_t backendConnections = 0;  // connections the proxy opened to them for it
};

// Part 9's lesson, shown with part 8's: a browser-like client sends requests one after another,
// alternating the two sites, over one connection while the proxy keeps it open (a new one when
// it closes), and the backends count the connections that took (lessons_http.h).
struct Browsing {
  int requests = 0;                      // sent
  int answered = 0;                      // ... and answered by their own site's backend
  int clientConnections = 0;             // the client opened
  std::uint64_t backendConnections = 0;  // the backends accepted meanwhile
  int sites = 0;                         // the requests went to this many sites
  std::string failure{};                 // what came instead of the first answer missed
};

// Part 10's lesson, shown with part 8's on the parts whose route may wait (routeMayWait()):
// requests sent at once, whose route sleeps before it answers (lessons_http.h).
struct WaitingRoutes {
  int requests = 0;        // sent at once
  int answered = 0;        // ... and answered by their site's backend
  milliseconds sleep{0};   // each route's rsp.sleep
  milliseconds took{0};    // until the last answer came
  std::string failure{};   // what came instead of the first answer missed
};

struct HttpLesson {
  Browsing browsing{};
  std::vector<SiteRequest> sites{};
  Refused smuggling{};            // a CL.TE request: Content-Length and Transfer-Encoding
  Refused slowloris{};            // a head trickled a byte every 100 ms
  milliseconds headerTimeout{0};  // the part's setting for the slowloris
  milliseconds answeredAfter{0};  // when the slowloris got its answer, after it connected
  std::size_t headSent = 0;       // bytes of the slowloris's head sent by then ...
  std::size_t headSize = 0;       // ... of this many
  std::optional<WaitingRoutes> waiting{};  // part 10's lesson, on the parts that show it
};

struct PartRun {
  int part = 0;
  std::string cannotRun;  // why the part was not run at all: a missing binary, a failed start
  FourClients fourClients;
  FetchResult slowClient;
  std::int64_t memoryGrowthKiB = -1;  // peak resident memory minus that at start; -1: unknown
  std::string endedEarly;             // how the proxy ended, if it ended during the tour
  // The lessons of parts 5-7, for the parts that show them (lessons.h); empty: not run.
  std::optional<IdleClients> idleClients;
  std::optional<Balancing> balancing;
  std::optional<OutOfDescriptors> outOfDescriptors;
  std::optional<HttpLesson> http;  // part 8's lesson, for the parts that read HTTP
};

// The part that ends the original series. The tour shows later lessons on it too, as "before".
constexpr int kBefore = 4;

// Which parts show which lesson: those that have it, and part 4 (where it can be set up).
bool showsIdleClients(int part);       // parts 4-7
bool showsBalancing(int part);         // parts 6 and 7: part 4 cannot take a list of backends
bool showsOutOfDescriptors(int part);  // parts 4 and 7
// Part 8's lesson needs sites, so it is shown on the parts that read HTTP: 8 and up.
bool showsHttpLesson(int part);

// A few words on what the part is: "one-shot", "epoll loop", "Lua config", "write queues".
std::string partTitle(int part);

// "one at a time", "all at once", or neither, from how long four 1-second requests took.
std::string servedHow(milliseconds took);

// How the part differs from what its post says; empty if it behaved.
std::vector<std::string> problemsWith(const PartRun& run);

// One row per part: what it is, how long four clients took, how many bytes the slow client got
// and lost, the proxy's peak memory growth, and whether that is what its post says.
std::string summaryTable(const std::vector<PartRun>& runs);

// One row per part that showed a lesson: what became of its idle clients, its requests over
// three backends and its crowd of clients out of descriptors ("-" where not shown).
std::string lessonsTable(const std::vector<PartRun>& runs);

// One row per part that showed part 8's lesson: the connections a browser's requests took, who
// answered each site, what became of the smuggling attempt and the slowloris, and (part 10 on)
// how long requests whose routes sleep took together ("-" before). Empty if no part showed it.
std::string httpTable(const std::vector<PartRun>& runs);

// What a lesson showed, in a few words, for the tour's lines and the lessons table:
std::string idleCell(const IdleClients& idle);           // "all 10 closed after 1.01 s"
std::string balancingCell(const Balancing& balancing);   // "24 of 24 answered"
std::string spread(const Balancing& balancing);          // "b1 4, b2 4, b3 4; b2 stopped; ..."
std::string descriptorsCell(const OutOfDescriptors& o);  // "1.18 s CPU, 551651 log lines"
std::string browsingCell(const Browsing& browsing);      // "1 client, 2 backend connections"
std::string sitesCell(const HttpLesson& http);           // "a.test a, www.b.test b"
std::string refusedCell(const Refused& refused);         // "400, backends got 0 bytes"
std::string slowlorisCell(const HttpLesson& http);       // "408 after 1.00 s, backends got ..."
std::string waitingCell(const WaitingRoutes& waiting);   // "10 asleep 0.50 s: all in 0.52 s"

}  // namespace rsp::test
