// tests/tools/tour.h — rsp-demo's tour: every part, two scenarios each, the lessons of parts
// 5-8, and the verdict.
//
// The tour starts one test backend and then, for each part in turn, starts the part in front
// of it on a free port and shows two things:
//
//   1. four clients at once ask for /delay/1000, which the backend answers after 1 s: part 1
//      serves them one after the other (about 4 s), parts 2-7 all at once (about 1 s);
//   2. a slow client (a 4 KiB receive buffer, a 1 s pause, then 2 MiB/s) downloads 11 MiB:
//      parts 2 and 3 drop the chunks they cannot write at once; the others deliver them all.
//
// Parts 4-7 then show the lessons of parts 5-7 (idle clients, three backends, running out of
// descriptors: lessons.h), and the parts that read HTTP, 8 and up, the lesson of part 8 (two
// sites on one port, a smuggling attempt, a slowloris: lessons_http.h). The tour ends with
// three tables (summary.h) and says whether every part behaved as its post says
// (expectations.h). Every part started is stopped again, also
// when something throws.
#pragma once

#include <cstdint>
#include <filesystem>
#include <ostream>
#include <vector>

#include "summary.h"

namespace rsp::test {

// The directory this program was started from, where the part binaries are built too.
std::filesystem::path binaryDirectory();

// Runs both scenarios, and the lessons it shows, against part `part`, started from `binary` in
// front of the backend on `backendPort`. Writes progress and results to `out`, rewriting lines in
// place if `live`.
PartRun tourPart(int part, const std::filesystem::path& binary, std::uint16_t backendPort,
                 std::ostream& out, bool live);

// The whole tour, over the part binaries in `binaryDir`. Returns the parts that did not behave
// as their posts say (a missing part among them); empty if every part did.
std::vector<int> runTour(const std::filesystem::path& binaryDir, std::ostream& out, bool live);

}  // namespace rsp::test
