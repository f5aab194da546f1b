// tests/tools/slowclient.h — rsp-slowclient's command line and report, apart from its main().
//
//   rsp-slowclient http://127.0.0.1:8000/bytes/11534336 --rcvbuf 4k --pause 1s --rate 2M
//
// The slow client is the test suite's fetch() with a command line: it asks for a /bytes/N
// body, sits on a small receive buffer for a while, reads at a limited rate, checks every byte
// against the pattern, and reports what arrived, with a map that shows where the holes are.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "arguments.h"
#include "client.h"

namespace rsp::test {

// The command line as written; toRequest() turns it into values.
struct SlowClientCommandLine {
  std::string url;
  std::string rate = "0";
  std::string pause = "1s";
  std::string receiveBuffer = "4k";
  std::string timeout = "60s";
};

// What the command line asks for.
struct SlowClientRequest {
  Url url;
  FetchOptions options;
};

// Declares the options of rsp-slowclient on `app`, with their help and their checks.
void addSlowClientOptions(CLI::App& app, SlowClientCommandLine& line);

// Converts a command line that passed the checks; throws std::invalid_argument otherwise.
SlowClientRequest toRequest(const SlowClientCommandLine& line);

// N, from a path "/bytes/N": the client checks a patterned body, so it needs one.
std::uint64_t patternBytesIn(const std::string& path);

// The first lines of the report: what is asked, and how slowly it will be read.
std::string describeRequest(const SlowClientRequest& request);

// The rest of the report: what arrived, what is missing, the map, the verdict.
std::string slowClientReport(const FetchResult& result);

// 0 if the body arrived intact, 1 if it did not (bytes lost or wrong, or no reply at all).
int exitStatusFor(const FetchResult& result);

}  // namespace rsp::test
