// tests/tools/summary.cpp — whether each part behaved as its post says. See summary.h.
#include "summary.h"

#include "expectations.h"
#include "report.h"

namespace rsp::test {
namespace {

constexpr const char* kTitles[] = {"one-shot",   "epoll loop",     "Lua config", "write queues",
                                   "timeouts",   "load balancing", "limits",     "HTTP",
                                   "keep-alive", "Lua that waits"};
static_assert(sizeof kTitles / sizeof kTitles[0] == kParts, "a title for every part");

// Out of descriptors, a part that pauses spends at most a tenth of the time on the CPU and
// writes a handful of lines; one that spins spends a quarter of it at least, or floods its log.
constexpr int kCalmCpuPercent = 10;
constexpr std::uint64_t kCalmLogLines = 5;
constexpr int kSpinCpuPercent = 25;
constexpr std::uint64_t kFloodLogLines = 1000;

std::string fourClientsProblem(const FourClients& four, const Expectations& expected) {
  if (four.answered < kFourClients) {
    return "only " + std::to_string(four.answered) + " of " + std::to_string(kFourClients) +
           " clients got their reply (" + four.firstFailure + ")";
  }
  const std::string took = "four clients took " + formatSeconds(four.took);
  if (expected.servesConcurrently && four.took > kAllAtOnceAtMost) {
    return took + ", but its post says it serves them all at once (2.5 s at most)";
  }
  if (!expected.servesConcurrently && four.took < kOneAtATimeAtLeast) {
    return took + ", but its post says it serves them one at a time (3.5 s at least)";
  }
  return {};
}

std::string slowClientProblem(const FetchResult& slow, const Expectations& expected) {
  if (!slow.ok() || slow.timedOut) return "the slow client got no whole reply: " + verdict(slow);
  if (expected.keepsEveryByte && !slow.body.intact()) {
    return "the slow client got " + verdict(slow) + ", but its post says it gets every byte";
  }
  if (!expected.keepsEveryByte && slow.body.intact()) {
    return "the slow client got every byte, but its post says it loses chunks (the bug depends "
           "on timing: try again on a less busy machine)";
  }
  return {};
}

std::string idleProblem(const IdleClients& idle, int part) {
  const std::string closed = std::to_string(idle.closed) + " of " + std::to_string(idle.clients) +
                             " idle clients were closed";
  if (!closesIdlePairs(part)) {
    return idle.closed == 0 ? "" : closed + ", but its post says it keeps them for ever";
  }
  if (idle.closed < idle.clients) {
    return "only " + closed + " within " + formatSeconds(idle.watched) +
           ", but its post says idleTimeout closes them";
  }
  if (idle.firstClosed < idle.idleTimeout / 2) {
    return "an idle client was closed after " + formatSeconds(idle.firstClosed) +
           ", long before its idleTimeout of " + formatSeconds(idle.idleTimeout);
  }
  return {};
}

std::string balancingProblem(const Balancing& balancing) {
  if (balancing.answered < balancing.requests) {
    return "only " + std::to_string(balancing.answered) + " of " +
           std::to_string(balancing.requests) + " requests over three backends were answered (" +
           balancing.firstFailure + ")";
  }
  for (const std::string& backend : balancing.backends) {
    if (!balancing.before.contains(backend)) {
      return backend + " got none of the first requests, but its post says it spreads them: " +
             spread(balancing);
    }
  }
  return {};
}

std::string descriptorsProblem(const OutOfDescriptors& crowd, int part) {
  if (crowd.cpu < milliseconds(0)) return "its CPU time could not be read from /proc";
  if (!crowd.servedAfter) {
    return "once the idle clients left, a new client was not served: " + crowd.failure;
  }
  const std::string what =
      "out of descriptors it used " + descriptorsCell(crowd) + " in " + formatSeconds(crowd.window);
  if (pausesOutOfDescriptors(part) &&
      (crowd.cpu > crowd.window * kCalmCpuPercent / 100 || crowd.logLines > kCalmLogLines)) {
    return what + ", but its post says it pauses accepting";
  }
  if (!pausesOutOfDescriptors(part) && crowd.cpu < crowd.window * kSpinCpuPercent / 100 &&
      crowd.logLines < kFloodLogLines) {
    return what + ", but its post says it spins, logging every failed accept";
  }
  return {};
}

std::string siteProblem(const SiteRequest& request) {
  if (request.answeredBy == request.expected) return {};
  if (request.answeredBy.empty()) {
    return "the request for " + request.host + " got no backend's answer: " + request.failure;
  }
  return "the request for " + request.host + " was answered by " + request.answeredBy +
         ", but its site's backend is " + request.expected;
}

// A request the proxy must refuse with `status`, before any backend sees a byte of it.
std::string refusedProblem(const Refused& refused, const std::string& what, int status) {
  if (refused.status != status) {
    const std::string got = refused.status == 0 ? "no answer (" + refused.failure + ")"
                                                : std::to_string(refused.status);
    return what + " got " + got + ", but its post says " + std::to_string(status);
  }
  if (refused.backendBytes > 0 || refused.backendConnections > 0) {
    return "a backend received " + std::to_string(refused.backendBytes) + " bytes of " + what +
           ", but its post says no backend sees a byte of it";
  }
  return {};
}

// Part 9's promise, on every part that reads HTTP: a client kept alive sends all its requests
// over one connection, and backend connections are reused (about one per site); before it,
// each request costs a connection on each side.
std::string browsingProblem(const Browsing& browsing, int part) {
  const std::string requests = std::to_string(browsing.requests) + " requests";
  if (browsing.answered < browsing.requests) {
    return "only " + std::to_string(browsing.answered) + " of the browser's " + requests +
           " were answered by their site's backend (" + browsing.failure + ")";
  }
  const bool keptAlive = keepsClientsAlive(part) && readsRequestHead(part);
  const int clients = keptAlive ? 1 : browsing.requests;
  if (browsing.clientConnections != clients) {
    return "the browser's " + requests + " took " + browsingCell(browsing) +
           ", but its post says " + std::to_string(clients) + " client connection" +
           (clients == 1 ? "" : "s");
  }
  const auto sites = static_cast<std::uint64_t>(browsing.sites);
  const auto each = static_cast<std::uint64_t>(browsing.requests);
  if (reusesBackendConnections(part) ? browsing.backendConnections > sites
                                     : browsing.backendConnections != each) {
    return "the browser's " + requests + " took " + browsingCell(browsing) +
           ", but its post says " +
           (reusesBackendConnections(part) ? "at most one backend connection per site"
                                           : "one backend connection per request");
  }
  return {};
}

// Part 10's promise: routes that sleep at once wait together, so the last answer comes after
// about one sleep, not one sleep per request.
std::string waitingProblem(const std::optional<WaitingRoutes>& waiting, int part) {
  if (!routeMayWait(part)) return {};
  if (!waiting) return "it did not show routes that wait";
  if (waiting->answered < waiting->requests) {
    return "only " + std::to_string(waiting->answered) + " of " +
           std::to_string(waiting->requests) + " requests whose route sleeps were answered (" +
           waiting->failure + ")";
  }
  if (waiting->took >= waiting->sleep * waiting->requests / 2) {
    return "requests whose route sleeps took " + waitingCell(*waiting) +
           ", one after another; its post says they wait together";
  }
  return {};
}

std::vector<std::string> httpProblems(const HttpLesson& http, int part) {
  std::vector<std::string> problems;
  problems.push_back(browsingProblem(http.browsing, part));
  for (const SiteRequest& request : http.sites) problems.push_back(siteProblem(request));
  problems.push_back(refusedProblem(http.smuggling, "the smuggling attempt", 400));
  problems.push_back(refusedProblem(http.slowloris, "the slowloris", 408));
  if (http.slowloris.status == 408 && http.headSent >= http.headSize) {
    problems.push_back("the slowloris sent all its head before its 408 came");
  } else if (http.slowloris.status == 408 && http.answeredAfter < http.headerTimeout / 2) {
    problems.push_back("the slowloris got its 408 after " + formatSeconds(http.answeredAfter) +
                       ", long before its headerTimeout of " + formatSeconds(http.headerTimeout));
  }
  problems.push_back(waitingProblem(http.waiting, part));
  return problems;
}

// What the lessons this part shows (see lessons.h) say against its post. A lesson it should
// have shown and did not is a problem too.
std::vector<std::string> lessonProblems(const PartRun& run) {
  std::vector<std::string> problems;
  if (showsIdleClients(run.part)) {
    problems.push_back(run.idleClients ? idleProblem(*run.idleClients, run.part)
                                       : "the idle clients were not shown");
  }
  if (showsBalancing(run.part)) {
    problems.push_back(run.balancing ? balancingProblem(*run.balancing)
                                     : "the three backends were not shown");
  }
  if (showsOutOfDescriptors(run.part)) {
    problems.push_back(run.outOfDescriptors ? descriptorsProblem(*run.outOfDescriptors, run.part)
                                            : "the clients out of descriptors were not shown");
  }
  if (showsHttpLesson(run.part) && !run.http) {
    problems.push_back("part 8's lesson (two sites, smuggling, slowloris) was not shown");
  } else if (showsHttpLesson(run.part)) {
    for (std::string& problem : httpProblems(*run.http, run.part)) {
      problems.push_back(std::move(problem));
    }
  }
  std::erase(problems, std::string());
  return problems;
}

}  // namespace

std::string partTitle(int part) {
  return part >= 1 && part <= kParts ? kTitles[part - 1] : "part " + std::to_string(part);
}

// The lessons of parts 5-7 are shown on the parts that relay bytes. From part 8 a pair starts
// with a request head (a half request has no backend yet), which these lessons do not send;
// those parts show part 8's own lesson instead (lessons_http.h): a browser's requests over
// one connection (part 9's), two sites on one port, a smuggling attempt, a slowloris.
bool showsIdleClients(int part) {
  return part == kBefore || (closesIdlePairs(part) && !readsRequestHead(part));
}
bool showsBalancing(int part) {
  return expectationsFor(part).takesBackendList && !readsRequestHead(part);
}
bool showsOutOfDescriptors(int part) {
  return part == kBefore || (pausesOutOfDescriptors(part) && !readsRequestHead(part));
}
bool showsHttpLesson(int part) { return readsRequestHead(part); }

std::string servedHow(milliseconds took) {
  if (took >= kOneAtATimeAtLeast) return "one at a time";
  if (took <= kAllAtOnceAtMost) return "all at once";
  return "neither all at once nor one at a time";
}

std::vector<std::string> problemsWith(const PartRun& run) {
  if (!run.cannotRun.empty()) return {run.cannotRun};
  const Expectations& expected = expectationsFor(run.part);
  std::vector<std::string> problems;
  for (std::string problem : {fourClientsProblem(run.fourClients, expected),
                              slowClientProblem(run.slowClient, expected)}) {
    if (!problem.empty()) problems.push_back(problem);
  }
  for (std::string problem : lessonProblems(run)) problems.push_back(problem);
  if (!run.endedEarly.empty()) problems.push_back("the proxy " + run.endedEarly);
  return problems;
}

}  // namespace rsp::test
