// tests/tools/tour.cpp — see tour.h.
#include "tour.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <sstream>
#include <thread>
#include <vector>

#include "backend.h"
#include "expectations.h"
#include "interrupt.h"
#include "launch.h"
#include "lessons.h"
#include "lessons_http.h"
#include "procfs.h"
#include "progress.h"
#include "report.h"

namespace rsp::test {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr char kDelayPath[] = "/delay/1000";
constexpr char kDelayReply[] = "delayed 1000 ms\n";
constexpr std::uint64_t kSlowBytes = 11 * 1024 * 1024;
constexpr int kSlowReceiveBuffer = 4096;
constexpr milliseconds kSlowPause = 1s;
constexpr std::uint64_t kSlowRate = 2 * 1024 * 1024;  // bytes a second: 11 MiB in about 6 s
constexpr milliseconds kClientDeadline = 30s;         // every client gives up after this

constexpr char kNext[] =
    "\nNext: read the posts, starting with blog/README.md, and see what each step changed with\n"
    "./tutorial diff 1 2 (then 2 3, and so on up to 9 10).\n";

milliseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start);
}

// What the tour is about to show; the numbers come from the constants above.
std::string intro() {
  std::ostringstream out;
  out << "rsp-demo: a tour of the parts of \"rsp, step by step\". Each part is started in front\n"
      << "of a test backend on 127.0.0.1 and meets two kinds of client:\n"
      << "  - four clients at once ask for " << kDelayPath
      << ", which the backend answers after 1 s;\n"
      << "  - a slow client downloads " << formatBytes(kSlowBytes) << " through a "
      << formatBytes(kSlowReceiveBuffer) << " receive buffer: it waits "
      << formatSeconds(kSlowPause) << "\n    before reading, then reads " << formatBytes(kSlowRate)
      << " a second, and checks every byte.\n"
      << "    Its map shows the body in " << kMapCells
      << " cells: # arrived intact, - partly lost, . lost entirely.\n"
      << lessonsIntro() << httpLessonIntro();
  return out.str();
}

// The binary's path as a reader would type it: relative to here, if it is below here.
std::string shown(const std::filesystem::path& binary) {
  const std::filesystem::path relative = binary.lexically_relative(std::filesystem::current_path());
  const bool below = !relative.empty() && *relative.begin() != "..";
  return (below ? relative : binary).string();
}

FourClients summarise(const std::vector<FetchResult>& results,
                      const std::vector<Clock::time_point>& ends, Clock::time_point start) {
  FourClients four;
  four.took =
      std::chrono::duration_cast<milliseconds>(*std::max_element(ends.begin(), ends.end()) - start);
  for (const FetchResult& result : results) {
    if (result.ok() && result.text == kDelayReply) {
      ++four.answered;
    } else if (four.firstFailure.empty()) {
      four.firstFailure = result.describe();
    }
  }
  return four;
}

FourClients runFourClients(std::uint16_t port, ProgressLine& line) {
  std::vector<FetchResult> results(kFourClients);
  std::vector<Clock::time_point> ends(kFourClients);
  std::atomic<int> done{0};
  const auto start = Clock::now();
  {
    std::vector<std::jthread> clients;  // joined at the end of this block, however it ends
    for (int i = 0; i < kFourClients; ++i) {
      clients.emplace_back([&, i] {
        FetchOptions options;
        options.deadline = kClientDeadline;
        results[i] = fetch(port, kDelayPath, options);
        ends[i] = Clock::now();
        ++done;
      });
    }
    // Every client gives up at its deadline, so this loop ends by then too.
    while (done < kFourClients && since(start) < kClientDeadline + 5s) {
      line.update(label("four clients, /delay/1000") + formatSeconds(since(start)) + ", " +
                  std::to_string(done) + " of " + std::to_string(kFourClients) + " answered");
      std::this_thread::sleep_for(50ms);
    }
  }
  return summarise(results, ends, start);
}

FetchResult runSlowClient(std::uint16_t port, ProgressLine& line) {
  const std::string name = label("slow client, " + formatBytes(kSlowBytes));
  FetchOptions slow;
  slow.receiveBuffer = kSlowReceiveBuffer;
  slow.pauseBeforeReading = kSlowPause;
  slow.bytesPerSecond = kSlowRate;
  slow.deadline = kClientDeadline;
  const auto start = Clock::now();
  slow.onProgress = [&](std::uint64_t bytes) {
    line.update(name + formatBytes(bytes) + " after " + formatSeconds(since(start)));
  };
  line.update(name + "waits " + formatSeconds(kSlowPause) + " before reading");
  return fetch(port, "/bytes/" + std::to_string(kSlowBytes), slow);
}

void showFourClients(const FourClients& four, ProgressLine& line) {
  std::string text = formatSeconds(four.took) + ": served " + servedHow(four.took);
  if (four.answered < kFourClients) {
    text += "; only " + std::to_string(four.answered) + " answered";
  }
  line.finish(label("four clients, /delay/1000") + text);
}

void showSlowClient(const PartRun& run, ProgressLine& line, std::ostream& out) {
  const FetchResult& slow = run.slowClient;
  const std::string name = label("slow client, " + formatBytes(kSlowBytes));
  if (slow.ok()) {
    line.finish(name + "received " + std::to_string(slow.body.received()) + " of " +
                std::to_string(slow.body.expected()) + " bytes in " + formatSeconds(slow.elapsed));
    out << label("") << bodyMap(slow.body) << '\n' << label("") << verdict(slow) << '\n';
  } else {
    line.finish(name + verdict(slow));
  }
  const std::string growth =
      run.memoryGrowthKiB < 0 ? "unknown" : "+" + formatKiB(run.memoryGrowthKiB);
  out << label("proxy's peak memory growth") << growth << '\n';
}

std::int64_t memoryGrowthKiB(pid_t pid, std::int64_t residentAtStart) {
  const std::int64_t peak = peakResidentKiB(pid);
  return peak < 0 || residentAtStart < 0 ? -1 : peak - residentAtStart;
}

void runScenarios(PartRun& run, const ProxySetup& setup, std::ostream& out, bool live) {
  RunningProxy proxy = startProxy(setup);  // its destructor stops it, also on a throw
  const WatchedChild watched(proxy.pid());
  const std::int64_t residentAtStart = residentKiB(proxy.pid());
  ProgressLine fourLine(out, live), slowLine(out, live);
  run.fourClients = runFourClients(proxy.port, fourLine);
  showFourClients(run.fourClients, fourLine);
  run.slowClient = runSlowClient(proxy.port, slowLine);
  run.memoryGrowthKiB = memoryGrowthKiB(proxy.pid(), residentAtStart);
  showSlowClient(run, slowLine, out);
  if (!proxy.process->running()) {
    run.endedEarly = "exited during the tour: " + proxy.process->stop().describe();
  }
}

// The lessons of parts 5-7 (lessons.h) and 8 (lessons_http.h) that this part shows, each on a
// fresh start of it.
void runLessons(PartRun& run, const ProxySetup& setup, std::ostream& out, bool live) {
  ProgressLine idleLine(out, live), balancingLine(out, live), descriptorsLine(out, live);
  if (showsIdleClients(run.part)) runIdleClients(run, setup, idleLine);
  if (showsBalancing(run.part)) runBalancing(run, setup, balancingLine);
  if (showsOutOfDescriptors(run.part)) runOutOfDescriptors(run, setup, descriptorsLine);
  if (showsHttpLesson(run.part)) runHttpLesson(run, setup, out, live);
}

// Lists how each part differs from its post; returns the parts that did.
std::vector<int> reportProblems(const std::vector<PartRun>& runs, std::ostream& out) {
  std::vector<int> failed;
  for (const PartRun& run : runs) {
    const std::vector<std::string> problems = problemsWith(run);
    if (!problems.empty()) failed.push_back(run.part);
    for (const std::string& problem : problems) {
      out << "part " << run.part << " (" << partTitle(run.part) << "): " << problem << '\n';
    }
  }
  return failed;
}

}  // namespace

std::filesystem::path binaryDirectory() {
  return std::filesystem::read_symlink("/proc/self/exe").parent_path();
}

PartRun tourPart(int part, const std::filesystem::path& binary, std::uint16_t backendPort,
                 std::ostream& out, bool live) {
  PartRun run;
  run.part = part;
  out << "part " << part << ", " << partTitle(part) << " (" << shown(binary) << ")\n";
  if (::access(binary.c_str(), X_OK) != 0) {
    run.cannotRun = shown(binary) + " is missing (build it: cmake --build --preset default)";
  } else {
    try {
      const ProxySetup setup{.part = part, .binary = binary.string(), .backendPort = backendPort};
      runScenarios(run, setup, out, live);
      runLessons(run, setup, out, live);
    } catch (const std::exception& error) {  // e.g. it did not start: its first line says why
      const std::string what = error.what();
      run.cannotRun = what.substr(0, what.find('\n'));
    }
  }
  if (!run.cannotRun.empty()) out << "  not run: " << run.cannotRun << '\n';
  out << std::endl;
  return run;
}

std::vector<int> runTour(const std::filesystem::path& binaryDir, std::ostream& out, bool live) {
  out << intro() << std::flush;
  TestBackend backend;
  std::vector<PartRun> runs;
  for (int part = 1; part <= kParts; ++part) {
    const std::filesystem::path binary = binaryDir / ("rsp-part" + std::to_string(part));
    runs.push_back(tourPart(part, binary, backend.port(), out, live));
  }
  out << summaryTable(runs) << '\n' << lessonsTable(runs) << '\n';
  if (const std::string http = httpTable(runs); !http.empty()) out << http << '\n';
  const std::vector<int> failed = reportProblems(runs, out);
  if (failed.empty()) out << "Every part behaved as its post says.\n";
  out << kNext << std::flush;
  return failed;
}

}  // namespace rsp::test
