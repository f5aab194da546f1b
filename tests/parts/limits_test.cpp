// tests/parts/limits_test.cpp — part 7's lesson: a proxy under pressure, and one you can
// operate. Out of descriptors it waits instead of spinning; at maxConnections new clients wait
// in the kernel's backlog; SIGTERM lets transfers in flight finish, for up to shutdownTimeout;
// SIGHUP reloads the config for new clients, and keeps the old one if the new one is broken
// (and the health of backends that stay); a SIGHUP during start-up waits for the loop.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <thread>
#include <vector>

#include "client.h"
#include "common/net.h"
#include "part_under_test.h"
#include "refused_start.h"

using namespace rsp::test;
using rsp::Fd;
using Clock = std::chrono::steady_clock;

namespace {

constexpr char kHalfRequest[] = "GET /bytes/100 HTTP/1.0\r\n";  // the blank line never comes
// From part 8 a half request has no backend yet (expectations.h): five pairs busy for 2 s, with
// a whole request that the backend is slow to answer.
constexpr char kBusyRequest[] = "GET /delay/2000 HTTP/1.0\r\n\r\n";

int lines(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

// A download on its own thread, read at 2 MB/s through a 16 KiB receive buffer.
class SlowDownload {
 public:
  SlowDownload(std::uint16_t port, std::uint64_t size)
      : thread_([this, port, size] {
          FetchOptions slow;
          slow.bytesPerSecond = 2'000'000;
          slow.receiveBuffer = 16 * 1024;
          slow.deadline = 30s;
          slow.onProgress = [this](std::uint64_t bodyBytes) { received_ = bodyBytes; };
          result_ = fetch(port, bytes(size), slow);
        }) {}

  bool started() {
    return eventually(5s, [&] { return received_ > 0; });
  }
  const FetchResult& finish() {
    if (thread_.joinable()) thread_.join();
    return result_;
  }

 private:
  std::atomic<std::uint64_t> received_{0};
  FetchResult result_;
  std::jthread thread_;  // last: it uses the members above
};

}  // namespace

namespace {

// The proxy's command, preloaded with tests/support/fault_shim.cpp set to `fault` (e.g.
// "del-once": its first EPOLL_CTL_DEL fails with ENOMEM). In the asan preset, ASan refuses to
// start unless its runtime is first in the list of libraries, which a preloaded one is ahead
// of: verify_asan_link_order=0, added to the options the test runs with, lets it start.
std::vector<std::string> withEpollFault(const std::string& fault) {
  const char* asan = std::getenv("ASAN_OPTIONS");
  return {"env", std::string("LD_PRELOAD=") + RSP_FAULT_SHIM, "RSP_FAULT_EPOLL_CTL=" + fault,
          std::string("ASAN_OPTIONS=") + (asan ? asan : "") + ":verify_asan_link_order=0"};
}

}  // namespace

TEST_CASE("an epoll_ctl that fails while accepting is one line and the proxy serves on",
          "[limits]") {
  TestBackend backend;
  // At maxConnections = 1 the first client's accept stops watching the listener: the first
  // EPOLL_CTL_DEL of the process (no health check runs to make one earlier), which fails.
  ProxySetup setup = setupFor(backend.port(), "maxConnections = 1\ncheckInterval = 0\n");
  setup.commandPrefix = withEpollFault("del-once");
  RunningProxy proxy = startProxy(setup);

  Fd first = connectClient(proxy.port);
  REQUIRE(sendText(first.get(), kHalfRequest));
  const bool logged = proxy.process->waitForErrors("accepting", 5s);
  INFO("stderr: " << proxy.process->errors());
  REQUIRE(logged);  // the fault hit where it was meant to
  REQUIRE(proxy.process->running());

  // A second client waits in the backlog while the first pair is open. The listener, which the
  // failed call left in the epoll set, reports it on every wait: the proxy must not spin on it
  // (idle, it uses next to no CPU; spinning, as much as the machine gives it).
  const Fd second = connectClient(proxy.port);
  REQUIRE(sendText(second.get(), "GET /bytes/1000 HTTP/1.0\r\n\r\n"));
  const double cpuBefore = cpuSeconds(proxy.pid());
  const Ending waiting = readUntilClosed(second.get(), 2s);
  const double cpu = cpuSeconds(proxy.pid()) - cpuBefore;
  INFO("over 2 s with a client waiting: " << cpu << " s of CPU");
  CHECK(waiting.received.empty());  // maxConnections still holds
  CHECK(cpu < 0.2);

  REQUIRE(sendText(first.get(), "\r\n"));  // the first client's request is complete
  const Ending firstServed = readUntilClosed(first.get(), 5s);
  CHECK(firstServed.closed);
  CHECK_THAT(firstServed.received, Catch::StartsWith(std::string(responseVersion(kPart)) + " 200 OK"));
  first.reset();  // the pair closes, and the second client's turn comes
  const Ending secondServed = readUntilClosed(second.get(), 5s);
  CHECK(secondServed.closed);
  CHECK_THAT(secondServed.received, Catch::StartsWith(std::string(responseVersion(kPart)) + " 200 OK"));
  FetchOptions patient;
  patient.deadline = 5s;
  for (int i = 0; i < 5; ++i) {
    const FetchResult next = fetch(proxy.port, bytes(1000), patient);
    INFO("client " << i + 3 << ": " << next.describe());
    CHECK(next.body.intact());
  }

  const std::string errors = proxy.process->errors();
  INFO("stderr: " << errors);
  CHECK(proxy.process->running());
  CHECK(linesContaining(errors, "epoll_ctl") == 1);  // the failure, and no other after it
}

TEST_CASE("out of descriptors the proxy waits quietly and serves again once clients leave",
          "[limits]") {
  // By default maxConnections keeps the proxy under its descriptor limit; set far above it, the
  // proxy runs out of descriptors for real (EMFILE), and must wait for one to free up.
  const std::string settings = GENERATE(as<std::string>{}, "", "maxConnections = 1000\n");
  INFO("settings: " << settings);
  TestBackend backend;
  ProxySetup setup = setupFor(backend.port(), settings);
  // In the asan preset, mind UBSan's vptr check: on a type it has not cached yet it probes the
  // object through a pipe(), which fails while the proxy is out of descriptors, and it reports
  // "invalid vptr" (part 4 dies of it in this test, in its first log line).
  setup.commandPrefix = {"prlimit", "--nofile=64:64", "--"};
  RunningProxy proxy = startProxy(setup);

  std::vector<Fd> idle;  // 40 pairs need 80 descriptors: more than fit
  for (int i = 0; i < 40; ++i) {
    idle.push_back(connectClient(proxy.port));
    REQUIRE(sendText(idle.back().get(), kHalfRequest));
  }
  std::this_thread::sleep_for(1s);  // the proxy takes what fits
  if (const auto ended = proxy.process->waitForExit(0ms)) {
    const std::string errors = proxy.process->errors();
    FAIL("the proxy " << ended->describe() << "; its log ends:\n"
                      << errors.substr(errors.size() - std::min<std::size_t>(errors.size(), 600)));
  }
  const double cpuBefore = cpuSeconds(proxy.pid());
  std::this_thread::sleep_for(3s);
  const double cpu = cpuSeconds(proxy.pid()) - cpuBefore;
  const std::string errors = proxy.process->errors();
  INFO("over 3 s: " << cpu << " s of CPU, " << lines(errors) << " log lines in all, "
                    << openFdCount(proxy.pid()) << " descriptors open, "
                    << backend.connectionsAccepted() << " clients passed on; the log begins:\n"
                    << errors.substr(0, 400));
  CHECK(backend.connectionsAccepted() < 40);
  CHECK(openFdCount(proxy.pid()) <= 64);
  CHECK(cpu < 0.5);
  CHECK(lines(errors) <= 5);
  CHECK_THAT(errors, Catch::Contains("descriptor limit 64"));

  idle.clear();  // the idle clients leave
  FetchOptions patient;
  patient.deadline = 10s;
  const FetchResult next = fetch(proxy.port, bytes(1000), patient);
  INFO(next.describe());
  CHECK(next.body.intact());
}

TEST_CASE("maxConnections = 5: a sixth client waits until one of five pairs closes", "[limits]") {
  TestBackend backend;
  RunningProxy proxy = startProxy(setupFor(backend.port(), "maxConnections = 5\n"));
  std::vector<Fd> five;
  for (int i = 0; i < 5; ++i) {
    five.push_back(connectClient(proxy.port));
    REQUIRE(sendText(five.back().get(), readsRequestHead(kPart) ? kBusyRequest : kHalfRequest));
  }
  REQUIRE(eventually(5s, [&] { return backend.connectionsAccepted() == 5; }));

  const Fd sixth = connectClient(proxy.port);  // its connect succeeds: the kernel queues it
  REQUIRE(sendText(sixth.get(), "GET /bytes/1000 HTTP/1.0\r\n\r\n"));
  const Ending waiting = readUntilClosed(sixth.get(), 1s);
  CHECK(waiting.received.empty());
  CHECK_FALSE(waiting.closed);
  CHECK(backend.connectionsAccepted() == 5);

  five.erase(five.begin());  // one pair closes (from part 8: when its backend has answered)
  const Ending served = readUntilClosed(sixth.get(), 5s);
  CHECK(served.closed);
  CHECK_THAT(served.received, Catch::StartsWith(std::string(responseVersion(kPart)) + " 200 OK"));
}

TEST_CASE("SIGTERM: new clients are refused at once and a download in flight completes",
          "[limits]") {
  TestBackend backend;
  RunningProxy proxy = startProxy(setupFor(backend.port()));
  SlowDownload download(proxy.port, 11 * kMiB);  // about 6 s
  REQUIRE(download.started());

  proxy.process->sendSignal(SIGTERM);
  const bool refused = eventually(1s, [&] { return !connectClient(proxy.port); });
  const FetchResult& result = download.finish();
  const auto status = proxy.process->waitForExit(10s);
  INFO(result.describe() << "; stderr: " << proxy.process->errors());
  CHECK(refused);
  CHECK(result.body.intact());
  REQUIRE(status.has_value());
  CHECK(status->exited);
  CHECK(status->code == 0);
  CHECK_THAT(proxy.process->errors(), Catch::Contains("shutting down"));
}

TEST_CASE("SIGTERM with shutdownTimeout = 1 cuts a long download at the deadline", "[limits]") {
  TestBackend backend;
  RunningProxy proxy = startProxy(setupFor(backend.port(), "shutdownTimeout = 1\n"));
  SlowDownload download(proxy.port, 11 * kMiB);  // about 6 s
  REQUIRE(download.started());

  const auto signalled = Clock::now();
  proxy.process->sendSignal(SIGTERM);
  std::this_thread::sleep_for(500ms);
  const bool waited = proxy.process->running();  // for the download, until the deadline
  const auto status = proxy.process->waitForExit(5s);
  const auto exitedAfter = std::chrono::duration_cast<milliseconds>(Clock::now() - signalled);
  // What the proxy had sent before it closed still arrives, from the kernel's buffers.
  const FetchResult& result = download.finish();
  INFO(result.describe() << "; the proxy exited " << exitedAfter.count()
                         << " ms after SIGTERM; stderr: " << proxy.process->errors());
  CHECK(waited);
  REQUIRE(status.has_value());
  CHECK(status->exited);
  CHECK(status->code == 0);
  CHECK(exitedAfter <= 4s);
  CHECK(result.body.received() < 11 * kMiB);
  CHECK_THAT(proxy.process->errors(), Catch::Contains("cut"));
}

TEST_CASE("a second SIGTERM stops the proxy at once and cuts what is in flight", "[limits]") {
  TestBackend backend;
  RunningProxy proxy = startProxy(setupFor(backend.port()));  // shutdownTimeout: 30 s
  SlowDownload download(proxy.port, 11 * kMiB);               // about 6 s
  REQUIRE(download.started());

  proxy.process->sendSignal(SIGTERM);
  REQUIRE(proxy.process->waitForErrors("shutting down", 5s));
  const bool waited = proxy.process->running();  // the first signal waits for the download
  const auto signalled = Clock::now();
  proxy.process->sendSignal(SIGTERM);
  const auto status = proxy.process->waitForExit(5s);
  const auto exitedAfter = std::chrono::duration_cast<milliseconds>(Clock::now() - signalled);
  const FetchResult& result = download.finish();
  INFO(result.describe() << "; exited " << exitedAfter.count() << " ms after the second signal; "
                         << "stderr: " << proxy.process->errors());
  CHECK(waited);
  REQUIRE(status.has_value());
  CHECK(status->exited);
  CHECK(status->code == 0);
  CHECK(exitedAfter < 2s);
  CHECK(result.body.received() < 11 * kMiB);
  CHECK_THAT(proxy.process->errors(), Catch::Contains("second signal"));
}

TEST_CASE("SIGHUP with another listenPort: one line says it waits for a restart", "[limits]") {
  TestBackend backend(0, "old");
  ProxySetup setup = setupFor(backend.port());
  RunningProxy proxy = startProxy(setup);
  const rsp::Listener taken = rsp::listenOn(0);  // a port that is surely not ours
  setup.listenPort = taken.port;
  proxy.dir->write(proxy.config.filename(), proxyConfig(setup));
  proxy.process->sendSignal(SIGHUP);
  REQUIRE(proxy.process->waitForErrors("reloaded", 5s));
  const std::string errors = proxy.process->errors();
  INFO("stderr: " << errors);
  CHECK(linesContaining(errors, "listenPort") == 1);
  CHECK(linesContaining(errors, std::to_string(taken.port)) == 1);
  const FetchResult result = fetch(proxy.port, bytes(100));  // still on the old port
  INFO(result.describe());
  CHECK(result.body.intact());
}

TEST_CASE("SIGHUP: new clients go to the new backend and a transfer in flight stays", "[limits]") {
  TestBackend oldBackend(0, "old"), newBackend(0, "new");
  ProxySetup setup = setupFor(oldBackend.port());
  RunningProxy proxy = startProxy(setup);
  SlowDownload download(proxy.port, 4 * kMiB);  // about 2 s
  REQUIRE(download.started());

  setup.backendPort = newBackend.port();
  proxy.dir->write(proxy.config.filename(), proxyConfig(setup));
  proxy.process->sendSignal(SIGHUP);
  REQUIRE(proxy.process->waitForErrors("reloaded", 5s));
  for (int i = 0; i < 5; ++i) {
    const FetchResult result = fetch(proxy.port, bytes(100));
    INFO("client " << i << ": " << result.describe());
    CHECK(result.header("X-Backend") == "new");
  }
  const FetchResult& inFlight = download.finish();
  INFO("in flight: " << inFlight.describe());
  CHECK(inFlight.body.intact());
  CHECK(inFlight.header("X-Backend") == "old");
}

TEST_CASE("SIGHUP with a broken config is one error line and the old config stays", "[limits]") {
  TestBackend backend(0, "old");
  RunningProxy proxy = startProxy(setupFor(backend.port()));
  proxy.dir->write(proxy.config.filename(), "listenPort = = 1\n");
  proxy.process->sendSignal(SIGHUP);
  REQUIRE(proxy.process->waitForErrors("reload failed", 5s));
  const FetchResult result = fetch(proxy.port, bytes(100));
  const std::string errors = proxy.process->errors();
  INFO(result.describe() << "; stderr: " << errors);
  CHECK(result.header("X-Backend") == "old");
  CHECK(linesContaining(errors, "reload failed") == 1);
  CHECK_THAT(errors, Catch::Contains("rsp.lua:1:"));  // the Lua error, with its line
  CHECK(proxy.process->running());
}

TEST_CASE("a bad maxConnections or shutdownTimeout is one line naming it", "[limits]") {
  const auto [setting, value] = GENERATE(table<std::string, std::string>({
      {"maxConnections", "0"},
      {"maxConnections", "2.5"},
      {"maxConnections", "'many'"},
      {"shutdownTimeout", "-1"},
      {"shutdownTimeout", "'later'"},
  }));
  checkConfigError("listenPort = 0\nbackendAddress = '127.0.0.1'\nbackendPort = 9\n" + setting +
                       " = " + value + "\n",
                   setting);
}

TEST_CASE("SIGHUP keeps a dead backend down: no client tries it again", "[limits]") {
  TestBackend b1(0, "b1");
  auto b2 = std::make_unique<TestBackend>(0, "b2");
  ProxySetup setup = setupFor(0, "checkInterval = 30\n");  // no check brings it back meanwhile
  setup.backendPorts = {b1.port(), b2->port()};
  RunningProxy proxy = startProxy(setup);
  b2.reset();
  for (int i = 0; i < 4; ++i) CHECK(fetch(proxy.port, bytes(100)).body.intact());
  REQUIRE(proxy.process->waitForErrors("is down", 2s));
  proxy.process->sendSignal(SIGHUP);  // the same file: b2 stays in the config
  REQUIRE(proxy.process->waitForErrors("reloaded", 5s));
  for (int i = 0; i < 6; ++i) {
    const FetchResult result = fetch(proxy.port, bytes(100));
    INFO("client " << i << " after the reload: " << result.describe());
    CHECK(result.header("X-Backend") == "b1");
  }
  const std::string errors = proxy.process->errors();
  INFO("stderr: " << errors);
  CHECK(linesContaining(errors, "is down") == 1);  // before: again after the reload
}

namespace {

// Opens the FIFO at `path` for writing once a reader has it open (before that: ENXIO); an
// invalid Fd if no reader came within 10 s.
Fd openFifoWriter(const std::string& path) {
  for (auto end = Clock::now() + 10s; Clock::now() < end; std::this_thread::sleep_for(1ms)) {
    Fd fifo(::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC));
    if (!fifo) continue;
    ::fcntl(fifo.get(), F_SETFL, 0);
    return fifo;
  }
  return Fd();
}

bool writeAll(const Fd& fd, const std::string& text) {
  return ::write(fd.get(), text.data(), text.size()) == static_cast<ssize_t>(text.size());
}

}  // namespace

TEST_CASE("a SIGHUP during start-up waits for the loop instead of killing the proxy", "[limits]") {
  TestBackend backend(0, "b1");
  const TempDir dir;
  // A config file that is a FIFO holds the proxy inside loadConfig(), before the loop reads
  // signals, until the test writes the file: the moment to send SIGHUP.
  const std::string path = (dir.path() / "rsp.lua").string();
  REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
  const std::string config = proxyConfig(setupFor(backend.port()));
  ChildProcess proxy({kPartBinary, path});
  Fd writer = openFifoWriter(path);
  REQUIRE(writer);  // opened at both ends: the proxy is reading its config
  proxy.sendSignal(SIGHUP);
  std::this_thread::sleep_for(100ms);
  const bool alive = proxy.running();
  INFO("stderr: " << proxy.errors());
  CHECK(alive);  // before: killed by the SIGHUP
  if (!alive) return;
  REQUIRE(writeAll(writer, config));
  writer.reset();  // the end of the file
  const auto port = proxy.waitForStarted(10s);
  REQUIRE(port.has_value());
  writer = openFifoWriter(path);  // the reload that SIGHUP asked for reads the file again
  REQUIRE(writer);
  REQUIRE(writeAll(writer, config));
  writer.reset();
  CHECK(proxy.waitForErrors("reloaded", 5s));
  const FetchResult result = fetch(*port, bytes(100));
  INFO(result.describe());
  CHECK(result.body.intact());
}

TEST_CASE("SIGHUP with a config that loops is one line and the running config stays",
          "[lua-bounds]") {
  TestBackend backend(0, "old");
  RunningProxy proxy = startProxy(setupFor(backend.port()));
  proxy.dir->write(proxy.config.filename(), "listenPort = 0\nwhile true do end\n");
  const auto sent = Clock::now();
  proxy.process->sendSignal(SIGHUP);
  const bool failed = proxy.process->waitForErrors("reload failed", 5s);
  const auto took = std::chrono::duration_cast<milliseconds>(Clock::now() - sent);
  const std::string errors = proxy.process->errors();
  INFO("stderr: " << errors);
  UNSCOPED_INFO("the reload " << (failed ? "failed after " : "had not failed after ")
                              << took.count() << " ms");
  REQUIRE(failed);
  CHECK_THAT(errors, Catch::Contains("luaTimeLimit"));
  const FetchResult result = fetch(proxy.port, bytes(100));
  INFO(result.describe());
  CHECK(result.header("X-Backend") == "old");
  CHECK(proxy.process->running());
}
