// tests/tools/lessons.cpp — see lessons.h.
#include "lessons.h"

#include <map>
#include <sstream>
#include <thread>
#include <vector>

#include "backend.h"
#include "client.h"
#include "expectations.h"
#include "idle_clients.h"
#include "interrupt.h"
#include "report.h"

namespace rsp::test {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr char kSmallPath[] = "/bytes/1000";  // what the other clients ask for
constexpr int kIdleClients = 10;
constexpr milliseconds kIdleTimeout = 1s;  // set for the parts that have one
constexpr milliseconds kIdleWatch = 2500ms;

constexpr int kBalancedRequests = 24;  // half of them before a backend stops, half after

constexpr int kPairsThatFit = 20;  // pairs the proxy has descriptors left for
constexpr int kCrowd = 30;         // idle clients: ten more than fit
constexpr milliseconds kCrowdWatch = 2s;
constexpr std::size_t kLogKept = 64 * 1024;  // of the log lines a flooding part writes
constexpr milliseconds kServedAfterWithin = 3s;

milliseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start);
}

// True if a client is served a whole reply to `path` within 5 s; `reply` says what came.
bool served(std::uint16_t port, const std::string& path, FetchResult& reply) {
  FetchOptions options;
  options.deadline = 5s;
  reply = fetch(port, path, options);
  return reply.ok() && reply.body.intact();
}

// True if a client is served within `limit`, trying again every 100 ms.
bool servedWithin(milliseconds limit, std::uint16_t port, FetchResult& reply) {
  for (const auto start = Clock::now();; std::this_thread::sleep_for(100ms)) {
    if (served(port, kSmallPath, reply)) return true;
    if (since(start) >= limit) return false;
  }
}

// Watches the proxy for kCrowdWatch: the CPU time it uses and the lines it logs meanwhile.
void watchCrowd(RunningProxy& proxy, OutOfDescriptors& crowd, ProgressLine& line,
                const std::string& name) {
  const milliseconds cpuAtStart = cpuTime(proxy.pid());
  const std::uint64_t linesAtStart = proxy.process->errorLines();
  const auto start = Clock::now();
  while (since(start) < kCrowdWatch) {
    std::this_thread::sleep_for(100ms);
    crowd.window = since(start);
    const milliseconds cpu = cpuTime(proxy.pid());
    crowd.cpu = cpu < 0ms || cpuAtStart < 0ms ? -1ms : cpu - cpuAtStart;
    crowd.logLines = proxy.process->errorLines() - linesAtStart;
    line.update(name + formatSeconds(crowd.window) + ": " + descriptorsCell(crowd));
  }
}

// After a lesson: a proxy that exited meanwhile makes the part fail, with how it ended.
void noteEnding(RunningProxy& proxy, PartRun& run) {
  if (!proxy.process->running() && run.endedEarly.empty()) {
    run.endedEarly = "exited during the tour: " + proxy.process->stop().describe();
  }
}

void watchIdleClients(const std::vector<Fd>& clients, IdleClients& idle, ProgressLine& line) {
  std::vector<bool> closed(clients.size(), false);
  const auto start = Clock::now();  // the clients have just sent their half request
  while (idle.closed < idle.clients && since(start) < kIdleWatch) {
    for (std::size_t i = 0; i < clients.size(); ++i) {
      if (closed[i] || !closedByPeer(clients[i].get())) continue;
      closed[i] = true;
      idle.lastClosed = since(start);
      if (idle.closed++ == 0) idle.firstClosed = idle.lastClosed;
    }
    line.update(label(std::to_string(idle.clients) + " idle clients") +
                formatSeconds(since(start)) + ", " + std::to_string(idle.closed) + " closed");
    std::this_thread::sleep_for(20ms);
  }
  idle.watched = since(start);
}

}  // namespace

std::string lessonsIntro() {
  std::ostringstream out;
  out << "Parts 4-7 then meet the lessons of parts 5-7, each on a fresh start of the part:\n"
      << "  - " << kIdleClients
      << " clients send half a request, then nothing (idleTimeout = " << kIdleTimeout.count() / 1000
      << " where there is one);\n"
      << "  - parts 6 and 7: " << kBalancedRequests << " requests over three backends, b1, b2 "
      << "and b3; b2 is stopped after " << kBalancedRequests / 2 << ";\n"
      << "  - parts 4 and 7: " << kCrowd << " idle clients when the descriptors of only "
      << kPairsThatFit << " more pairs are\n    left (prlimit): for " << formatSeconds(kCrowdWatch)
      << " the tour counts the proxy's CPU time and log lines,\n"
      << "    then the idle clients leave, and a new client must be served.\n\n";
  return out.str();
}

void runIdleClients(PartRun& run, ProxySetup setup, ProgressLine& line) {
  IdleClients idle;
  idle.clients = kIdleClients;
  std::string setting = "no idleTimeout";
  if (closesIdlePairs(setup.part)) {
    idle.idleTimeout = kIdleTimeout;
    setting = "idleTimeout = " + std::to_string(kIdleTimeout.count() / 1000);
    setup.extraConfig = setting + "\n";
  }
  RunningProxy proxy = startProxy(setup);  // its destructor stops it, also on a throw
  const WatchedChild watched(proxy.pid());
  watchIdleClients(openIdleClients(proxy.port, kIdleClients), idle, line);
  line.finish(label(std::to_string(idle.clients) + " idle clients") + idleCell(idle) + " (" +
              setting + ")");
  run.idleClients = idle;
  noteEnding(proxy, run);
}

void runBalancing(PartRun& run, ProxySetup setup, ProgressLine& line) {
  TestBackend b1(0, "b1"), b2(0, "b2"), b3(0, "b3");
  Balancing balancing{.backends = {"b1", "b2", "b3"}, .stopped = "b2"};
  setup.backendPorts = {b1.port(), b2.port(), b3.port()};
  RunningProxy proxy = startProxy(setup);
  const WatchedChild watched(proxy.pid());
  const std::string name = label("3 backends, b2 stopped");
  for (int i = 0; i < kBalancedRequests; ++i) {
    if (i == kBalancedRequests / 2) b2.stop();
    std::map<std::string, int>& replies =
        i < kBalancedRequests / 2 ? balancing.before : balancing.after;
    FetchResult reply;
    if (served(proxy.port, kSmallPath, reply)) {
      ++balancing.answered;
      ++replies[reply.header("X-Backend")];
    } else if (balancing.firstFailure.empty()) {
      balancing.firstFailure = reply.describe();
    }
    ++balancing.requests;
    line.update(name + spread(balancing));
  }
  line.finish(name + spread(balancing) + ": " + balancingCell(balancing));
  run.balancing = balancing;
  noteEnding(proxy, run);
}

void runOutOfDescriptors(PartRun& run, ProxySetup setup, ProgressLine& line) {
  RunningProxy proxy = startProxy(setup);
  const WatchedChild watched(proxy.pid());
  limitDescriptors(proxy.pid(), 2 * kPairsThatFit);
  OutOfDescriptors crowd{.clients = kCrowd};
  proxy.process->keepErrorsUpTo(kLogKept);  // part 4 logs megabytes: count them, keep a few
  const std::string name =
      label(std::to_string(kCrowd) + " idle clients, " + std::to_string(kPairsThatFit) + " fit");
  {
    const std::vector<Fd> clients = openIdleClients(proxy.port, kCrowd);
    watchCrowd(proxy, crowd, line, name);
  }  // the idle clients leave here, and free their descriptors in the proxy
  FetchResult reply;
  crowd.servedAfter = servedWithin(kServedAfterWithin, proxy.port, reply);
  if (!crowd.servedAfter) crowd.failure = reply.describe();
  line.finish(name + "in " + formatSeconds(crowd.window) + ": " + descriptorsCell(crowd) +
              (crowd.servedAfter ? "; then a new client is served" : "; then a new client is not"));
  run.outOfDescriptors = crowd;
  noteEnding(proxy, run);
}

}  // namespace rsp::test
