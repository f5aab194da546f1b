// tests/tools/summary.cpp — see summary.h.
#include "summary.h"

#include <algorithm>
#include <cstddef>

#include "expectations.h"
#include "report.h"

namespace rsp::test {
namespace {

constexpr const char* kTitles[] = {"one-shot", "epoll loop",     "Lua config", "write queues",
                                   "timeouts", "load balancing", "limits"};
static_assert(sizeof kTitles / sizeof kTitles[0] == kParts, "a title for every part");

using Row = std::vector<std::string>;

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

std::string lostCell(const PatternChecker& body) {
  if (body.missing() == 0) return body.intact() ? "0" : "0 (damaged)";
  const std::uint64_t percent = body.expected() ? body.missing() * 100 / body.expected() : 0;
  return std::to_string(body.missing()) + " (" + std::to_string(percent) + "%)";
}

Row rowFor(const PartRun& run) {
  Row row{std::to_string(run.part), partTitle(run.part)};
  if (!run.cannotRun.empty()) {
    row.insert(row.end(), {"-", "not run", "-", "-"});
  } else {
    const PatternChecker& body = run.slowClient.body;
    row.push_back(formatSeconds(run.fourClients.took));
    row.push_back(run.slowClient.ok()
                      ? std::to_string(body.received()) + " of " + std::to_string(body.expected())
                      : "no reply");
    row.push_back(lostCell(body));
    row.push_back(run.memoryGrowthKiB < 0 ? "?" : "+" + formatKiB(run.memoryGrowthKiB));
  }
  row.push_back(problemsWith(run).empty() ? "yes" : "NO");
  return row;
}

std::string formatRows(const std::vector<Row>& rows) {
  std::vector<std::size_t> widths;
  for (const Row& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::string text;
  for (const Row& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line +=
          i + 1 < row.size() ? row[i] + std::string(widths[i] - row[i].size() + 2, ' ') : row[i];
    }
    text += line + "\n";
  }
  return text;
}

}  // namespace

std::string partTitle(int part) {
  return part >= 1 && part <= kParts ? kTitles[part - 1] : "part " + std::to_string(part);
}

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
  if (!run.endedEarly.empty()) problems.push_back("the proxy " + run.endedEarly);
  return problems;
}

std::string summaryTable(const std::vector<PartRun>& runs) {
  std::vector<Row> rows{{"part", "what it is", "4 clients took", "slow client got", "lost",
                         "peak memory", "as expected"}};
  for (const PartRun& run : runs) rows.push_back(rowFor(run));
  return formatRows(rows);
}

}  // namespace rsp::test
