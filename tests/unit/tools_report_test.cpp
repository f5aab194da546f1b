// tests/unit/tools_report_test.cpp — what the tools say about a body: sizes, durations and the
// slow client's report, on replies made up here, intact or with a hole in them.
#include <catch2/catch.hpp>
#include <string>

#include "made_up_reply.h"
#include "report.h"
#include "slowclient.h"

using namespace rsp::test;
using Catch::Matchers::Contains;
using std::chrono::milliseconds;

constexpr std::uint64_t kSize = 64 * 4096;  // 64 map cells of 4 KiB each

TEST_CASE("sizes and durations read as a person would say them", "[tools][report]") {
  CHECK(formatBytes(0) == "0 bytes");
  CHECK(formatBytes(1) == "1 byte");
  CHECK(formatBytes(1023) == "1023 bytes");
  CHECK(formatBytes(4096) == "4.0 KiB");
  CHECK(formatBytes(11534336) == "11.0 MiB");
  CHECK(formatBytes(3ull << 29) == "1.5 GiB");
  CHECK(formatKiB(212) == "212 KiB");
  CHECK(formatKiB(2048) == "2.0 MiB");
  CHECK(formatSeconds(milliseconds(4020)) == "4.02 s");
}

TEST_CASE("the slow client's report of an intact body", "[tools][report]") {
  const FetchResult intact = madeUpReply(kSize);
  const std::string report = slowClientReport(intact);
  CHECK_THAT(report, Contains("  reply        HTTP/1.0 200 OK\n"));
  CHECK_THAT(report, Contains("  received     262144 of 262144 bytes\n"));
  CHECK_THAT(report, Contains("  missing      0 bytes\n"));
  CHECK_THAT(report, Contains("  first wrong  none\n"));
  CHECK_THAT(report, Contains("  body map     [" + std::string(64, '#') + "]\n"));
  CHECK_THAT(report, Contains("1 cell = 4.0 KiB"));
  CHECK_THAT(report, Contains("  elapsed      1.23 s\n"));
  CHECK_THAT(report, Contains("  verdict      INTACT"));
  CHECK(exitStatusFor(intact) == 0);
}

TEST_CASE("the slow client's report shows where a hole is", "[tools][report]") {
  const FetchResult holed = madeUpReply(kSize, 16 * 4096, 32 * 4096);  // cells 16-31 lost
  const std::string report = slowClientReport(holed);
  CHECK_THAT(report, Contains("  received     196608 of 262144 bytes\n"));
  CHECK_THAT(report, Contains("  missing      65536 bytes\n"));
  // The line after the hole starts with the same ten zeros as the one expected at its start,
  // so the first wrong byte is the eleventh; and the checker finds its place again at the
  // first whole line after the hole. So the cells at the hole's edges show as partly lost.
  CHECK_THAT(report, Contains("  first wrong  offset 65546 (64.0 KiB into the body)\n"));
  const std::string map =
      std::string(16, '#') + "-" + std::string(15, '.') + "-" + std::string(31, '#');
  CHECK_THAT(report, Contains("  body map     [" + map + "]\n"));
  CHECK_THAT(report, Contains("BYTES LOST: 65536 of 262144, the first at offset 65546"));
  CHECK(exitStatusFor(holed) == 1);
}

TEST_CASE("the slow client's report when no reply came", "[tools][report]") {
  FetchResult refused;
  refused.error = "connect: Connection refused";
  const std::string report = slowClientReport(refused);
  CHECK_THAT(report, Contains("  reply        none\n"));
  CHECK_THAT(report, !Contains("body map"));
  CHECK_THAT(report, Contains("NO REPLY: could not connect (connect: Connection refused)"));
  CHECK(exitStatusFor(refused) == 1);
  FetchResult late = madeUpReply(kSize, kSize / 2, kSize);
  late.timedOut = true;
  CHECK_THAT(verdict(late), Contains("TIMED OUT"));
}
