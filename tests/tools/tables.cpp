// tests/tools/tables.cpp — the tables the tour ends with. See summary.h.
#include <algorithm>
#include <cstddef>

#include "report.h"
#include "summary.h"

namespace rsp::test {
namespace {

using Row = std::vector<std::string>;

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

std::string summaryTable(const std::vector<PartRun>& runs) {
  std::vector<Row> rows{{"part", "what it is", "4 clients took", "slow client got", "lost",
                         "peak memory", "as expected"}};
  for (const PartRun& run : runs) rows.push_back(rowFor(run));
  return formatRows(rows);
}

std::string lessonsTable(const std::vector<PartRun>& runs) {
  std::vector<Row> rows{
      {"part", "what it is", "idle clients", "3 backends, 1 stopped", "out of descriptors"}};
  for (const PartRun& run : runs) {
    if (!run.idleClients && !run.balancing && !run.outOfDescriptors) continue;
    rows.push_back({std::to_string(run.part), partTitle(run.part),
                    run.idleClients ? idleCell(*run.idleClients) : "-",
                    run.balancing ? balancingCell(*run.balancing) : "-",
                    run.outOfDescriptors ? descriptorsCell(*run.outOfDescriptors) : "-"});
  }
  return formatRows(rows);
}

std::string httpTable(const std::vector<PartRun>& runs) {
  std::vector<Row> rows{{"part", "what it is", "a browser's requests", "two sites, one port",
                         "smuggling (CL.TE)", "slowloris", "routes that sleep"}};
  for (const PartRun& run : runs) {
    if (!run.http) continue;
    rows.push_back({std::to_string(run.part), partTitle(run.part),
                    browsingCell(run.http->browsing), sitesCell(*run.http),
                    refusedCell(run.http->smuggling), slowlorisCell(*run.http),
                    run.http->waiting ? waitingCell(*run.http->waiting) : "-"});
  }
  return rows.size() == 1 ? std::string() : formatRows(rows);
}

std::string waitingCell(const WaitingRoutes& waiting) {
  const std::string asleep = std::to_string(waiting.requests) + " asleep " +
                             formatSeconds(waiting.sleep) + ": ";
  if (waiting.answered < waiting.requests) {
    return asleep + std::to_string(waiting.answered) + " answered";
  }
  return asleep + "all in " + formatSeconds(waiting.took);
}

std::string idleCell(const IdleClients& idle) {
  const std::string all = "all " + std::to_string(idle.clients);
  if (idle.closed == idle.clients) return all + " closed after " + formatSeconds(idle.lastClosed);
  if (idle.closed == 0) return all + " still open after " + formatSeconds(idle.watched);
  return std::to_string(idle.closed) + " of " + std::to_string(idle.clients) +
         " closed, the rest still open after " + formatSeconds(idle.watched);
}

std::string balancingCell(const Balancing& balancing) {
  return std::to_string(balancing.answered) + " of " + std::to_string(balancing.requests) +
         " answered";
}

std::string spread(const Balancing& balancing) {
  const auto counts = [](const std::map<std::string, int>& replies) {
    std::string text;
    for (const auto& [backend, count] : replies) {
      text += (text.empty() ? "" : ", ") + backend + " " + std::to_string(count);
    }
    return text.empty() ? std::string("none") : text;
  };
  return counts(balancing.before) + "; " + balancing.stopped + " stopped; " +
         counts(balancing.after);
}

std::string descriptorsCell(const OutOfDescriptors& crowd) {
  const std::string cpu = crowd.cpu < milliseconds(0) ? "? s" : formatSeconds(crowd.cpu);
  return cpu + " CPU, " + std::to_string(crowd.logLines) +
         (crowd.logLines == 1 ? " log line" : " log lines");
}

std::string browsingCell(const Browsing& browsing) {
  const auto count = [](std::uint64_t n, const char* what) {
    return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
  };
  std::string cell = count(browsing.requests, "request") + ": " +
                     count(browsing.clientConnections, "client connection") + ", " +
                     count(browsing.backendConnections, "backend connection");
  if (browsing.answered < browsing.requests) cell += "; " + count(browsing.answered, "answer");
  return cell;
}

std::string sitesCell(const HttpLesson& http) {
  std::string text;
  for (const SiteRequest& request : http.sites) {
    text += (text.empty() ? "" : ", ") + request.host + " " +
            (request.answeredBy.empty() ? "no answer" : request.answeredBy);
  }
  return text;
}

std::string refusedCell(const Refused& refused) {
  const std::string status = refused.status == 0 ? "no answer" : std::to_string(refused.status);
  std::string saw = "backends got " + formatBytes(refused.backendBytes);
  if (refused.backendConnections > 0) {
    saw += " on " + std::to_string(refused.backendConnections) +
           (refused.backendConnections == 1 ? " connection" : " connections");
  }
  return status + ", " + saw;
}

std::string slowlorisCell(const HttpLesson& http) {
  const std::string cell = refusedCell(http.slowloris);
  const std::size_t comma = cell.find(',');
  return cell.substr(0, comma) + " after " + formatSeconds(http.answeredAfter) + cell.substr(comma);
}

}  // namespace rsp::test
