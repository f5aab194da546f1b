// tests/tools/slowclient.cpp — see slowclient.h.
#include "slowclient.h"

#include <charconv>
#include <climits>
#include <iomanip>
#include <sstream>
#include <stdexcept>

#include "report.h"

namespace rsp::test {
namespace {

constexpr char kDescription[] =
    "rsp-slowclient: a slow HTTP client that checks every byte of a /bytes/N reply.\n\n"
    "It sends GET /bytes/N to a proxy (or rsp-backend) on this machine, waits --pause before\n"
    "reading, with a receive buffer of --rcvbuf bytes, then reads at most --rate bytes a\n"
    "second. It checks the body against rsp-backend's pattern and prints what arrived, what\n"
    "is missing, the first wrong offset, and a map of the body that shows where the holes are.\n\n"
    "Sizes and rates take a suffix k, M or G, each a power of 1024: 64k = 65536 bytes,\n"
    "2M = 2097152 bytes. Durations take a unit: 500ms, 1s, 1.5s.\n";

constexpr char kFooter[] =
    "Exit status: 0 if the body arrived intact; 1 if bytes were lost or wrong, or no reply\n"
    "came; 2 for a usage error.";

void checkUrl(const std::string& text) { patternBytesIn(parseUrl(text).path); }
void checkSize(const std::string& text) { parseByteCount(text); }
void checkDuration(const std::string& text) { parseDuration(text); }

void checkReceiveBuffer(const std::string& text) {
  if (parseByteCount(text) > INT_MAX) {
    throw std::invalid_argument("expected a receive buffer below 2G, got \"" + text + "\"");
  }
}

void field(std::ostringstream& out, const std::string& name, const std::string& value) {
  out << "  " << std::left << std::setw(13) << name << value << '\n';
}

void bodyFields(std::ostringstream& out, const FetchResult& result) {
  const PatternChecker& body = result.body;
  field(out, "received",
        std::to_string(body.received()) + " of " + std::to_string(body.expected()) + " bytes");
  field(out, "missing", std::to_string(body.missing()) + " bytes");
  const auto bad = body.firstBadOffset();
  field(out, "first wrong",
        bad ? "offset " + std::to_string(*bad) + " (" + formatBytes(*bad) + " into the body)"
            : "none");
  field(out, "body map", bodyMap(body));
  field(out, "", mapLegend(body));
}

}  // namespace

void addSlowClientOptions(CLI::App& app, SlowClientCommandLine& line) {
  app.description(kDescription);
  app.footer(kFooter);
  app.add_option("URL", line.url, "http://HOST:PORT/bytes/N, HOST 127.0.0.1, localhost or [::1]")
      ->required()
      ->type_name("")
      ->check(validatorFor(checkUrl, ""));
  app.add_option("--rate", line.rate, "read at most this many bytes a second; 0: no limit")
      ->capture_default_str()
      ->type_name("SIZE")
      ->check(validatorFor(checkSize, ""));
  app.add_option("--pause", line.pause, "wait this long after the request before reading")
      ->capture_default_str()
      ->type_name("DURATION")
      ->check(validatorFor(checkDuration, ""));
  app.add_option("--rcvbuf", line.receiveBuffer,
                 "receive buffer (SO_RCVBUF; Linux doubles it); 0: the system's default")
      ->capture_default_str()
      ->type_name("SIZE")
      ->check(validatorFor(checkReceiveBuffer, ""));
  app.add_option("--timeout", line.timeout, "give up this long after connecting, pause included")
      ->capture_default_str()
      ->type_name("DURATION")
      ->check(validatorFor(checkDuration, ""));
}

SlowClientRequest toRequest(const SlowClientCommandLine& line) {
  SlowClientRequest request;
  request.url = parseUrl(line.url);
  patternBytesIn(request.url.path);
  request.options.ipv6 = request.url.ipv6;
  request.options.bytesPerSecond = parseByteCount(line.rate);
  request.options.pauseBeforeReading = parseDuration(line.pause);
  checkReceiveBuffer(line.receiveBuffer);
  request.options.receiveBuffer = static_cast<int>(parseByteCount(line.receiveBuffer));
  request.options.deadline = parseDuration(line.timeout);
  return request;
}

std::uint64_t patternBytesIn(const std::string& path) {
  const std::string prefix = "/bytes/";
  std::uint64_t bytes = 0;
  const char* end = path.data() + path.size();
  if (path.rfind(prefix, 0) == 0) {
    const char* digits = path.data() + prefix.size();
    const auto [rest, error] = std::from_chars(digits, end, bytes);
    if (error == std::errc() && rest == end && rest != digits) return bytes;
  }
  throw std::invalid_argument("expected the path /bytes/N (a body the client can check), got \"" +
                              path + "\"");
}

std::string describeRequest(const SlowClientRequest& request) {
  const Url& url = request.url;
  const FetchOptions& options = request.options;
  const std::string host = url.ipv6 ? "[" + url.host + "]" : url.host;
  std::string text =
      "rsp-slowclient: GET " + url.path + " from " + host + ":" + std::to_string(url.port) + "\n  ";
  text += options.receiveBuffer > 0 ? formatBytes(options.receiveBuffer) + " receive buffer"
                                    : "the system's receive buffer";
  text += ", waits " + formatSeconds(options.pauseBeforeReading) + " before reading, then reads ";
  text += options.bytesPerSecond > 0 ? "at most " + formatBytes(options.bytesPerSecond) + "/s"
                                     : "as fast as the data comes";
  return text + "\n";
}

std::string slowClientReport(const FetchResult& result) {
  std::ostringstream out;
  field(out, "reply", result.statusLine.empty() ? "none" : result.statusLine);
  if (!result.statusLine.empty()) bodyFields(out, result);
  field(out, "elapsed", formatSeconds(result.elapsed));
  field(out, "verdict", verdict(result));
  return out.str();
}

int exitStatusFor(const FetchResult& result) { return result.ok() && result.body.intact() ? 0 : 1; }

}  // namespace rsp::test
