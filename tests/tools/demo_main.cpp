// tests/tools/demo_main.cpp — rsp-demo: the tour `./tutorial demo` runs.
//
// Starts a test backend, then each part in turn (rsp-part1 ... from this program's own
// directory), shows what every part does with four clients at once and with one slow client,
// what parts 4-7 do with the lessons of parts 5-7 and parts 8 and up with part 8's, and ends
// with three tables (see tour.h).
// Exits 0 if every part behaved as its post says, 1 if one did not (the lines above the exit
// name it), 2 for a usage error.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "arguments.h"
#include "interrupt.h"
#include "progress.h"
#include "tour.h"

namespace {

// "part 2", "parts 2 and 3", "parts 1, 2 and 3".
std::string nameParts(const std::vector<int>& parts) {
  std::string text = parts.size() == 1 ? "part " : "parts ";
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) text += i + 1 == parts.size() ? " and " : ", ";
    text += std::to_string(parts[i]);
  }
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "rsp-demo: the tour of \"rsp, step by step\". Runs every part (rsp-part1 ... from the\n"
      "directory rsp-demo is in) in front of a test backend on 127.0.0.1, with four clients at\n"
      "once and with one slow client; then parts 4-7 with idle clients, three backends and too\n"
      "few descriptors, and parts 8 and up with two sites on one port, a smuggling attempt and\n"
      "a slowloris. Shows in three tables what each part did. Takes about a minute. Exit\n"
      "status: 0 if every part behaved as its post says, 1 if not.\n"};
  if (const auto status = rsp::test::parseCommandLine(app, argc, argv)) return *status;
  rsp::test::stopChildOnSignals();
  try {
    const std::vector<int> failed =
        rsp::test::runTour(rsp::test::binaryDirectory(), std::cout, rsp::test::stdoutIsTerminal());
    if (failed.empty()) return 0;
    std::cerr << "rsp-demo: " << nameParts(failed) << " did not behave as "
              << (failed.size() == 1 ? "its post says" : "their posts say") << " (see above)\n";
    return 1;
  } catch (const std::exception& error) {
    std::cerr << "rsp-demo: " << error.what() << '\n';
    return 1;
  }
}
