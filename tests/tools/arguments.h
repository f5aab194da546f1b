// tests/tools/arguments.h — the command-line values the tools share: sizes, durations, URLs.
//
// rsp-slowclient and rsp-demo read sizes ("4k", "2M"), durations ("500ms", "1s") and loopback
// URLs ("http://127.0.0.1:8000/bytes/1048576"). Each parser throws std::invalid_argument with a
// message a reader can act on; validatorFor() turns one into a CLI11 check, so that a bad value
// is reported like any other usage error, and parseCommandLine() gives usage errors status 2.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <iostream>
#include <optional>
#include <string>

namespace rsp::test {

// "4096", "64k", "2M", "1G": a whole number of bytes, with an optional suffix k, M or G (either
// case) that multiplies by a power of 1024: 64k = 65536 bytes, 2M = 2097152 bytes.
std::uint64_t parseByteCount(const std::string& text);

// "500ms", "1s", "1.5s", "0": a duration with its unit (ms or s); rounded to milliseconds.
std::chrono::milliseconds parseDuration(const std::string& text);

// A URL on this machine's loopback interface: http://HOST[:PORT][/PATH].
struct Url {
  std::string host;  // as written: 127.0.0.1, localhost or ::1
  std::uint16_t port = 80;
  std::string path = "/";
  bool ipv6 = false;  // ::1 (written [::1] in the URL)
};

// Accepts only http:// and the loopback hosts 127.0.0.1, localhost and [::1]: the tools talk to
// the proxies on this machine, never to the network.
Url parseUrl(const std::string& text);

// A CLI11 validator that runs `parse` on the value and reports its message if it throws.
CLI::Validator validatorFor(std::function<void(const std::string&)> parse, const std::string& name);

// Parses the command line: nullopt to go on; otherwise the status to exit with, 0 after --help
// (printed to `out`) and 2 after a usage error (explained on `err`).
std::optional<int> parseCommandLine(CLI::App& app, int argc, const char* const* argv,
                                    std::ostream& out = std::cout, std::ostream& err = std::cerr);

}  // namespace rsp::test
