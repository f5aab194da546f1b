// tests/unit/tools_arguments_test.cpp — the tools' command lines: sizes, durations, loopback
// URLs, and rsp-slowclient's options, including what a reader is told when one is wrong.
#include <catch2/catch.hpp>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "arguments.h"
#include "slowclient.h"

using namespace rsp::test;
using Catch::Matchers::Contains;
using std::chrono::milliseconds;

namespace {

struct Parsed {
  std::optional<int> status;
  std::string out, err;
  SlowClientCommandLine line;
};

// Parses an rsp-slowclient command line the way its main() does.
Parsed parseSlowClient(std::vector<const char*> args) {
  args.insert(args.begin(), "rsp-slowclient");
  CLI::App app;
  Parsed parsed;
  addSlowClientOptions(app, parsed.line);
  std::ostringstream out, err;
  parsed.status = parseCommandLine(app, static_cast<int>(args.size()), args.data(), out, err);
  parsed.out = out.str();
  parsed.err = err.str();
  return parsed;
}

}  // namespace

TEST_CASE("sizes are whole bytes with an optional k, M or G, powers of 1024", "[tools][args]") {
  CHECK(parseByteCount("0") == 0);
  CHECK(parseByteCount("4096") == 4096);
  CHECK(parseByteCount("64k") == 65536);
  CHECK(parseByteCount("64K") == 65536);
  CHECK(parseByteCount("2M") == 2 * 1024 * 1024);
  CHECK(parseByteCount("1G") == 1024 * 1024 * 1024);
  for (const char* bad :
       {"", "k", "2X", "-1", "1.5M", "2 M", "2MB", "99999999999999999999", "20000000000G"}) {
    INFO(bad);
    CHECK_THROWS_AS(parseByteCount(bad), std::invalid_argument);
  }
  CHECK_THROWS_WITH(parseByteCount("2X"), Contains("such as 4096, 64k or 2M"));
}

TEST_CASE("durations carry their unit, ms or s", "[tools][args]") {
  CHECK(parseDuration("500ms") == milliseconds(500));
  CHECK(parseDuration("1s") == milliseconds(1000));
  CHECK(parseDuration("1.5s") == milliseconds(1500));
  CHECK(parseDuration("0") == milliseconds(0));
  for (const char* bad : {"", "1", "s", "-1s", "2h", "1 s", "infs", "3601s"}) {
    INFO(bad);
    CHECK_THROWS_AS(parseDuration(bad), std::invalid_argument);
  }
  CHECK_THROWS_WITH(parseDuration("1"), Contains("500ms or 1s"));
}

TEST_CASE("URLs name a host on loopback, a port and a path", "[tools][args]") {
  const Url url = parseUrl("http://127.0.0.1:8000/bytes/11534336");
  CHECK(url.host == "127.0.0.1");
  CHECK(url.port == 8000);
  CHECK(url.path == "/bytes/11534336");
  CHECK_FALSE(url.ipv6);
  CHECK(parseUrl("http://localhost/bytes/1").port == 80);
  CHECK(parseUrl("http://127.0.0.1:9").path == "/");
  const Url v6 = parseUrl("http://[::1]:8000/bytes/1");
  CHECK(v6.host == "::1");
  CHECK(v6.ipv6);
  CHECK(v6.port == 8000);
}

TEST_CASE("URLs off this machine, or malformed, are refused", "[tools][args]") {
  for (const char* remote : {"http://example.com/bytes/1", "http://10.0.0.1:80/", "http://[::2]/",
                             "http://127.0.0.2:80/", "http://0.0.0.0:80/"}) {
    INFO(remote);
    CHECK_THROWS_WITH(parseUrl(remote), Contains("refusing host") && Contains("127.0.0.1"));
  }
  for (const char* bad : {"https://127.0.0.1/", "127.0.0.1:80/bytes/1", "http://", "http://:80/",
                          "http://127.0.0.1:0/", "http://127.0.0.1:70000/", "http://::1:80/",
                          "http://[::1/", "http://[::1]x/", "http://127.0.0.1:80x/"}) {
    INFO(bad);
    CHECK_THROWS_AS(parseUrl(bad), std::invalid_argument);
  }
}

TEST_CASE("the slow client needs a /bytes/N path it can check", "[tools][args]") {
  CHECK(patternBytesIn("/bytes/11534336") == 11534336);
  CHECK(patternBytesIn("/bytes/0") == 0);
  for (const char* bad : {"/", "/bytes/", "/bytes/x", "/bytes/12x", "/delay/1000", "/bytes/-1"}) {
    INFO(bad);
    CHECK_THROWS_WITH(patternBytesIn(bad), Contains("/bytes/N"));
  }
}

TEST_CASE("rsp-slowclient's defaults reproduce the test suite's slow client", "[tools][args]") {
  const Parsed parsed = parseSlowClient({"http://127.0.0.1:8000/bytes/4096"});
  REQUIRE_FALSE(parsed.status);
  const SlowClientRequest request = toRequest(parsed.line);
  CHECK(request.url.port == 8000);
  CHECK(request.options.bytesPerSecond == 0);
  CHECK(request.options.pauseBeforeReading == milliseconds(1000));
  CHECK(request.options.receiveBuffer == 4096);
  CHECK(request.options.deadline == milliseconds(60000));
  CHECK(describeRequest(request) ==
        "rsp-slowclient: GET /bytes/4096 from 127.0.0.1:8000\n"
        "  4.0 KiB receive buffer, waits 1.00 s before reading, then reads as fast as the data "
        "comes\n");
}

TEST_CASE("rsp-slowclient's options are parsed and checked", "[tools][args]") {
  const Parsed parsed = parseSlowClient({"http://[::1]:9/bytes/1", "--rate", "2M", "--pause",
                                         "500ms", "--rcvbuf", "8k", "--timeout", "10s"});
  REQUIRE_FALSE(parsed.status);
  const SlowClientRequest request = toRequest(parsed.line);
  CHECK(request.options.ipv6);
  CHECK(request.options.bytesPerSecond == 2 * 1024 * 1024);
  CHECK(request.options.pauseBeforeReading == milliseconds(500));
  CHECK(request.options.receiveBuffer == 8192);
  CHECK(request.options.deadline == milliseconds(10000));
  CHECK_THAT(describeRequest(request), Contains("from [::1]:9") && Contains("at most 2.0 MiB/s"));
}

TEST_CASE("rsp-slowclient's usage errors exit 2 and say what is wrong", "[tools][args]") {
  const Parsed badRate = parseSlowClient({"http://127.0.0.1:8000/bytes/1", "--rate", "fast"});
  CHECK(badRate.status == 2);
  CHECK_THAT(badRate.err, Contains("--rate") && Contains("\"fast\""));
  const Parsed remote = parseSlowClient({"http://example.com:8000/bytes/1"});
  CHECK(remote.status == 2);
  CHECK_THAT(remote.err, Contains("refusing host \"example.com\""));
  CHECK(parseSlowClient({}).status == 2);
  CHECK(parseSlowClient({"http://127.0.0.1:8000/bytes/1", "--rcvbuf", "4G"}).status == 2);
}

TEST_CASE("rsp-slowclient --help explains the units and the exit status", "[tools][args]") {
  const Parsed help = parseSlowClient({"--help"});
  CHECK(help.status == 0);
  CHECK_THAT(help.out, Contains("--rate") && Contains("--pause") && Contains("--rcvbuf") &&
                           Contains("power of 1024") && Contains("Exit status"));
}
