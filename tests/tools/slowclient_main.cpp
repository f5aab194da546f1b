// tests/tools/slowclient_main.cpp — rsp-slowclient: a slow client to try the parts by hand.
//
//   build/bin/rsp-backend --port 8888 &
//   build/bin/rsp-part2 8000 127.0.0.1 8888 &
//   build/bin/rsp-slowclient http://127.0.0.1:8000/bytes/11534336 --rate 2M
//
// Reads the command line (see slowclient.h), fetches the body with the test suite's client,
// showing progress on a terminal, prints the report and exits 0 if the body arrived intact.
#include <CLI/CLI.hpp>
#include <chrono>
#include <exception>
#include <iostream>
#include <stdexcept>

#include "progress.h"
#include "report.h"
#include "slowclient.h"

using namespace rsp::test;

namespace {

int run(const SlowClientRequest& request) {
  std::cout << describeRequest(request) << std::flush;
  FetchOptions options = request.options;
  ProgressLine progress(std::cout, stdoutIsTerminal());
  const auto start = std::chrono::steady_clock::now();
  options.onProgress = [&](std::uint64_t bytes) {
    const auto elapsed = std::chrono::steady_clock::now() - start;
    progress.update("  " + formatBytes(bytes) + " received after " +
                    formatSeconds(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed)));
  };
  const FetchResult result = fetch(request.url.port, request.url.path, options);
  progress.clear();
  std::cout << slowClientReport(result) << std::flush;
  return exitStatusFor(result);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app;
  SlowClientCommandLine line;
  addSlowClientOptions(app, line);
  if (const auto status = parseCommandLine(app, argc, argv)) return *status;
  SlowClientRequest request;
  try {
    request = toRequest(line);
  } catch (const std::invalid_argument& error) {  // the checks above should have caught it
    std::cerr << "rsp-slowclient: " << error.what() << '\n';
    return 2;
  }
  try {
    return run(request);
  } catch (const std::exception& error) {
    std::cerr << "rsp-slowclient: " << error.what() << '\n';
    return 1;
  }
}
