// tests/unit/tools_demo_test.cpp — rsp-demo's verdicts: a part passes when it behaves as the
// table in expectations.h says its post promises (parts 2 and 3 losing bytes included), and
// fails, by name, otherwise. Checked on results made up here; and rsp-demo --help.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "made_up_reply.h"
#include "process.h"
#include "summary.h"

using namespace rsp::test;
using Catch::Matchers::Contains;
using std::chrono::milliseconds;

namespace {

constexpr std::uint64_t kSize = 64 * 4096;  // 64 map cells of 4 KiB each

PartRun runOf(int part, milliseconds took, FetchResult slow) {
  PartRun run;
  run.part = part;
  run.fourClients.took = took;
  run.fourClients.answered = kFourClients;
  run.slowClient = std::move(slow);
  run.memoryGrowthKiB = 300;
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
