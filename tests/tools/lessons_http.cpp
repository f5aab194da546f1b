// tests/tools/lessons_http.cpp — see lessons_http.h.
#include "lessons_http.h"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdlib>
#include <future>
#include <sstream>
#include <thread>
#include <vector>

#include "expectations.h"
#include "interrupt.h"
#include "io.h"
#include "progress.h"
#include "recording_backend.h"
#include "report.h"

namespace rsp::test {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr milliseconds kHeaderTimeout = 1s;      // set for the slowloris
constexpr milliseconds kTrickleEvery = 100ms;    // one byte of its head each time
constexpr milliseconds kSlowlorisWatch = 5s;     // headerTimeout, with room to spare
constexpr milliseconds kReplyDeadline = 5s;      // for every other answer
constexpr milliseconds kLateBytesWatch = 200ms;  // a refused request's late bytes would show
constexpr int kBrowserRequests = 6;              // one after another, alternating the sites
constexpr int kWaitingRequests = 10;             // part 10: sent at once ...
constexpr milliseconds kRouteSleep = 500ms;      // ... each route asleep this long

// Part 10's route for the tour: a request for /wait sleeps in its coroutine, then goes by Host
// (nil); every other request goes by Host at once.
constexpr char kSleepingRoute[] =
    "function route(request)\n"
    "  if request.path == '/wait' then rsp.sleep(0.5) end\n"
    "end\n";

// The request of the post's smuggling section: a proxy that believes Content-Length forwards
// "0\r\n\r\nSMUGGLED" as the body; a backend that believes Transfer-Encoding ends the request
// after "0\r\n\r\n" and reads SMUGGLED as the start of the next one.
constexpr char kSmuggling[] =
    "POST / HTTP/1.1\r\nHost: a.test\r\nContent-Length: 13\r\n"
    "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nSMUGGLED";

milliseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start);
}

// A GET as curl sends it, without Connection: close (a part that keeps the client alive
// answers and waits for more: the reply is read by its framing, not until the close).
std::string curlRequest(const std::string& host) {
  return "GET / HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n";
}

// True once `reply` holds a whole head and as many body bytes as its Content-Length says.
bool complete(const std::string& reply) {
  const std::size_t end = reply.find("\r\n\r\n");
  if (end == std::string::npos) return false;
  const std::size_t at = reply.find("\r\nContent-Length: ");
  const std::size_t length = at < end ? std::strtoul(reply.c_str() + at + 18, nullptr, 10) : 0;
  return reply.size() >= end + 4 + length;
}

// Reads the answer on `fd`: until it is complete, the proxy closes, or `until`.
std::string readReply(int fd, Clock::time_point until) {
  std::string reply;
  char chunk[4096];
  while (!complete(reply) && waitFor(fd, POLLIN, GiveUp{until})) {
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) break;  // closed, or reset
    reply.append(chunk, static_cast<std::size_t>(n));
  }
  return reply;
}

int statusOf(const std::string& reply) {  // "HTTP/1.1 400 ..." -> 400; 0 without a status line
  return reply.starts_with("HTTP/1.") && reply.size() >= 12 ? std::atoi(reply.c_str() + 9) : 0;
}

std::string headerOf(const std::string& reply, const std::string& name) {
  const std::size_t at = reply.find("\r\n" + name + ": ");
  if (at == std::string::npos || at > reply.find("\r\n\r\n")) return "";
  const std::size_t from = at + name.size() + 4;
  return reply.substr(from, reply.find("\r\n", from) - from);
}

// What came instead of an answer, in a few words.
std::string whatCame(const std::string& reply) {
  if (reply.empty()) return "the connection closed without an answer";
  return "\"" + reply.substr(0, reply.find("\r\n")) + "\"";
}

// Sends `request` in one go and reads the answer.
std::string ask(std::uint16_t port, const std::string& request) {
  const Fd fd = connectClient(port);
  if (!fd) return {};
  const auto until = Clock::now() + kReplyDeadline;
  sendAll(fd.get(), request.data(), request.size(), GiveUp{until});  // may stop at an answer
  return readReply(fd.get(), until);
}

// What the two backends received since `before`.
struct Seen {
  std::uint64_t bytes = 0;
  std::uint64_t connections = 0;
};
Seen seenBy(const RecordingBackend& a, const RecordingBackend& b) {
  return {a.bytesReceived() + b.bytesReceived(), a.connections() + b.connections()};
}
void noteSeen(Refused& refused, const Seen& before, const Seen& after) {
  refused.backendBytes = after.bytes - before.bytes;
  refused.backendConnections = after.connections - before.connections;
}

SiteRequest askSite(std::uint16_t port, const std::string& host, const std::string& expected) {
  const std::string reply = ask(port, curlRequest(host));
  SiteRequest request{
      .host = host, .expected = expected, .answeredBy = headerOf(reply, "X-Backend")};
  if (request.answeredBy.empty()) request.failure = whatCame(reply);
  return request;
}

Refused askSmuggling(std::uint16_t port, const RecordingBackend& a, const RecordingBackend& b) {
  const Seen before = seenBy(a, b);
  const std::string reply = ask(port, kSmuggling);
  std::this_thread::sleep_for(kLateBytesWatch);
  Refused refused{.status = statusOf(reply)};
  if (refused.status == 0) refused.failure = whatCame(reply);
  noteSeen(refused, before, seenBy(a, b));
  return refused;
}

// Trickles a head a byte every kTrickleEvery until the proxy answers or closes.
void trickle(std::uint16_t port, HttpLesson& http, ProgressLine& line, const std::string& name) {
  const std::string head =
      "GET / HTTP/1.1\r\nHost: a.test\r\nX-Slow: " + std::string(160, 's') + "\r\n\r\n";
  http.headSize = head.size();
  const Fd fd = connectClient(port);
  const auto start = Clock::now();
  const auto until = start + kSlowlorisWatch;
  while (fd && http.headSent < head.size() &&
         !waitFor(fd.get(), POLLIN, GiveUp{Clock::now() + kTrickleEvery})) {
    if (Clock::now() >= until) break;
    if (::send(fd.get(), &head[http.headSent], 1, MSG_NOSIGNAL) != 1) break;
    ++http.headSent;
    line.update(name + std::to_string(http.headSent) + " bytes of the head sent after " +
                formatSeconds(since(start)));
  }
  const std::string reply = fd ? readReply(fd.get(), until) : std::string();
  http.answeredAfter = since(start);
  http.slowloris.status = statusOf(reply);
  if (http.slowloris.status == 0) http.slowloris.failure = whatCame(reply);
}

// A browser's connection to the proxy: it sends each request on the connection it has, opens
// a new one when it has none or the last answer said Connection: close, and sends a request
// again once on a new connection if a kept one closed without an answer (as browsers do).
class Browser {
 public:
  explicit Browser(std::uint16_t port) : port_(port) {}
  int opened() const { return opened_; }

  std::string get(const std::string& host) {
    const bool reused = static_cast<bool>(fd_);
    std::string reply = send(curlRequest(host));
    if (reply.empty() && reused) reply = send(curlRequest(host));  // it closed meanwhile
    if (reply.empty() || headerOf(reply, "Connection") == "close") fd_.reset();
    return reply;
  }

 private:
  std::string send(const std::string& request) {
    if (!fd_) {
      fd_ = connectClient(port_);
      ++opened_;
    }
    const auto until = Clock::now() + kReplyDeadline;
    if (!fd_ || !sendAll(fd_.get(), request.data(), request.size(), GiveUp{until})) {
      fd_.reset();
      return {};
    }
    std::string reply = readReply(fd_.get(), until);
    if (!complete(reply)) fd_.reset();
    return complete(reply) ? reply : std::string();
  }

  std::uint16_t port_;
  Fd fd_;
  int opened_ = 0;
};

// kBrowserRequests for a.test and www.b.test in turn, through one Browser.
Browsing browse(std::uint16_t port, const RecordingBackend& a, const RecordingBackend& b) {
  const Seen before = seenBy(a, b);
  Browser browser(port);
  Browsing browsing{.requests = kBrowserRequests, .sites = 2};
  for (int i = 0; i < kBrowserRequests; ++i) {
    const bool first = i % 2 == 0;
    const std::string reply = browser.get(first ? "a.test" : "www.b.test");
    if (headerOf(reply, "X-Backend") == (first ? "a" : "b")) {
      ++browsing.answered;
    } else if (browsing.failure.empty()) {
      browsing.failure = whatCame(reply);
    }
  }
  browsing.clientConnections = browser.opened();
  browsing.backendConnections = seenBy(a, b).connections - before.connections;
  return browsing;
}

// kWaitingRequests for /wait at once, each on a connection of its own: with routes that wait
// on the loop they finish together, after about one kRouteSleep.
WaitingRoutes waitTogether(std::uint16_t port) {
  WaitingRoutes waiting{.requests = kWaitingRequests, .sleep = kRouteSleep};
  const std::string request = "GET /wait HTTP/1.1\r\nHost: a.test\r\n\r\n";
  const auto start = Clock::now();
  std::vector<std::future<std::string>> replies;
  for (int i = 0; i < kWaitingRequests; ++i) {
    replies.push_back(std::async(std::launch::async, [&] { return ask(port, request); }));
  }
  for (auto& future : replies) {
    const std::string reply = future.get();
    if (headerOf(reply, "X-Backend") == "a") {
      ++waiting.answered;
    } else if (waiting.failure.empty()) {
      waiting.failure = whatCame(reply);
    }
  }
  waiting.took = since(start);
  return waiting;
}

}  // namespace

std::string httpLessonIntro() {
  std::ostringstream out;
  out << "Parts 8 and up then meet the lesson of part 8, on two sites, a.test and *.b.test, each\n"
      << "with a backend of its own (a and b), and headerTimeout = "
      << kHeaderTimeout.count() / 1000 << ":\n"
      << "  - a browser sends " << kBrowserRequests
      << " requests, one after another, alternating the two sites, over\n"
      << "    one connection while the proxy keeps it: part 8 takes a client connection and a\n"
      << "    backend connection per request, part 9 one client connection and one per site;\n"
      << "  - one request as curl sends it for each site: its own backend must answer it;\n"
      << "  - a smuggling attempt (Content-Length and Transfer-Encoding at once): 400, and no\n"
      << "    backend may see a byte of it;\n"
      << "  - a slowloris, a head sent a byte every " << kTrickleEvery.count()
      << " ms: 408 at headerTimeout, and no backend\n    may see a byte of it;\n"
      << "  - part 10 on: " << kWaitingRequests << " requests at once, whose route(request)\n"
      << "    sleeps " << formatSeconds(kRouteSleep) << " (rsp.sleep): they wait together, so all"
      << " are answered\n    after about " << formatSeconds(kRouteSleep) << ", not "
      << formatSeconds(kRouteSleep * kWaitingRequests) << ".\n\n";
  return out.str();
}

void runHttpLesson(PartRun& run, ProxySetup setup, std::ostream& out, bool live) {
  // Backends that keep their connections open, as HTTP/1.1 servers do: part 9 reuses them.
  RecordingBackend a("a", RecordingBackend::Mode::kKeepAlive);
  RecordingBackend b("b", RecordingBackend::Mode::kKeepAlive);
  setup.sites = {{"a.test", a.port()}, {"*.b.test", b.port()}};
  setup.extraConfig = "headerTimeout = " + std::to_string(kHeaderTimeout.count() / 1000) + "\n";
  if (routeMayWait(setup.part)) setup.extraConfig += kSleepingRoute;
  RunningProxy proxy = startProxy(setup);  // its destructor stops it, also on a throw
  const WatchedChild watched(proxy.pid());
  HttpLesson http{.headerTimeout = kHeaderTimeout};
  ProgressLine browserLine(out, live), sitesLine(out, live), smugglingLine(out, live),
      slowlorisLine(out, live);

  // First, while no backend connection is kept yet: the count is the browser's alone.
  http.browsing = browse(proxy.port, a, b);
  browserLine.finish(label("a browser, " + std::to_string(kBrowserRequests) + " requests") +
                     browsingCell(http.browsing));
  http.sites = {askSite(proxy.port, "a.test", "a"), askSite(proxy.port, "www.b.test", "b")};
  sitesLine.finish(label("two sites, one port") + sitesCell(http));
  http.smuggling = askSmuggling(proxy.port, a, b);
  smugglingLine.finish(label("smuggling (CL.TE)") + refusedCell(http.smuggling));

  const std::string name =
      label("slowloris, 1 byte/" + std::to_string(kTrickleEvery.count()) + " ms");
  const Seen before = seenBy(a, b);
  trickle(proxy.port, http, slowlorisLine, name);
  std::this_thread::sleep_for(kLateBytesWatch);
  noteSeen(http.slowloris, before, seenBy(a, b));
  const std::string cell = slowlorisCell(http);  // "408 after 1.00 s, backends got 0 bytes"
  const std::size_t comma = cell.find(',');
  slowlorisLine.finish(name + cell.substr(0, comma) + " (" + std::to_string(http.headSent) +
                       " of " + std::to_string(http.headSize) + " head bytes sent)" +
                       cell.substr(comma));
  if (routeMayWait(setup.part)) {
    ProgressLine waitingLine(out, live);
    http.waiting = waitTogether(proxy.port);
    waitingLine.finish(label("routes that sleep, at once") + waitingCell(*http.waiting));
  }
  run.http = http;
  if (!proxy.process->running() && run.endedEarly.empty()) {
    run.endedEarly = "exited during the tour: " + proxy.process->stop().describe();
  }
}

}  // namespace rsp::test
