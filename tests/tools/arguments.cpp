// tests/tools/arguments.cpp — see arguments.h.
#include "arguments.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace rsp::test {
namespace {

std::invalid_argument invalid(const std::string& expected, const std::string& text) {
  return std::invalid_argument("expected " + expected + ", got \"" + text + "\"");
}

std::uint64_t multiplierFor(const std::string& suffix, const std::string& text) {
  if (suffix.empty()) return 1;
  if (suffix == "k" || suffix == "K") return 1024;
  if (suffix == "m" || suffix == "M") return 1024 * 1024;
  if (suffix == "g" || suffix == "G") return 1024 * 1024 * 1024;
  throw invalid("a number of bytes such as 4096, 64k or 2M", text);
}

std::uint16_t parsePort(const std::string& text) {
  unsigned value = 0;
  const char* end = text.data() + text.size();
  const auto [rest, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || rest != end || value == 0 || value > 65535) {
    throw invalid("a port number (1-65535)", text);
  }
  return static_cast<std::uint16_t>(value);
}

// Splits "HOST[:PORT]" (HOST may be a bracketed IPv6 address) into the URL.
void splitHostPort(const std::string& authority, Url& url) {
  std::string portText;
  if (authority.rfind('[', 0) == 0) {
    const std::size_t close = authority.find(']');
    if (close == std::string::npos) throw invalid("a closing ] after the IPv6 address", authority);
    url.host = authority.substr(1, close - 1);
    url.ipv6 = true;
    portText = authority.substr(close + 1);
  } else {
    const std::size_t colon = authority.find(':');
    if (authority.find(':', colon + 1) != std::string::npos) {
      throw invalid("an IPv6 address in brackets, such as [::1]:8000", authority);
    }
    url.host = authority.substr(0, colon);
    if (colon != std::string::npos) portText = authority.substr(colon);
  }
  if (url.host.empty() || (!portText.empty() && portText[0] != ':')) {
    throw invalid("HOST or HOST:PORT", authority);
  }
  if (!portText.empty()) url.port = parsePort(portText.substr(1));
}

void requireLoopback(const Url& url) {
  const bool loopback =
      url.ipv6 ? url.host == "::1" : url.host == "127.0.0.1" || url.host == "localhost";
  if (!loopback) {
    throw std::invalid_argument("refusing host \"" + url.host +
                                "\": the tools only talk to this machine, at 127.0.0.1, "
                                "localhost or [::1]");
  }
}

}  // namespace

std::uint64_t parseByteCount(const std::string& text) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [rest, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || rest == text.data()) {
    throw invalid("a number of bytes such as 4096, 64k or 2M", text);
  }
  const std::uint64_t multiplier = multiplierFor(std::string(rest, end), text);
  if (value > std::numeric_limits<std::uint64_t>::max() / multiplier) {
    throw invalid("a number of bytes that fits in 64 bits", text);
  }
  return value * multiplier;
}

std::chrono::milliseconds parseDuration(const std::string& text) {
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [rest, error] = std::from_chars(text.data(), end, value);
  const std::string unit(rest, end);
  const bool known = unit == "ms" || unit == "s" || (unit.empty() && value == 0);
  if (error != std::errc() || rest == text.data() || !known || !std::isfinite(value) || value < 0) {
    throw invalid("a duration with its unit, such as 500ms or 1s", text);
  }
  const double ms = unit == "s" ? value * 1000 : value;
  if (ms > 3600 * 1000) throw invalid("a duration of at most an hour", text);
  return std::chrono::milliseconds(std::llround(ms));
}

Url parseUrl(const std::string& text) {
  const std::string scheme = "http://";
  if (text.rfind(scheme, 0) != 0) throw invalid("a URL that starts with http://", text);
  std::string authority = text.substr(scheme.size());
  Url url;
  if (const std::size_t slash = authority.find('/'); slash != std::string::npos) {
    url.path = authority.substr(slash);
    authority.resize(slash);
  }
  if (authority.empty()) throw invalid("a host after http://", text);
  splitHostPort(authority, url);
  requireLoopback(url);
  return url;
}

CLI::Validator validatorFor(std::function<void(const std::string&)> parse,
                            const std::string& name) {
  auto check = [parse](std::string& value) -> std::string {
    try {
      parse(value);
      return {};
    } catch (const std::invalid_argument& error) {
      return error.what();
    }
  };
  return CLI::Validator(check, name);
}

std::optional<int> parseCommandLine(CLI::App& app, int argc, const char* const* argv,
                                    std::ostream& out, std::ostream& err) {
  try {
    app.parse(argc, argv);
    return std::nullopt;
  } catch (const CLI::ParseError& error) {
    return app.exit(error, out, err) == 0 ? 0 : 2;
  }
}

}  // namespace rsp::test
