// tests/parts/slow_writes_test.cpp — part 4's lesson: slow peers get every byte, in both
// directions, and the proxy's memory stays bounded while they take their time, and is given
// back once a queue has drained.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "client.h"
#include "part_under_test.h"

using namespace rsp::test;

namespace {

// The allocator keeps freed blocks for reuse, so a queue given back would still count in the
// proxy's resident memory. These settings make it return blocks of 16 KiB and up to the kernel
// at once (glibc), and keep none aside (AddressSanitizer's quarantine in the asan preset), so
// that what the proxy still holds is what resident memory shows.
std::vector<std::string> allocatorGivesBack() {
  const char* asan = std::getenv("ASAN_OPTIONS");
  return {"env", "GLIBC_TUNABLES=glibc.malloc.mmap_threshold=16384",
          std::string("ASAN_OPTIONS=") + (asan ? asan : "") +
              ":quarantine_size_mb=0:allocator_release_to_os_interval_ms=0"};
}

}  // namespace

TEST_CASE("20 slow clients get every byte of 11 MiB, in bounded memory", "[slow-writes]") {
  TestBackend backend;
  ProxySetup setup = setupFor(backend.port());
  setup.commandPrefix = allocatorGivesBack();  // resident memory shows what the proxy holds
  RunningProxy proxy = startProxy(setup);
  const std::int64_t idleKiB = residentKiB(proxy.pid());
  FetchOptions slow;
  slow.bytesPerSecond = 2'000'000;
  slow.receiveBuffer = 16 * 1024;
  slow.deadline = 60s;
  auto download = std::async(std::launch::async,
                             [&] { return fetchAtOnce(proxy.port, bytes(11 * kMiB), 20, slow); });
  // What the proxy holds while the clients take their time, every 100 ms (returned to the
  // kernel as soon as it is freed: allocatorGivesBack()).
  std::vector<std::int64_t> samplesKiB;
  while (download.wait_for(100ms) != std::future_status::ready) {
    samplesKiB.push_back(residentKiB(proxy.pid()) - idleKiB);
  }
  const std::vector<FetchResult> results = download.get();
  for (const FetchResult& result : results) {
    INFO(result.describe());
    CHECK(result.body.intact());
  }
  // Without backpressure the proxy would read each 11 MiB response from the fast backend at
  // once and hold it: 20 x 11 MiB. With it, each pair holds a few tens of KiB.
  const std::int64_t growthKiB = peakResidentKiB(proxy.pid()) - idleKiB;
  INFO("idle " << idleKiB << " KiB, peak growth " << growthKiB << " KiB");
  CHECK(growthKiB < 9 * 1024);
  // And a flow whose client is behind reads only what fits under kHighWater, 16 KiB, and gives
  // its queue's block back each time it empties. For most of the download (the median sample)
  // the proxy then holds about 16 KiB per client and its 64 KiB read chunk on the stack, about
  // half a MiB; with queues of up to 64 KiB, kept in their largest block until the flow went
  // quiet, it held 1.4 MiB. (The peak also counts the first short write of each flow, which may
  // leave most of a 64 KiB chunk queued, for all twenty at about the same time.)
  REQUIRE(samplesKiB.size() >= 10);
  const auto middle = samplesKiB.begin() + static_cast<std::ptrdiff_t>(samplesKiB.size() / 2);
  std::nth_element(samplesKiB.begin(), middle, samplesKiB.end());
  INFO("median growth during the download " << *middle << " KiB");
#if !defined(__SANITIZE_ADDRESS__)  // its allocator keeps freed blocks: resident memory only grows
  CHECK(*middle < 1024);
#endif
  CHECK(proxy.process->running());
}

TEST_CASE("an 8 MiB upload to a backend that reads slowly arrives byte-exact", "[slow-writes]") {
  PartUnderTest part;
  FetchOptions upload;
  upload.uploadBytes = 8 * kMiB;
  upload.deadline = 60s;
  // The backend reads 8 MB/s, so the client has to wait for it: the proxy queues toward the
  // backend, stops reading the client at its high-water mark, and loses nothing.
  const FetchResult result = fetch(part.port(), "/sum?rate=8000000", upload);
  INFO(result.describe());
  CHECK(result.ok());
  CHECK(result.text == sumReply(8 * kMiB, result.uploadChecksum));
}

namespace {

// Plays the backends of idle pairs by hand: sends `size` bytes on each toward a client that
// does not read (so every kernel buffer on the way fills, then the proxy's queue, and then
// backpressure stops it reading), then lets the clients read them all. Afterwards every socket
// stays open and nothing moves: idle pairs that once had full queues. False if the bytes did
// not all get through within 30 s.
// Reads a response head, up to its blank line, within 5 s.
bool readHead(int fd) {
  std::string head;
  const GiveUp giveUp{std::chrono::steady_clock::now() + 5s};
  while (!head.ends_with("\r\n\r\n")) {
    char c = 0;
    if (!waitFor(fd, POLLIN, giveUp) || ::recv(fd, &c, 1, 0) != 1) return false;
    head.push_back(c);
  }
  return true;
}

bool fillAndDrain(const std::vector<rsp::Fd>& backends, const std::vector<rsp::Fd>& clients,
                  std::size_t size) {
  const std::string block(size, 'x');
  std::vector<std::size_t> sent(backends.size()), received(backends.size());
  char sink[65536];
  const auto stopFilling = std::chrono::steady_clock::now() + 500ms;
  const auto end = std::chrono::steady_clock::now() + 90s;  // 400 MiB, ASan, a loaded machine
  for (bool done = false; !done && std::chrono::steady_clock::now() < end;) {
    done = true;
    const bool reading = std::chrono::steady_clock::now() >= stopFilling;
    for (std::size_t i = 0; i < backends.size(); ++i) {
      if (sent[i] < size) {
        const ssize_t n =
            ::send(backends[i].get(), block.data() + sent[i], size - sent[i], MSG_DONTWAIT);
        if (n > 0) sent[i] += static_cast<std::size_t>(n);
      }
      for (ssize_t n = 1; reading && n > 0;) {
        n = ::recv(clients[i].get(), sink, sizeof sink, MSG_DONTWAIT);
        if (n > 0) received[i] += static_cast<std::size_t>(n);
      }
      done = done && received[i] == size;
    }
    std::this_thread::sleep_for(2ms);
  }
  for (std::size_t i = 0; i < backends.size(); ++i) {
    if (received[i] != size) return false;
  }
  return true;
}

// A client with a small receive buffer, so that what it does not read soon queues in the proxy.
rsp::Fd connectSmallClient(std::uint16_t port) {
  rsp::Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  const int size = 4096;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) fd.reset();
  return fd;
}

}  // namespace

TEST_CASE("50 idle pairs that once had full queues hold no queue memory", "[slow-writes]") {
  std::uint16_t backendPort = 0;
  const rsp::Fd listener = listenOnLoopback(0, &backendPort);
  ProxySetup setup = setupFor(backendPort);
  setup.commandPrefix = allocatorGivesBack();
  RunningProxy proxy = startProxy(setup);
  constexpr int kPairs = 50;
  std::vector<rsp::Fd> clients;
  std::vector<rsp::Fd> backends;
  // Open every pair first, idle, so that what is measured after is only the queues' memory.
  for (int i = 0; i < kPairs; ++i) {
    clients.push_back(connectSmallClient(proxy.port));
    REQUIRE(clients.back());
    // From part 8 the proxy connects once it has a request's head; the bytes below are the reply.
    if (readsRequestHead(kPart)) REQUIRE(sendText(clients.back().get(), "GET / HTTP/1.0\r\n\r\n"));
    REQUIRE(waitFor(listener.get(), POLLIN, GiveUp{std::chrono::steady_clock::now() + 5s}));
    backends.emplace_back(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
    REQUIRE(backends.back());
    // From part 9 the proxy reads a response's head before it passes on a byte: the bytes
    // below are its body, until the close. The client reads the head the proxy wrote now.
    if (writesResponseHead(kPart)) {
      REQUIRE(sendText(backends.back().get(), "HTTP/1.0 200 OK\r\n\r\n"));
      REQUIRE(readHead(clients.back().get()));
    }
  }
  std::this_thread::sleep_for(200ms);
  const std::int64_t beforeKiB = residentKiB(proxy.pid());
  // 8 MiB each: more than the kernel's buffers on the way hold, so the proxy's queues fill.
  REQUIRE(fillAndDrain(backends, clients, 8 * kMiB));
  std::this_thread::sleep_for(200ms);
  const std::int64_t growthKiB = residentKiB(proxy.pid()) - beforeKiB;
  const std::int64_t peakKiB = peakResidentKiB(proxy.pid()) - beforeKiB;
  // A queue that kept its capacity once empty would hold tens of KiB per pair (about 3.5 MiB
  // here before part 4 gave it back), all of the peak.
  INFO("resident memory grew by " << growthKiB << " KiB for " << kPairs << " idle pairs (peak "
                                  << peakKiB << " KiB)");
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer's allocator keeps freed blocks in free lists of its own instead of giving
  // them to the kernel, so resident memory cannot fall to the idle level. What shows is that it
  // fell from the peak: the queues' memory was given back (kept, it would all still be there).
  // Queues of 16 KiB come from its small size classes, whose pages it gives back only when
  // whole: it falls by a fifth to two fifths here.
  CHECK(growthKiB < peakKiB * 9 / 10);
#else
  CHECK(growthKiB < 1024);
#endif
  CHECK(proxy.process->running());
}
