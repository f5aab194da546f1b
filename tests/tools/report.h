// tests/tools/report.h — how the tools put numbers and bodies into words.
//
// rsp-slowclient and rsp-demo both show what a client received: sizes a reader can take in
// ("11.0 MiB"), durations ("4.02 s"), a one-line map of the body where every cell is a stretch
// of it (# arrived intact, - partly lost, . lost entirely), and a one-word verdict. Formatting
// lives here, apart from the code that runs the clients, so the tests can check it on any body.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "client.h"

namespace rsp::test {

constexpr std::size_t kMapCells = 64;

// "512 bytes", "4.0 KiB", "11.0 MiB", "1.5 GiB".
std::string formatBytes(std::uint64_t bytes);

// A memory size /proc gives in KiB: "212 KiB", "11.3 MiB".
std::string formatKiB(std::int64_t kib);

// "0.25 s", "4.02 s".
std::string formatSeconds(std::chrono::milliseconds elapsed);

// "[####--..##]": the body split into `cells` equal stretches (see PatternChecker::map).
std::string bodyMap(const PatternChecker& body, std::size_t cells = kMapCells);

// What one map cell stands for, and what its characters mean.
std::string mapLegend(const PatternChecker& body, std::size_t cells = kMapCells);

// "  four clients, /delay/1000   ": the first column of a line of the tour, `text` indented by
// two and padded to kLabelWidth.
constexpr std::size_t kLabelWidth = 30;
std::string label(const std::string& text);

// One line: INTACT, BYTES LOST, DAMAGED, TIMED OUT or NO REPLY, and the numbers behind it.
std::string verdict(const FetchResult& result);

}  // namespace rsp::test
