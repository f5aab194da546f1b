// tests/tools/report.cpp — see report.h.
#include "report.h"

#include <algorithm>
#include <cstdio>

namespace rsp::test {

std::string formatBytes(std::uint64_t bytes) {
  constexpr const char* kUnits[] = {"KiB", "MiB", "GiB"};
  if (bytes < 1024) return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
  double value = static_cast<double>(bytes) / 1024;
  int unit = 0;
  for (; value >= 1024 && unit < 2; ++unit) value /= 1024;
  char text[32];
  std::snprintf(text, sizeof text, "%.1f %s", value, kUnits[unit]);
  return text;
}

std::string formatKiB(std::int64_t kib) {
  if (kib > -1024 && kib < 1024) return std::to_string(kib) + " KiB";
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(kib) / 1024);
  return text;
}

std::string formatSeconds(std::chrono::milliseconds elapsed) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f s", static_cast<double>(elapsed.count()) / 1000);
  return text;
}

std::string bodyMap(const PatternChecker& body, std::size_t cells) {
  return "[" + body.map(cells) + "]";
}

std::string mapLegend(const PatternChecker& body, std::size_t cells) {
  return "1 cell = " + formatBytes(body.expected() / cells) +
         ":  # arrived intact   - partly lost   . lost entirely";
}

std::string label(const std::string& text) {
  const std::string indented = "  " + text;
  return indented + std::string(kLabelWidth - std::min(kLabelWidth, indented.size()), ' ');
}

std::string verdict(const FetchResult& result) {
  const PatternChecker& body = result.body;
  if (!result.connected) return "NO REPLY: could not connect (" + result.error + ")";
  if (result.statusLine.empty()) return "NO REPLY: the connection closed before a reply came";
  if (!result.ok()) return "NO REPLY: the reply was \"" + result.statusLine + "\", not 200 OK";
  if (body.intact()) return "INTACT: every byte arrived, in order";
  if (result.timedOut) return "TIMED OUT after " + formatSeconds(result.elapsed);
  if (body.missing() > 0) {
    const auto first = body.firstBadOffset();
    return "BYTES LOST: " + std::to_string(body.missing()) + " of " +
           std::to_string(body.expected()) +
           (first ? ", the first at offset " + std::to_string(*first) : std::string());
  }
  return "DAMAGED: " + body.summary();
}

}  // namespace rsp::test
